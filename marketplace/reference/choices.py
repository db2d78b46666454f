"""Select and radios choices from a vocabulary: the one way every domain's forms offer reference terms.

Lives in ``reference`` (not ``core``) because it reads reference models; ``core`` imports no package above it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from marketplace.extensions import db
from marketplace.reference.models import Term, Vocabulary


def term_choices(vocabulary_key: str, *, blank: str | None = "Select an option") -> list[SelectChoice]:
    """Choices for a select or radios field from a vocabulary (values are term ids as strings)."""
    terms = db.session.scalars(
        select(Term)
        .join(Vocabulary)
        .where(Vocabulary.key == vocabulary_key, Term.is_active.is_(True))
        .order_by(Term.position, Term.label)
    )
    choices = [SelectChoice(str(term.id), term.label) for term in terms]
    return ([SelectChoice("", blank)] if blank is not None else []) + choices


def tick_parents(parent_field: Any, child_ids: list[int] | None) -> None:
    """Tick the parent of every ticked child term (an aim's outcome) rather than refusing the form for it.

    People tick the aim they mean; insisting that they also tick the outcome above it only argues with them.
    """
    if not child_ids:
        return
    parents = db.session.scalars(select(Term.parent_id).where(Term.id.in_(child_ids), Term.parent_id.is_not(None)))
    ticked = list(parent_field.data or [])
    parent_field.data = ticked + sorted({parent for parent in parents if parent not in ticked})
