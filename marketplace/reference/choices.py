"""Select and radios choices from a vocabulary: the one way every domain's forms offer reference terms.

Lives in ``reference`` (not ``core``) because it reads reference models; ``core`` imports no package above it.
"""

from __future__ import annotations

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
