"""Kitemark forms: the provider's declaration, assignment, conflict of interest, the review, suspension."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import BooleanField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from marketplace.accounts.models import User
from marketplace.core.fields import select_field, strip_text
from marketplace.core.forms import optional_int
from marketplace.kitemark.checklist import CHECKLIST
from marketplace.kitemark.models import Decision
from marketplace.kitemark.services import MAX_REASONS, CheckResult

VERIFIED, FAILED = "verified", "failed"


def _reasons(label: str, message: str, description: str = "") -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            DataRequired(message=message),
            Length(max=MAX_REASONS, message=f"{label} must be {MAX_REASONS:,} characters or fewer"),
        ],
        filters=[strip_text],
        widget=GovTextArea(),
        description=description,
    )


class DeclarationForm(FlaskForm):
    """Apply or resubmit: the account manager confirms the evidence is accurate."""

    confirm = BooleanField(
        "I confirm the evidence in our profile is accurate and up to date",
        validators=[InputRequired(message="Confirm that your evidence is accurate and up to date")],
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Apply for the kitemark", widget=GovSubmitInput())


class AssignForm(FlaskForm):
    assessor_id = select_field("Assessor", coerce=optional_int, invalid="Select an assessor from the list")
    submit = SubmitField("Assign", widget=GovSubmitInput())

    def set_choices(self, assessors: list[User]) -> None:
        self.assessor_id.choices = [SelectChoice(None, "Select an assessor")] + [
            SelectChoice(user.id, user.name) for user in assessors
        ]

    def validate_assessor_id(self, field: SelectField) -> None:
        if field.data is None:
            raise ValidationError("Select an assessor from the list")


class ConflictForm(FlaskForm):
    declaration = RadioField(
        "Do you have a conflict of interest with this organisation?",
        choices=[
            SelectChoice("none", "No, I have no conflict of interest"),
            SelectChoice("conflict", "Yes, I have a conflict of interest (you will step aside)"),
        ],
        validators=[InputRequired(message="Select whether you have a conflict of interest")],
        widget=GovRadioInput(),
        description="For example: you work for it, advise it, or a close relative works there.",
    )
    conflict_note = TextAreaField(
        "Describe the conflict",
        validators=[Length(max=MAX_REASONS, message=f"Conflict must be {MAX_REASONS:,} characters or fewer")],
        filters=[strip_text],
        widget=GovTextArea(),
    )
    submit = SubmitField("Save declaration", widget=GovSubmitInput())

    def validate_conflict_note(self, field: TextAreaField) -> None:
        if self.declaration.data == "conflict" and not field.data:
            raise ValidationError("Describe the conflict of interest")


class ReviewForm(FlaskForm):
    """Each checklist item verified or failed (a failed item needs a note), then the decision and its reasons."""

    decision = RadioField(
        "Decision",
        choices=[SelectChoice(decision.value, decision.label) for decision in Decision],
        validators=[InputRequired(message="Select a decision")],
        widget=GovRadioInput(),
    )
    reasons = _reasons(
        "Reasons for your decision",
        "Enter the reasons for your decision",
        "The provider's account managers are sent these reasons and see them on their kitemark page.",
    )
    submit = SubmitField("Record the decision", widget=GovSubmitInput())

    def results(self) -> dict[str, CheckResult]:
        return {
            item.key: CheckResult(self[f"{item.key}_result"].data == VERIFIED, self[f"{item.key}_note"].data or "")
            for item in CHECKLIST
        }

    def item_fields(self) -> list[tuple[object, object, object]]:
        return [(item, self[f"{item.key}_result"], self[f"{item.key}_note"]) for item in CHECKLIST]

    def validate(self, extra_validators: dict | None = None) -> bool:
        valid = super().validate(extra_validators)
        for item in CHECKLIST:
            result, note = self[f"{item.key}_result"], self[f"{item.key}_note"]
            if result.data == FAILED and not note.data:
                note.errors = [*note.errors, f"Say what the provider must fix for {item.name.lower()}"]
                valid = False
        if self.decision.data == Decision.AWARD and any(self[f"{i.key}_result"].data == FAILED for i in CHECKLIST):
            self.decision.errors = [
                *self.decision.errors,
                "You can only award the kitemark when every item is verified",
            ]
            valid = False
        return valid


def add_item_fields(form: type[FlaskForm], items: Iterable[Any], choices: list[SelectChoice], message: str) -> None:
    """Give ``form`` a result radio (``<key>_result``) and a note (``<key>_note``) for each checklist item.

    Shared with the safeguarding verification decision form; ``message`` is the missing-result error, with
    ``{name}`` standing for the item's name in lower case.
    """
    for item in items:
        name = item.name.lower()
        result = RadioField(
            item.name,
            choices=choices,
            validators=[InputRequired(message=message.format(name=name))],
            widget=GovRadioInput(),
            description=item.guidance,
        )
        note = TextAreaField(
            f"Note on {name}",
            validators=[Length(max=MAX_REASONS, message=f"Note must be {MAX_REASONS:,} characters or fewer")],
            filters=[strip_text],
            widget=GovTextArea(),
        )
        setattr(form, f"{item.key}_result", result)
        setattr(form, f"{item.key}_note", note)


add_item_fields(
    ReviewForm,
    CHECKLIST,
    [SelectChoice(VERIFIED, "Verified"), SelectChoice(FAILED, "Failed")],
    "Select whether {name} is verified or failed",
)


class SuspendForm(FlaskForm):
    reasons = _reasons(
        "Reasons for suspending",
        "Enter the reasons for suspending the kitemark",
        "The suspension takes effect at once. The provider is sent these reasons.",
    )
    submit = SubmitField("Suspend the kitemark", widget=GovSubmitInput(), render_kw={"class": "govuk-button--warning"})


class ReinstateForm(FlaskForm):
    reasons = _reasons(
        "Reasons for reinstating",
        "Enter the reasons for reinstating the kitemark",
        "The provider is sent these reasons.",
    )
    submit = SubmitField("Reinstate the kitemark", widget=GovSubmitInput())


class TakeAndReviewForm(ReviewForm):
    """The review form for an application nobody has taken yet: the declaration comes with the decision."""

    no_conflict = BooleanField(
        "I have no conflict of interest with this organisation",
        validators=[DataRequired(message="Declare that you have no conflict of interest before you decide")],
        widget=GovCheckboxInput(),
        description="For example: you do not work for it or advise it, and no close relative works there. "
        "If you have a conflict, assign the application to another assessor instead.",
    )


class TakeForm(FlaskForm):
    """Take an application (assign it to me), with the no-conflict declaration in the same form (one post, not two)."""

    declare_no_conflict = BooleanField(
        "I take this application and have no conflict of interest with it",
        validators=[DataRequired(message="Declare that you have no conflict of interest before you take it")],
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Take this application", widget=GovSubmitInput())
