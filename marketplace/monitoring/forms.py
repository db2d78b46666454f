"""Monitoring forms: record a contract, add a measure, submit or correct a return, override, challenge, close out.

Figures are typed as people write them ("81.8", "81.8%", "604 days", "not available"); a figure that is not a
number is refused with the measure's name, never stored as words.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from marketplace.commissioning.frameworks.labels import LabelError, read_period, read_reading
from marketplace.core.fields import CheckboxesField, GovDateField, PoundsField, strip_text
from marketplace.monitoring.models import ContractMeasure, MeasureKind
from marketplace.monitoring.schedule import FREQUENCY_LABELS

NOT_AVAILABLE_WORDS = {"not available", "n/a", "na", "not avail"}


def choices(pairs: Any) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def read_figure(text: str, noun: str) -> tuple[float | None, str]:
    """A figure typed for a return: (value, "") or (None, "not_available"), or (None, "") for blank."""
    text = text.strip()
    if not text:
        return None, ""
    if text.lower() in NOT_AVAILABLE_WORDS:
        return None, "not_available"
    try:
        reading = read_reading(text)
    except LabelError as error:
        raise ValueError(f"{noun} must be a number, like 81.8 or 604, or ‘not available’") from error
    if reading.value is None:
        raise ValueError(f"{noun} must be a number, like 81.8 or 604, or ‘not available’")
    return reading.value, ""


class ExistingContractForm(FlaskForm):
    title = StringField(
        "Service name",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter the service name"),
            Length(max=200, message="Service name must be 200 characters or fewer"),
        ],
    )
    organisation_id = SelectField(
        "Accountable provider (the lead organisation)",
        coerce=int,
        widget=GovSelect(),
        validators=[InputRequired(message="Select the accountable provider")],
    )
    consortium_id = SelectField(
        "Consortium (if the provider leads one for this service)", coerce=int, widget=GovSelect()
    )
    value = PoundsField("Contract value", noun="Contract value", rules={"max_whole_digits": 9})
    start_date = GovDateField("Start date", required_message="Enter the start date")
    end_date = GovDateField("End date", required_message="Enter the end date")
    reporting_frequency = RadioField(
        "How often does the provider report?",
        choices=choices(FREQUENCY_LABELS.items()),
        default="quarterly",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select how often the provider reports")],
    )
    framework_outcomes = CheckboxesField("Which framework outcomes does it contribute to?", noun="outcomes")
    submit = SubmitField("Record contract", widget=GovSubmitInput())

    def validate_end_date(self, field: Any) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError("The end date must be the same as or after the start date")


class MeasureForm(FlaskForm):
    kind = RadioField(
        "What does the measure tell you?",
        choices=choices(MeasureKind.LABELS.items()),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select what the measure tells you")],
    )
    framework_measure_id = SelectField("Framework measure it reports on (optional)", coerce=int, widget=GovSelect())
    title = StringField(
        "Measure",
        widget=GovTextInput(),
        filters=[strip_text],
        description="Leave blank to use the framework measure's words.",
        validators=[Length(max=500, message="Measure must be 500 characters or fewer")],
    )
    direction = RadioField(
        "Which way is better?",
        choices=choices([("higher", "Higher is better"), ("lower", "Lower is better")]),
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    unit = StringField(
        "Unit",
        widget=GovTextInput(),
        filters=[strip_text],
        description="For example %, days, children.",
        validators=[Length(max=40, message="Unit must be 40 characters or fewer")],
    )
    baseline = StringField(
        "Baseline",
        widget=GovTextInput(),
        filters=[strip_text],
        description="A figure like 81.8% or 604 days, or New measure, Baseline year, To be confirmed.",
    )
    baseline_period = StringField(
        "Baseline period", widget=GovTextInput(), filters=[strip_text], description="For example Q2 2013/14."
    )
    target = StringField(
        "Target", widget=GovTextInput(), filters=[strip_text], description="A figure like 85%, or To be confirmed."
    )
    target_period = StringField(
        "Target period", widget=GovTextInput(), filters=[strip_text], description="For example 2013/14."
    )
    tolerance = StringField(
        "Tolerance",
        widget=GovTextInput(),
        filters=[strip_text],
        description="How far short of target is amber rather than red, in the measure's unit. Leave blank for none.",
    )
    submit = SubmitField("Add measure", widget=GovSubmitInput())

    def validate_framework_measure_id(self, field: Any) -> None:
        if not field.data and not self.title.data:
            raise ValidationError("Select a framework measure or enter the measure")

    def validate_baseline(self, field: Any) -> None:
        _check_reading(field, "Baseline")

    def validate_target(self, field: Any) -> None:
        _check_reading(field, "Target")

    def validate_baseline_period(self, field: Any) -> None:
        _check_period(field, "Baseline period")

    def validate_target_period(self, field: Any) -> None:
        _check_period(field, "Target period")

    def validate_tolerance(self, field: Any) -> None:
        if field.data:
            try:
                if float(field.data.rstrip("%")) < 0:
                    raise ValueError
            except ValueError:
                raise ValidationError("Tolerance must be a number of 0 or more, like 2 or 2.5") from None


def _check_reading(field: Any, noun: str) -> None:
    try:
        read_reading(field.data or "")
    except LabelError:
        raise ValidationError(
            f"{noun} must be a figure like 81.8% or 604 days, or New measure, Baseline year or To be confirmed"
        ) from None


def _check_period(field: Any, noun: str) -> None:
    try:
        read_period(field.data or "")
    except LabelError:
        raise ValidationError(f"{noun} must be written like Q2 2013/14, 2013/14, 2014 or March 2014") from None


class ReturnFormBase(FlaskForm):
    story = TextAreaField(
        "The story behind the numbers",
        widget=GovTextArea(),
        filters=[strip_text],
        description="What happened, why the figures are as they are, and what you will do next.",
        validators=[
            DataRequired(message="Enter the story behind the numbers"),
            Length(max=10000, message="The story must be 10,000 characters or fewer"),
        ],
    )
    evidence = CheckboxesField("Evidence from your evidence store (optional)", noun="evidence")
    needs_help = BooleanField("We need the commissioner's help with an issue", widget=GovCheckboxInput())
    help_note = TextAreaField(
        "What do you need help with?",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[Length(max=5000, message="The issue must be 5,000 characters or fewer")],
    )
    reason = TextAreaField(
        "Reason for the correction",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[Length(max=2000, message="The reason must be 2,000 characters or fewer")],
    )
    submit = SubmitField("Submit return", widget=GovSubmitInput())

    is_correction = False

    def validate_help_note(self, field: Any) -> None:
        if self.needs_help.data and not field.data:
            raise ValidationError("Enter what you need the commissioner's help with")

    def validate_reason(self, field: Any) -> None:
        if self.is_correction and not field.data:
            raise ValidationError("Enter the reason for the correction")

    def figure_fields(self) -> list[tuple[ContractMeasure, Any]]:
        return [(measure, self[f"measure_{measure.id}"]) for measure in self.measures]


class FigureField(StringField):
    """A measure's figure: a number as typed, or "not available"; blank is allowed (no figure this period)."""

    widget = GovTextInput()

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, filters=[strip_text], **kwargs)
        self.figure: tuple[float | None, str] = (None, "")

    def post_validate(self, form: Any, validation_stopped: bool) -> None:
        try:
            self.figure = read_figure(self.data or "", self.label.text)
        except ValueError as error:
            self.errors.append(str(error))


def return_form(measures: list[ContractMeasure], *, correction: bool = False, **kwargs: Any) -> ReturnFormBase:
    """A return form with one figure field per measure (``measure_<id>``)."""
    fields = {f"measure_{m.id}": FigureField(m.title[:200] + (f" ({m.unit})" if m.unit else "")) for m in measures}
    form_class = type("ReturnForm", (ReturnFormBase,), {**fields, "is_correction": correction, "measures": measures})
    return form_class(**kwargs)


class OverrideForm(FlaskForm):
    status = RadioField(
        "What should the status be?",
        choices=choices(
            [
                ("red", "Red: off track"),
                ("amber", "Amber: slightly off track"),
                ("green", "Green: on track"),
                ("rule", "Use the rule's status"),
            ]
        ),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the status")],
    )
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter the reason for the change"),
            Length(max=2000, message="The reason must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Save status", widget=GovSubmitInput())


class ChallengeForm(FlaskForm):
    period = SelectField("Period", widget=GovSelect(), validators=[InputRequired(message="Select the period")])
    verdict = RadioField(
        "Do you agree with the ratings?",
        choices=choices([("agree", "Agree with the ratings"), ("challenge", "Challenge the ratings")]),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select whether you agree or challenge")],
    )
    note = TextAreaField(
        "Note",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[Length(max=5000, message="The note must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Record", widget=GovSubmitInput())

    def validate_note(self, field: Any) -> None:
        if self.verdict.data == "challenge" and not field.data:
            raise ValidationError("Enter what you are challenging and why")


class CloseOutForm(FlaskForm):
    summary = TextAreaField(
        "Outcomes achieved",
        widget=GovTextArea(),
        filters=[strip_text],
        description="What changed for children and families, against the targets. With the provider's consent "
        "this summary is shown on their profile.",
        validators=[
            DataRequired(message="Enter a summary of the outcomes achieved"),
            Length(max=2000, message="The summary must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Close out contract", widget=GovSubmitInput())


class ImportReturnsForm(FlaskForm):
    returns_file = FileField(
        "Returns file",
        widget=GovFileInput(),
        description="A CSV or JSON file, smaller than 2MB.",
        validators=[FileRequired(message="Select a CSV or JSON file")],
    )
    submit = SubmitField("Import returns", widget=GovSubmitInput())
