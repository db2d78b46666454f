"""The need form (every field of a need) and the opportunities board's filters.

Choices come from the vocabularies, the localities and the body's own frameworks, so a tampered id (another
body's framework outcome, an unknown term) is refused with a message instead of reaching the database.
Board filters are read leniently: a value that is not recognised is ignored, never an error.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
)
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from marketplace.commissioning.frameworks.services import frameworks_of
from marketplace.commissioning.models import (
    CommissioningBody,
    FrameworkAim,
    FrameworkOutcome,
    FrameworkTheme,
    Need,
    OutcomesFramework,
)
from marketplace.commissioning.needs.services import LINKS, SCALAR_FIELDS, BoardFilters, NeedDetails
from marketplace.core.clock import today
from marketplace.core.fields import (
    CheckboxesField,
    GovDateField,
    PoundsField,
    WholeNumberField,
    text_area,
    text_field,
)
from marketplace.core.forms import optional_int
from marketplace.extensions import db
from marketplace.reference.choices import term_choices, tick_parents
from marketplace.reference.models import Locality, Term
from marketplace.reference.services import terms_by_code

MAX_AGE = 120
TEXT_FILTER_LIMIT = 200


def _date(label: str, description: str) -> GovDateField:
    return GovDateField(
        label,
        description=description,
        incomplete_message=f"{label} must include a day, month and year",
        invalid_message=f"{label} must be a real date",
        earliest_year=2000,
    )


def _age(label: str) -> WholeNumberField:
    return WholeNumberField(label, noun=label, minimum=0, maximum=MAX_AGE)


def _pounds(label: str) -> PoundsField:
    return PoundsField(label, noun=label, rules={"max_whole_digits": 9})


def _checkbox(label: str) -> BooleanField:
    return BooleanField(label, widget=GovCheckboxInput(), false_values=("", "false", "n"))


def _select(label: str, noun: str) -> SelectField:
    return SelectField(
        label,
        widget=GovSelect(),
        coerce=optional_int,
        invalid_value_message=f"Select {noun} from the list",  # nosec B608  # a message, not SQL
        invalid_choice_message=f"Select {noun} from the list",  # nosec B608  # a message, not SQL
    )


def locality_choices() -> list[SelectChoice]:
    """Every locality grouped by region; a county says it covers its districts, a district names its county."""
    choices = []
    localities = list(db.session.scalars(select(Locality).order_by(Locality.region, Locality.name)))
    names = {locality.id: locality.name for locality in localities}  # parents by id: no relationship loads
    for locality in localities:
        label = locality.name
        if locality.tier == "county":
            label = f"{locality.name} (county, including its districts)"
        elif locality.parent_id is not None:
            label = f"{locality.name} ({names[locality.parent_id]})"
        choices.append(SelectChoice(str(locality.id), label, optgroup=locality.region or "Other"))
    return choices


def aim_choices() -> list[SelectChoice]:
    """ECM aims grouped under their outcome."""
    return [
        SelectChoice(str(aim.id), aim.label, optgroup=outcome.label)
        for outcome in _ordered("ecm_outcome")
        for aim in outcome.children
        if aim.is_active
    ]


def framework_choices(body: CommissioningBody) -> tuple[list[SelectChoice], list[SelectChoice]]:
    """The body's own framework outcomes (grouped by theme) and measures (grouped by outcome)."""
    outcomes, measures = [], []
    # The whole tree in one query per level (4), not one per theme, aim and outcome.
    frameworks = frameworks_of(body)
    if frameworks:
        tree = (
            selectinload(OutcomesFramework.themes)
            .selectinload(FrameworkTheme.aims)
            .selectinload(FrameworkAim.outcomes)
            .selectinload(FrameworkOutcome.measures)
        )
        ids = [framework.id for framework in frameworks]
        db.session.scalars(select(OutcomesFramework).where(OutcomesFramework.id.in_(ids)).options(tree)).all()
    for framework in frameworks:
        for theme in framework.themes:
            for aim in theme.aims:
                for outcome in aim.outcomes:
                    outcomes.append(SelectChoice(str(outcome.id), outcome.title, optgroup=theme.title))
                    measures.extend(
                        SelectChoice(str(measure.id), measure.title, optgroup=outcome.title)
                        for measure in outcome.measures
                    )
    return outcomes, measures


class NeedForm(FlaskForm):
    title = text_field("Title", noun="Title", max_length=200, required="Enter a title for the need")
    summary = text_area(
        "Summary", noun="Summary", max_length=500, description="One or two sentences shown on the opportunities board."
    )
    description = text_area(
        "Description",
        noun="Description",
        max_length=10_000,
        description="What you want to achieve, for whom, and what you expect from providers.",
    )
    level_id = _select("Commissioning level", "a commissioning level")
    kind_id = _select("Kind of need", "a kind of need")
    service_area_id = _select("Service area", "a service area")
    localities = CheckboxesField("Localities", noun="localities", description="Where the service is needed.")
    target_groups = CheckboxesField("Target groups", noun="target groups")
    age_min = _age("Youngest age")
    age_max = _age("Oldest age")
    outcomes = CheckboxesField("Every Child Matters outcomes", noun="outcomes")
    aims = CheckboxesField("Aims", noun="aims", description="Selecting an aim also selects its outcome.")
    framework_outcomes = CheckboxesField("Outcomes of your framework", noun="framework outcomes")
    framework_measures = CheckboxesField("Measures of your framework", noun="framework measures")
    indicators = CheckboxesField("National indicators", noun="national indicators")
    problem_areas = CheckboxesField(
        "Problem areas", noun="problem areas", description="Problems this need should help to address."
    )
    budget_min = _pounds("Budget from")
    budget_max = _pounds("Budget up to")
    contract_start = _date("Contract start", "For example, 1 4 2027")
    contract_end = _date("Contract end", "For example, 31 3 2028")
    response_deadline = _date(
        "Deadline for responses", "Responses are accepted until the end of this day. For example, 15 2 2027"
    )
    requires_safeguarding_verified = _checkbox("Providers must have verified safeguarding")
    requires_kitemark = _checkbox("Providers must hold the kitemark")
    required_accreditation_id = _select("Required accreditation", "an accreditation")
    consortium_welcome = _checkbox("Consortia are welcome to respond")
    # Unticked (the default), matches list providers serving the localities first, then those nearby.
    localities_required = _checkbox("Providers must serve this need's localities")
    submit = SubmitField("Save need", widget=GovSubmitInput())

    def __init__(self, body: CommissioningBody, need: Need | None = None, *args: Any, **kwargs: Any) -> None:
        if need is not None:
            kwargs.setdefault("data", need_form_data(need))
        else:
            kwargs.setdefault("data", {"consortium_welcome": True})
        super().__init__(*args, **kwargs)
        self.need = need
        self.level_id.choices = term_choices("commissioning_level", blank="Select a level")
        self.kind_id.choices = term_choices("need_kind", blank="Select a kind of need")
        self.service_area_id.choices = term_choices("service_area", blank="Select a service area")
        self.required_accreditation_id.choices = term_choices("accreditation_scheme", blank="None required")
        self.localities.choices = locality_choices()
        self.target_groups.choices = term_choices("target_group", blank=None)
        self.outcomes.choices = term_choices("ecm_outcome", blank=None)
        self.aims.choices = aim_choices()
        self.indicators.choices = term_choices("national_indicator", blank=None)
        self.problem_areas.choices = term_choices("problem_area", blank=None)
        self.framework_outcomes.choices, self.framework_measures.choices = framework_choices(body)

    def validate_age_max(self, field: WholeNumberField) -> None:
        if None not in (field.data, self.age_min.data) and field.data < self.age_min.data:
            raise ValidationError("Oldest age must be the same as or more than the youngest age")

    def validate_budget_max(self, field: PoundsField) -> None:
        if None not in (field.data, self.budget_min.data) and field.data < self.budget_min.data:
            raise ValidationError("Budget up to must be the same as or more than budget from")

    def validate_contract_end(self, field: GovDateField) -> None:
        if None not in (field.data, self.contract_start.data) and field.data <= self.contract_start.data:
            raise ValidationError("Contract end must be after the contract start")

    def validate_response_deadline(self, field: GovDateField) -> None:
        if self.need is None or self.need.status != "open" or field.errors:
            return
        if field.data is None:
            raise StopValidation("Enter a deadline for responses: the need is open")
        if field.data != self.need.response_deadline and field.data < today():
            raise ValidationError("Deadline for responses must be today or in the future: the need is open")

    def validate(self, extra_validators: Any = None) -> bool:
        tick_parents(self.outcomes, self.aims.data)  # an aim ticked alone brings its outcome with it
        return super().validate(extra_validators)

    def details(self) -> NeedDetails:
        """The validated form as the service's input."""
        values = {name: getattr(self, name).data for name in SCALAR_FIELDS if hasattr(self, name)}
        values["budget_min_pence"] = self.budget_min.data
        values["budget_max_pence"] = self.budget_max.data
        for name in (
            "requires_safeguarding_verified",
            "requires_kitemark",
            "consortium_welcome",
            "localities_required",
        ):
            values[name] = bool(values[name])
        values["summary"] = values["summary"] or ""
        values["description"] = values["description"] or ""
        links = {relation: list(getattr(self, relation).data or []) for relation in LINKS}
        return NeedDetails(**values, links=links)


def need_form_data(need: Need) -> dict[str, Any]:
    """An existing need as the form's initial data (ids, as the choices use)."""
    data: dict[str, Any] = {name: getattr(need, name) for name in SCALAR_FIELDS}
    data["budget_min"] = need.budget_min_pence
    data["budget_max"] = need.budget_max_pence
    for relation in LINKS:
        data[relation] = [item.id for item in getattr(need, relation)]
    return data


# Board filters -----------------------------------------------------------------------------------------------


def parse_board_filters(args: MultiDict) -> tuple[BoardFilters, int]:
    """The board's query string as filters and a page number; unrecognised values are dropped."""
    text = (args.get("text") or "").strip()[:TEXT_FILTER_LIMIT]
    locality_code = (args.get("locality") or "").strip().upper()
    locality = None
    if locality_code:
        locality = db.session.scalar(select(Locality).where(Locality.ons_code == locality_code[:9]))
    filters = BoardFilters(
        text=text,
        kind=terms_by_code("need_kind").get(args.get("kind") or ""),
        service_area=terms_by_code("service_area").get(args.get("service_area") or ""),
        locality=locality,
        outcome=terms_by_code("ecm_outcome").get(args.get("outcome") or ""),
        age=_small_int(args.get("age"), 0, MAX_AGE),
    )
    return filters, _small_int(args.get("page"), 1, 100_000) or 1


def _small_int(value: str | None, minimum: int, maximum: int) -> int | None:
    text = (value or "").strip()
    if not text.isdigit() or len(text) > 6:
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def board_choices() -> dict[str, list[tuple[str, str]]]:
    """(code, label) options for the board's filter selects."""
    localities = db.session.scalars(select(Locality).order_by(Locality.name))
    return {
        "kind": [(term.code, term.label) for term in _ordered("need_kind")],
        "service_area": [(term.code, term.label) for term in _ordered("service_area")],
        "outcome": [(term.code, term.label) for term in _ordered("ecm_outcome")],
        "locality": [(locality.ons_code, locality.name) for locality in localities],
    }


def _ordered(vocabulary_key: str) -> list[Term]:
    return sorted((term for term in terms_by_code(vocabulary_key).values() if term.is_active), key=lambda t: t.position)
