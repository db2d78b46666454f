"""Reviewed-edit forms: the assessor's decision (approve, or reject with reasons) and the provider's withdrawal."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import BooleanField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from marketplace.core.fields import strip_text
from marketplace.revisions.services import MAX_REASONS

APPROVE, REJECT = "approve", "reject"


class DecisionForm(FlaskForm):
    no_conflict = BooleanField(
        "I have no conflict of interest with this organisation",
        validators=[InputRequired(message="Confirm that you have no conflict of interest with this organisation")],
        widget=GovCheckboxInput(),
    )
    decision = RadioField(
        "Decision",
        choices=[SelectChoice(APPROVE, "Approve and publish the change"), SelectChoice(REJECT, "Reject the change")],
        validators=[InputRequired(message="Select a decision")],
        widget=GovRadioInput(),
    )
    reasons = TextAreaField(
        "Reasons",
        validators=[Length(max=MAX_REASONS, message=f"Reasons must be {MAX_REASONS:,} characters or fewer")],
        filters=[strip_text],
        widget=GovTextArea(),
        description="Required when you reject the change. The provider's account managers are sent them.",
    )
    submit = SubmitField("Record the decision", widget=GovSubmitInput())

    def validate(self, extra_validators: dict | None = None) -> bool:
        valid = super().validate(extra_validators)
        if self.decision.data == REJECT and not self.reasons.data:
            self.reasons.errors = [*self.reasons.errors, "Enter the reasons the change is rejected"]
            valid = False
        return valid


class WithdrawForm(FlaskForm):
    submit = SubmitField("Withdraw this change", widget=GovSubmitInput())
