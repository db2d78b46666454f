"""Form helpers shared by every domain: vocabulary choices and GOV.UK field wording."""

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


def optional_int(value: object) -> int | None:
    """Coerce a select's submitted value: blank means none; anything not an integer is rejected."""
    if value in (None, "", "None"):
        return None
    return int(value)  # type: ignore[arg-type]
