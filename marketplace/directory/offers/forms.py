"""The offer form: every field of an offer, with GOV.UK wording and nothing lost on bad input.

Choices come from the vocabularies and localities, so a tampered id (not in the choices) is refused with a
message instead of reaching the database.
"""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from sqlalchemy import select
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from marketplace.core.fields import (
    CheckboxesField,
    WholeNumberField,
    format_pounds,
    price_in_pence,
    strip_text,
    text_area,
    text_field,
)
from marketplace.core.forms import optional_int
from marketplace.directory.models import Offer
from marketplace.directory.offers.services import LINKS, SCALAR_FIELDS, OfferDetails
from marketplace.extensions import db
from marketplace.reference.choices import term_choices, tick_parents
from marketplace.reference.models import Locality, Term, Vocabulary

INVALID_PRICE = "Enter a price in pounds, like 250 or 250.00"
WHOLE_NUMBER = re.compile(r"^[+-]?\d+$")


class SignedWholeNumberField(WholeNumberField):
    """A whole number that may be typed with a sign: one message for not a number, another for out of bounds."""

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        if not WHOLE_NUMBER.match(text) or len(text) > 12:
            raise ValueError(f"{self.noun} must be a whole number, like 12")
        self.data = int(text)

    def pre_validate(self, form: FlaskForm) -> None:
        if self.data is None:
            return
        if not self.minimum <= self.data <= self.maximum:
            raise ValidationError(f"{self.noun} must be between {self.minimum:,} and {self.maximum:,}")


def aim_choices() -> list[SelectChoice]:
    """ECM aims grouped (``optgroup``) under their outcome."""
    outcomes = db.session.scalars(
        select(Term)
        .join(Vocabulary)
        .where(Vocabulary.key == "ecm_outcome", Term.is_active.is_(True))
        .order_by(Term.position)
    )
    return [
        SelectChoice(str(aim.id), aim.label, optgroup=outcome.label)
        for outcome in outcomes
        for aim in outcome.children
        if aim.is_active
    ]


def locality_choices() -> list[SelectChoice]:
    """Every locality, grouped (``optgroup``) by region; a county's label says it covers its districts."""
    localities = db.session.scalars(select(Locality).order_by(Locality.region, Locality.name))
    return [
        SelectChoice(
            str(locality.id),
            f"{locality.name} (county, including its districts)" if locality.tier == "county" else locality.name,
            optgroup=locality.region or "Other",
        )
        for locality in localities
    ]


class OfferForm(FlaskForm):
    title = text_field("Title", noun="Title", max_length=200, required="Enter a title for the offer")
    description = text_area(
        "Description", noun="Description", max_length=5000, description="What participants do and what it achieves."
    )
    delivery_modes = CheckboxesField("How is it delivered?", noun="how the offer is delivered")
    venue = text_field(
        "Venue", noun="Venue", max_length=200, description="Where it takes place, if at your venue or a fixed place."
    )
    age_min = SignedWholeNumberField("Youngest age", minimum=0, maximum=120, noun="Youngest age")
    age_max = SignedWholeNumberField("Oldest age", minimum=0, maximum=120, noun="Oldest age")
    group_size_min = SignedWholeNumberField("Smallest group", minimum=1, maximum=100_000, noun="Smallest group")
    group_size_max = SignedWholeNumberField("Largest group", minimum=1, maximum=100_000, noun="Largest group")
    capacity_per_year = SignedWholeNumberField(
        "Capacity per year",
        minimum=0,
        maximum=10_000_000,
        noun="Capacity per year",
        description="How many children and young people you can work with in a year.",
    )
    send_suitable = RadioField(
        "Is it suitable for children with special educational needs and disabilities (SEND)?",
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[InputRequired(message="Select yes if the offer is suitable for children with SEND")],
        invalid_choice_message="Select yes if the offer is suitable for children with SEND",
    )
    cost_basis_id = SelectField(
        "How is it charged?",
        widget=GovSelect(),
        coerce=optional_int,
        validators=[InputRequired(message="Select how the offer is charged")],
        invalid_value_message="Select how the offer is charged",
        invalid_choice_message="Select how the offer is charged",
    )
    price = StringField(
        "Price in pounds",
        widget=GovTextInput(),
        filters=[strip_text],
        description="For example, 250 or 250.00. Leave blank if the offer is free.",
    )
    outcomes = CheckboxesField("Every Child Matters outcomes", noun="outcomes")
    aims = CheckboxesField("Aims", noun="aims", description="Selecting an aim also selects its outcome.")
    service_areas = CheckboxesField("Service areas", noun="service areas")
    localities = CheckboxesField(
        "Where can you deliver it?",
        noun="localities",
        description="Local authority areas, by region. A county covers all of its districts.",
    )
    submit = SubmitField("Save offer", widget=GovSubmitInput())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.delivery_modes.choices = term_choices("delivery_mode", blank=None)
        self.cost_basis_id.choices = term_choices("cost_basis", blank="Select how it is charged")
        self.localities.choices = locality_choices()
        self.outcomes.choices = term_choices("ecm_outcome", blank=None)
        self.aims.choices = aim_choices()
        self.service_areas.choices = term_choices("service_area", blank=None)
        self.price_pence: int | None = None

    def validate_delivery_modes(self, field: CheckboxesField) -> None:
        if not field.data:
            raise ValidationError("Select at least one way the offer is delivered")

    def validate_age_max(self, field: SignedWholeNumberField) -> None:
        if None not in (field.data, self.age_min.data) and field.data < self.age_min.data:
            raise ValidationError("Oldest age must be the same as or more than the youngest age")

    def validate_group_size_max(self, field: SignedWholeNumberField) -> None:
        if None not in (field.data, self.group_size_min.data) and field.data < self.group_size_min.data:
            raise ValidationError("Largest group must be the same as or more than the smallest group")

    def validate_price(self, field: StringField) -> None:
        self.price_pence = price_in_pence(field.data, invalid=INVALID_PRICE)
        is_free = self._cost_basis_code() == "free"
        if self.price_pence is None and not is_free and self.cost_basis_id.data:
            raise ValidationError("Enter a price, or select ‘Free’ as how the offer is charged")
        if is_free and self.price_pence:
            raise ValidationError("Price must be blank or 0 when the offer is free")

    def validate(self, extra_validators: Any = None) -> bool:
        tick_parents(self.outcomes, self.aims.data)  # an aim ticked alone brings its outcome with it
        return super().validate(extra_validators)

    def _cost_basis_code(self) -> str | None:
        term = db.session.get(Term, self.cost_basis_id.data) if self.cost_basis_id.data else None
        return term.code if term is not None else None


def _terms(ids: list[int] | None) -> list[Term]:
    if not ids:
        return []
    return list(db.session.scalars(select(Term).where(Term.id.in_(ids)).order_by(Term.position)))


def offer_details(form: OfferForm) -> OfferDetails:
    """The validated form as the service's input."""
    return OfferDetails(
        title=form.title.data,
        description=form.description.data or "",
        venue=form.venue.data or "",
        age_min=form.age_min.data,
        age_max=form.age_max.data,
        group_size_min=form.group_size_min.data,
        group_size_max=form.group_size_max.data,
        capacity_per_year=form.capacity_per_year.data,
        price_pence=form.price_pence,
        cost_basis_id=form.cost_basis_id.data,
        send_suitable=form.send_suitable.data == "yes",
        delivery_mode_ids=form.delivery_modes.data or [],
        locality_ids=form.localities.data or [],
        outcome_ids=form.outcomes.data or [],
        aim_ids=form.aims.data or [],
        service_area_ids=form.service_areas.data or [],
    )


def offer_form_data(offer: Offer) -> dict[str, Any]:
    """An existing offer as the form's initial data (ids, as the choices use; the price in pounds)."""
    data: dict[str, Any] = {name: getattr(offer, name) for name in SCALAR_FIELDS}
    for relation in LINKS:
        data[relation] = [item.id for item in getattr(offer, relation)]
    data["send_suitable"] = "yes" if offer.send_suitable else "no"
    data["price"] = format_pounds(offer.price_pence)
    return data
