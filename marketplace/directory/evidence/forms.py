"""Evidence forms: safeguarding, accreditations and impact evidence, with guarded date fields.

Dates use :class:`marketplace.core.fields.GovDateField` rather than WTForms' ``DateField``: three inputs (day,
month, year) that report "Enter a complete date" or "Enter a real date" instead of crashing on missing or
malformed parts.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import Field, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from marketplace.core.clock import today
from marketplace.core.fields import GovDateField, strip_text, text_field
from marketplace.core.forms import optional_int
from marketplace.reference.choices import term_choices
from marketplace.reference.services import terms_by_code

TEXT_LIMIT = 5000
FILE_HINT = "PDF, DOCX, ODT, PNG or JPEG, smaller than 10MB"


class NotInFuture:
    """The date must be today or earlier."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Field) -> None:
        if field.data is not None and field.data > today():
            raise ValidationError(self.message)


def _text(label: str, *, required: str | None = None, max_length: int = 200, **kwargs) -> StringField:
    validators = [DataRequired(message=required)] if required else [Optional()]
    message = f"{label} must be {max_length} characters or fewer"
    return StringField(
        label,
        widget=GovTextInput(),
        validators=[*validators, Length(max=max_length, message=message)],
        filters=[strip_text],
        **kwargs,
    )


def _textarea(label: str, **kwargs) -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovTextArea(),
        validators=[Optional(), Length(max=TEXT_LIMIT, message=f"{label} must be {TEXT_LIMIT} characters or fewer")],
        filters=[strip_text],
        **kwargs,
    )


def _document(label: str) -> FileField:
    return FileField(label, widget=GovFileInput(), description=FILE_HINT)


class UploadMixin:
    """A form whose ``document`` field is required unless the record already has a document."""

    has_document: bool = False
    document_required_message = "Select a file"

    def validate_document(self, field: FileField) -> None:
        if not field.data and not self.has_document:
            raise ValidationError(self.document_required_message)


class SafeguardingForm(UploadMixin, FlaskForm):
    document = _document("Safeguarding policy")
    policy_reviewed_on = GovDateField(
        "When was the policy last reviewed?",
        required_message="Enter the date the policy was last reviewed",
        validators=[NotInFuture("The date the policy was last reviewed must be today or in the past")],
        description="For example, 27 3 2025. A policy reviewed more than 12 months ago is out of date.",
    )
    lead_name = _text(
        "Designated safeguarding lead",
        required="Enter the name of your designated safeguarding lead",
        max_length=120,
    )
    lead_trained_on = GovDateField(
        "When did the designated safeguarding lead last complete safeguarding training?",
        validators=[NotInFuture("The date the lead was trained must be today or in the past")],
        description="For example, 14 9 2025",
    )
    dbs_coverage_percent = IntegerField(
        "Percentage of staff and volunteers with enhanced DBS checks",
        widget=GovTextInput(),
        invalid_value_message="DBS coverage must be a whole number, like 80",
        validators=[
            InputRequired(message="Enter the percentage of staff and volunteers with enhanced DBS checks"),
            NumberRange(min=0, max=100, message="DBS coverage must be between 0 and 100"),
        ],
    )
    training = _textarea("Safeguarding training for staff and volunteers")
    reporting_procedure = _textarea("How concerns are reported")
    submit = SubmitField("Save safeguarding record", widget=GovSubmitInput())

    document_required_message = "Select your safeguarding policy document"


class AccreditationForm(UploadMixin, FlaskForm):
    scheme_id = SelectField(
        "Accreditation scheme",
        widget=GovSelect(),
        coerce=optional_int,
        validators=[InputRequired(message="Select an accreditation scheme")],
        invalid_value_message="Select an accreditation scheme from the list",
        invalid_choice_message="Select an accreditation scheme from the list",
    )
    # No Optional(): it would stop the chain before validate_scheme_other_name could ask for the name.
    scheme_other_name = text_field("Name of the scheme, if other", noun="Name of the scheme", max_length=200)
    reference = _text("Reference or certificate number", max_length=100)
    awarded_on = GovDateField(
        "Date awarded",
        required_message="Enter the date the accreditation was awarded",
        validators=[NotInFuture("The date awarded must be today or in the past")],
        description="For example, 1 4 2024",
    )
    expires_on = GovDateField("Expiry date", description="Leave blank if it does not expire. For example, 31 3 2027")
    document = _document("Certificate")
    submit = SubmitField("Save accreditation", widget=GovSubmitInput())

    document_required_message = "Select the certificate"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scheme_id.choices = term_choices("accreditation_scheme", blank="Select a scheme")

    def validate_scheme_other_name(self, field: StringField) -> None:
        other = terms_by_code("accreditation_scheme").get("other")
        if other is not None and self.scheme_id.data == other.id and not field.data:
            raise ValidationError("Enter the name of the scheme")

    def validate_expires_on(self, field: GovDateField) -> None:
        awarded = self.awarded_on.data
        if field.data is not None and awarded is not None and field.data <= awarded:
            raise ValidationError("The expiry date must be after the date awarded")


KIND_CHOICES = [SelectChoice("case_study", "Case study"), SelectChoice("evaluation", "Evaluation")]
KIND_LABELS = {choice.value: choice.label for choice in KIND_CHOICES}


class ImpactEvidenceForm(FlaskForm):
    title = _text("Title", required="Enter a title", max_length=200)
    kind = RadioField(
        "What kind of evidence is it?",
        widget=GovRadioInput(),
        choices=KIND_CHOICES,
        validators=[InputRequired(message="Select whether it is a case study or an evaluation")],
        invalid_choice_message="Select whether it is a case study or an evaluation",
    )
    outcome_id = SelectField(
        "Every Child Matters outcome measured",
        widget=GovSelect(),
        coerce=optional_int,
        validators=[InputRequired(message="Select the outcome measured")],
        invalid_value_message="Select the outcome measured from the list",
        invalid_choice_message="Select the outcome measured from the list",
    )
    method = _textarea("Method", description="How the outcome was measured")
    baseline = _textarea("Baseline", description="The position before the work")
    result = _textarea("Result", description="What changed, with figures where you have them")
    sample_size = IntegerField(
        "Sample size",
        widget=GovTextInput(),
        invalid_value_message="Sample size must be a whole number, like 40",
        validators=[
            Optional(),
            NumberRange(min=0, max=10_000_000, message="Sample size must be between 0 and 10,000,000"),
        ],
        description="How many children, young people or families took part",
    )
    period_start = GovDateField(
        "Start of the period covered",
        validators=[NotInFuture("The start of the period must be today or in the past")],
        description="For example, 1 9 2024",
    )
    period_end = GovDateField("End of the period covered", description="For example, 31 7 2025")
    document = _document("Supporting document (optional)")
    submit = SubmitField("Save impact evidence", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.outcome_id.choices = term_choices("ecm_outcome", blank="Select an outcome")

    def validate_period_end(self, field: GovDateField) -> None:
        start = self.period_start.data
        if field.data is not None and start is not None and field.data < start:
            raise ValidationError("The end of the period must be the same as or after the start")


class ConfirmDeleteForm(FlaskForm):
    submit = SubmitField("Yes, delete it", widget=GovSubmitInput())
