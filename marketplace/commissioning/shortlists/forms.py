"""Shortlist forms: the hidden "add to shortlist" form any page can post, entry notes and rank, and the award."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from marketplace.commissioning.models import Response, ShortlistEntry
from marketplace.commissioning.shortlists.services import MAX_NOTES, Candidate
from marketplace.core.forms import optional_int


def _id_or_none(value: str | None) -> int | None:
    """A submitted id: blank is none; anything but a positive whole number is none too (and then refused)."""
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


class AddToShortlistForm(FlaskForm):
    """Hidden fields posted by the "Add to shortlist" buttons on search results, profiles and responses."""

    need_id = HiddenField()
    organisation_id = HiddenField()
    consortium_id = HiddenField()
    response_id = HiddenField()
    next = HiddenField()

    def need_id_value(self) -> int | None:
        return _id_or_none(self.need_id.data)

    def candidate(self) -> Candidate:
        return Candidate(
            organisation_id=_id_or_none(self.organisation_id.data),
            consortium_id=_id_or_none(self.consortium_id.data),
            response_id=_id_or_none(self.response_id.data),
        )

    def bad_ids(self) -> bool:
        """Something was submitted in an id field that is not a whole number (a tampered or broken form)."""
        fields = (self.organisation_id, self.consortium_id, self.response_id)
        return any((field.data or "").strip() and _id_or_none(field.data) is None for field in fields)


class RankField(StringField):
    """A whole-number rank of 1 or more, typed in a text input; keeps what was typed when it is wrong."""

    widget = GovTextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = int(self.raw) if self.raw.isdigit() and len(self.raw) < 6 else None

    def _value(self) -> str:
        return getattr(self, "raw", None) or ("" if self.data is None else str(self.data))

    def pre_validate(self, form: FlaskForm) -> None:
        raw = getattr(self, "raw", "")
        if not raw:
            raise ValidationError("Enter a rank")
        if self.data is None:
            raise ValidationError("Rank must be a whole number, like 1")
        if self.data < 1:
            raise ValidationError("Rank must be 1 or more")


class EntryForm(FlaskForm):
    rank = RankField("Rank", description="1 is your first choice.")
    notes = TextAreaField(
        "Notes",
        validators=[Length(max=MAX_NOTES, message=f"Notes must be {MAX_NOTES:,} characters or fewer")],
        widget=GovTextArea(),
        description="Only commissioners of your body can see these notes.",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    @classmethod
    def for_entry(cls, entry: ShortlistEntry) -> EntryForm:
        return cls(data={"rank": entry.rank, "notes": entry.notes})


class AwardForm(FlaskForm):
    response_id = RadioField(
        "Who are you awarding this need to?",
        coerce=optional_int,
        validate_choice=False,  # the service explains why a provider cannot be awarded
        widget=GovRadioInput(),
    )
    decision_note = TextAreaField(
        "Decision note",
        validators=[
            InputRequired(message="Enter a decision note"),
            Length(max=MAX_NOTES, message=f"Decision note must be {MAX_NOTES:,} characters or fewer"),
        ],
        widget=GovTextArea(),
        description="Why you chose this provider. It is kept with the decision.",
    )
    # "yes" once the commissioner has seen "This cannot be undone" and confirmed (the award is irreversible)
    confirmed = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.data == "yes"

    def set_choices(self, pairs: list[tuple[ShortlistEntry, Response]]) -> None:
        self.response_id.choices = [
            SelectChoice(response.id, f"{entry.rank}. {response.responder_name}") for entry, response in pairs
        ]

    def validate_response_id(self, field: RadioField) -> None:
        if field.data is None:
            raise ValidationError("Select the provider you are awarding this need to")

    def validate_decision_note(self, field: TextAreaField) -> None:
        if not (field.data or "").strip():
            raise ValidationError("Enter a decision note")
