"""Verification forms: the provider's request, and the assessor's item-by-item decision.

Assignment and the conflict-of-interest declaration use the kitemark queue's forms (the same rules and words).
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import BooleanField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from marketplace.core.fields import strip_text
from marketplace.kitemark.forms import AssignForm, ConflictForm, add_item_fields
from marketplace.verification.checks import ITEMS
from marketplace.verification.services import MAX_REASONS, Decision, ItemResult

__all__ = ["AssignForm", "ConflictForm", "DecisionForm", "RequestForm"]

MET, NOT_MET = "met", "not_met"


class RequestForm(FlaskForm):
    """The account manager confirms the safeguarding record is accurate before it goes to the assessors."""

    confirm = BooleanField(
        "I confirm our safeguarding record is accurate and up to date",
        validators=[InputRequired(message="Confirm that your safeguarding record is accurate and up to date")],
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Ask for verification", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    """Each item met or not met (an item not met needs a note), then verified or not verified with reasons."""

    decision = RadioField(
        "Decision",
        choices=[SelectChoice(value, label) for value, label in Decision.LABELS.items()],
        validators=[InputRequired(message="Select a decision")],
        widget=GovRadioInput(),
    )
    reasons = TextAreaField(
        "Reasons for your decision",
        validators=[Length(max=MAX_REASONS, message=f"Reasons must be {MAX_REASONS:,} characters or fewer")],
        filters=[strip_text],
        widget=GovTextArea(),
        description="Required when the record is not verified. The provider's account managers are sent them.",
    )
    submit = SubmitField("Record the decision", widget=GovSubmitInput())

    def __init__(self, *args, ruled_out: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ruled_out = ruled_out or {}

    def results(self) -> dict[str, ItemResult]:
        return {
            item.key: ItemResult(self[f"{item.key}_result"].data == MET, self[f"{item.key}_note"].data or "")
            for item in ITEMS
        }

    def item_fields(self) -> list[tuple[object, object, object]]:
        return [(item, self[f"{item.key}_result"], self[f"{item.key}_note"]) for item in ITEMS]

    def _item_errors(self) -> bool:
        valid = True
        for item in ITEMS:
            result, note = self[f"{item.key}_result"], self[f"{item.key}_note"]
            if result.data == MET and item.key in self.ruled_out:
                result.errors = [*result.errors, f"{item.name} cannot be met: {self.ruled_out[item.key]}"]
                valid = False
            if result.data == NOT_MET and not note.data and item.key not in self.ruled_out:
                note.errors = [*note.errors, f"Say what the provider must fix for {item.name.lower()}"]
                valid = False
        return valid

    def validate(self, extra_validators: dict | None = None) -> bool:
        valid = super().validate(extra_validators) & self._item_errors()
        if self.decision.data == Decision.VERIFIED and any(self[f"{i.key}_result"].data == NOT_MET for i in ITEMS):
            self.decision.errors = [*self.decision.errors, "You can only verify the record when every item is met"]
            valid = False
        if self.decision.data == Decision.NOT_VERIFIED and not self.reasons.data:
            self.reasons.errors = [*self.reasons.errors, "Enter the reasons the record is not verified"]
            valid = False
        return valid


add_item_fields(
    DecisionForm,
    ITEMS,
    [SelectChoice(MET, "Met"), SelectChoice(NOT_MET, "Not met")],
    "Select whether {name} is met",
)
