"""The response form: approach, outcomes, price and evidence, and (for a new response) who is responding.

Choices come from the vocabulary and the organisation's own impact evidence, so a tampered id is refused
with a message instead of reaching the database. Nothing typed is lost when a page comes back with errors.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from marketplace.commissioning.models import Need, Response
from marketplace.commissioning.responses import services
from marketplace.core.fields import (
    CheckboxesField,
    format_pounds,
    price_in_pence,
    strip_text,
    text_area,
)
from marketplace.directory.models import Consortium, Organisation
from marketplace.reference.choices import term_choices

INVALID_PRICE = "Enter a price in pounds, like 7500 or 7500.00"
AS_ORGANISATION = "organisation"


class ResponseForm(FlaskForm):
    """The content of a response; used as is to change one."""

    approach = TextAreaField(
        "Your approach",
        widget=GovTextArea(),
        filters=[strip_text],
        description="How you would meet the need: what you will do, where, when, with whom and who will lead it.",
        validators=[
            DataRequired(message="Enter your approach"),  # after stripping: spaces alone are no approach
            Length(max=10_000, message="Approach must be 10,000 characters or fewer"),
        ],
    )
    outcomes = CheckboxesField("Which Every Child Matters outcomes will you deliver?", noun="outcomes")
    outcomes_statement = text_area(
        "How you will deliver and show these outcomes", noun="Outcomes statement", max_length=5000
    )
    price = StringField("Your price in pounds", widget=GovTextInput(), filters=[strip_text])
    evidence = CheckboxesField(
        "Impact evidence",
        noun="evidence",
        description="Case studies and evaluations from your organisation's profile that support this response.",
    )
    submit = SubmitField("Submit response", widget=GovSubmitInput())

    def __init__(self, *args: Any, need: Need, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.need = need
        self.outcomes.choices = term_choices("ecm_outcome", blank=None)
        self.evidence.choices = [SelectChoice(str(item.id), item.title) for item in organisation.impact_evidence]
        self.price_pence: int | None = None
        self.price_required = not need.is_call_for_input
        if need.is_call_for_input:
            self._word_for_a_call_for_input()

    def _word_for_a_call_for_input(self) -> None:
        """A call for input asks what a provider knows about local needs: no price, and its own words."""
        del self.price
        self.approach.label.text = "Your input"
        self.approach.description = (
            "What you know about the needs of children and young people here: who you work with, what you see, "
            "what works and what is missing."
        )
        self.outcomes.label.text = "Which Every Child Matters outcomes does your input relate to?"
        self.outcomes_statement.label.text = "Evidence behind your input"
        self.submit.label.text = "Send your input"

    def validate_outcomes(self, field: CheckboxesField) -> None:
        if not field.data:
            raise ValidationError("Select at least one outcome you will deliver")

    def validate_price(self, field: StringField) -> None:
        self.price_pence = price_in_pence(field.data, invalid=INVALID_PRICE, max_length=15)
        if self.price_pence is None and self.price_required:
            raise ValidationError("Enter your price in pounds, or 0 if there is no charge")


class RespondForm(ResponseForm):
    """A new response: the content plus who is responding (the organisation or a consortium it leads)."""

    respond_as = RadioField(
        "Who are you responding as?",
        widget=GovRadioInput(),
        default=AS_ORGANISATION,
        validate_choice=False,  # validate_respond_as explains each refusal in words
    )

    def __init__(self, *args: Any, need: Need, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, need=need, organisation=organisation, **kwargs)
        self.organisation = organisation
        self.consortium: Consortium | None = None
        led = services.consortia_led_by(organisation) if need.consortium_welcome else []
        self.respond_as.choices = [SelectChoice(AS_ORGANISATION, f"{organisation.name} on its own")] + [
            SelectChoice(str(consortium.id), f"{consortium.name} (a consortium you lead)") for consortium in led
        ]
        self.offers_consortia = bool(led)

    def validate_respond_as(self, field: RadioField) -> None:
        value = (field.data or AS_ORGANISATION).strip()
        consortium = None
        if value != AS_ORGANISATION:
            if not self.need.consortium_welcome:
                raise ValidationError(services.NO_CONSORTIA)
            consortium = _led_consortium(self.organisation, value)
            if consortium is None:
                raise ValidationError("Select your organisation or a consortium your organisation leads")
        try:
            services.check_responder(self.need, self.organisation, consortium)
        except services.ResponseRefused as refusal:
            suffix = ". Change that response instead" if refusal.existing is not None else ""
            raise ValidationError(refusal.message + suffix) from refusal
        self.consortium = consortium


def _led_consortium(organisation: Organisation, value: str) -> Consortium | None:
    return next((item for item in services.consortia_led_by(organisation) if str(item.id) == value), None)


def response_details(form: ResponseForm) -> services.ResponseDetails:
    """The validated form as the service's input."""
    return services.ResponseDetails(
        approach=form.approach.data or "",
        outcomes_statement=form.outcomes_statement.data or "",
        price_pence=form.price_pence,
        outcome_ids=form.outcomes.data or [],
        evidence_ids=form.evidence.data or [],
    )


def response_form_data(response: Response) -> dict[str, Any]:
    """An existing response as the form's initial data."""
    return {
        "approach": response.approach,
        "outcomes_statement": response.outcomes_statement,
        "price": format_pounds(response.price_pence),
        "outcomes": [term.id for term in response.outcomes],
        "evidence": [item.id for item in response.evidence],
    }
