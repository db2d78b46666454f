"""The matches page's one form: tick several matches (or press one match's button) to shortlist them in one post."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import ValidationError

from marketplace.commissioning.shortlists.services import Candidate
from marketplace.matching.ranking import MatchResult

NOTHING_SELECTED = "Select at least one provider to add to the shortlist"
NOT_A_MATCH = "You can only shortlist providers listed in this need's matches"


def candidate_key(result: MatchResult) -> str:
    """A match's value in the form: ``organisation:12`` or ``consortium:3``."""
    return f"{result.kind}:{result.object_id}"


class ShortlistMatchesForm(FlaskForm):
    """Ticked matches, or the one match whose own "Add to shortlist" button was pressed (``only``).

    The choices are the need's current matches that are not already on its shortlist, so a tampered value (an
    organisation that does not match, another need's candidate) is refused here, before any service is called.
    """

    selected = SelectMultipleField("Matches to add to the shortlist", choices=[], validate_choice=False)
    only = StringField()

    @classmethod
    def for_matches(cls, results: list[MatchResult], states: dict[tuple[str, int], str]) -> ShortlistMatchesForm:
        form = cls()
        form.selected.choices = [
            (candidate_key(result), result.name) for result in results if (result.kind, result.object_id) not in states
        ]
        return form

    def chosen(self) -> list[str]:
        return [self.only.data.strip()] if (self.only.data or "").strip() else list(self.selected.data or [])

    def validate_selected(self, field: SelectMultipleField) -> None:
        chosen = self.chosen()
        if not chosen:
            raise ValidationError(NOTHING_SELECTED)
        allowed = {value for value, _label in field.choices}
        if any(value not in allowed for value in chosen):
            raise ValidationError(NOT_A_MATCH)

    def candidates(self) -> list[Candidate]:
        """The validated choices as shortlist candidates (a consortium is shortlisted through its lead)."""
        found = []
        for value in self.chosen():
            kind, _, object_id = value.partition(":")
            if kind == "consortium":
                found.append(Candidate(organisation_id=None, consortium_id=int(object_id)))
            else:
                found.append(Candidate(organisation_id=int(object_id)))
        return found
