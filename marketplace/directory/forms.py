"""Profile forms, one per step of the provider's profile, worded as GOV.UK patterns.

Each step form knows how to fill itself from an organisation (:func:`step_form`) and hands the service plain
values (:meth:`values`), so services never see a form or a request. Vocabulary choices are term ids; anything
submitted that was not offered (a tampered id, another outcome's aim, another organisation's evidence) is
refused with a message rather than ignored.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from sqlalchemy import select
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from marketplace.core.fields import (
    CheckboxesField,
    PoundsField,
    WholeNumberField,
    select_field,
    strip_text,
    text_area,
    text_field,
)
from marketplace.core.forms import optional_int
from marketplace.directory import services
from marketplace.directory.evidence.forms import KIND_CHOICES, KIND_LABELS
from marketplace.directory.models import ImpactEvidence, Organisation
from marketplace.directory.profile_flow import NewEvidence
from marketplace.extensions import db
from marketplace.reference.choices import term_choices
from marketplace.reference.models import Locality, Term
from marketplace.reference.postcodes import normalise_postcode

PHONE = re.compile(r"^\+?[\d ()-]{7,40}$")
RATIO = re.compile(r"^\d{1,4}(\.\d+)?$")
STATEMENT_MAX = 5000


def _field_key(code: str) -> str:
    """A term code as part of a snake_case field name (``be-healthy`` → ``be_healthy``)."""
    return code.replace("-", "_")


class RatioField(Field):
    """A social return ratio like ``4.2`` (also accepts ``4.2:1``), held as a Decimal."""

    widget = GovTextInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data.normalize():f}"

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip().removesuffix(":1").strip()
        self.data = None
        if not text:
            return
        if text.startswith("-"):
            raise ValueError("Social return ratio must be 0 or more")
        if not RATIO.match(text):
            raise ValueError("Social return ratio must be a number, like 4.2")
        try:
            ratio = Decimal(text)
        except InvalidOperation as error:  # pragma: no cover - the pattern already rules this out
            raise ValueError("Social return ratio must be a number, like 4.2") from error
        if ratio.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValueError("Social return ratio must have no more than 2 decimal places, like 4.25")
        self.data = ratio


def _statement_field(label: str, description: str) -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovTextArea(),
        description=description,
        filters=[strip_text],
        validators=[Length(max=STATEMENT_MAX, message=f"{label} must be {STATEMENT_MAX:,} characters or fewer")],
    )


class StepForm(FlaskForm):
    """A profile step: ``initial`` fills it from the organisation, ``values`` hands the service plain data."""

    submit = SubmitField("Save and return to your profile", widget=GovSubmitInput())

    @staticmethod
    def initial(organisation: Organisation) -> dict[str, Any]:
        raise NotImplementedError

    def values(self) -> dict[str, Any]:
        raise NotImplementedError


def _localities_field() -> CheckboxesField:
    return CheckboxesField(
        "Localities you serve",
        invalid_message="Select localities from the list",
        description="Choosing a county includes all of its districts.",
    )


def _locality_choices() -> list[SelectChoice]:
    ids = db.session.scalars(select(Locality.id).order_by(Locality.name))
    return [SelectChoice(str(locality_id)) for locality_id in ids]


# Basics -------------------------------------------------------------------------------------------------------


class BasicsForm(StepForm):
    name = text_field(
        "Organisation name", noun="Organisation name", max_length=200, required="Enter your organisation's name"
    )
    organisation_type = select_field(
        "Organisation type", coerce=optional_int, invalid="Select an organisation type from the list"
    )
    legal_form = select_field("Legal form", coerce=optional_int, invalid="Select a legal form from the list")
    registration_number = text_field(
        "Charity or company registration number",
        noun="Registration number",
        max_length=40,
        description="If you have one",
    )
    description = TextAreaField(
        "Description",
        widget=GovTextArea(),
        filters=[strip_text],
        description="What your organisation does, for whom, and where. Commissioners see this first.",
        validators=[Length(max=STATEMENT_MAX, message=f"Description must be {STATEMENT_MAX:,} characters or fewer")],
    )
    address = text_area("Address", noun="Address", max_length=300)
    postcode = StringField("Postcode", widget=GovTextInput(), filters=[strip_text])
    website = text_field("Website", noun="Website", max_length=300, description="For example, www.example.org")
    contact_name = text_field("Contact name", noun="Contact name", max_length=120)
    contact_email = StringField(
        "Contact email address",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=254, message="Contact email address must be 254 characters or fewer"),
            Email(message="Enter an email address in the correct format, like name@example.org"),
        ],
    )
    contact_phone = StringField("Contact telephone number", widget=GovTextInput(), filters=[strip_text])
    localities = _localities_field()
    # Set by the page that shows the localities: a post without it (an older page, a script) leaves them alone,
    # where an empty list would be read as "serves nowhere".
    localities_on_page = HiddenField()
    submit = SubmitField("Save and return to your profile", widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_type.choices = term_choices("organisation_type", blank="Select an organisation type")
        self.legal_form.choices = term_choices("legal_form", blank="Select a legal form")
        self.localities.choices = _locality_choices()

    @staticmethod
    def initial(organisation: Organisation) -> dict[str, Any]:
        data = {name: getattr(organisation, name) for name in services.BASIC_TEXT_FIELDS}
        data.update(organisation_type=organisation.organisation_type_id, legal_form=organisation.legal_form_id)
        data["localities"] = [locality.id for locality in organisation.localities]
        return data

    def validate_organisation_type(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError("Select an organisation type")

    def validate_postcode(self, field: StringField) -> None:
        if not field.data:
            return
        postcode = normalise_postcode(field.data)
        if postcode is None:
            raise ValidationError("Enter a real postcode, like DE1 3AR")
        field.data = postcode

    def validate_website(self, field: StringField) -> None:
        if not field.data:
            return
        # People type "example.org": store the address they mean rather than refuse it
        address = field.data if "://" in field.data else f"https://{field.data}"
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in address:
            raise ValidationError("Enter a website address, like www.example.org")
        field.data = address

    def validate_contact_phone(self, field: StringField) -> None:
        if field.data and not PHONE.match(field.data):
            raise ValidationError("Enter a telephone number, like 01632 960 001 or +44 808 157 0192")

    def values(self) -> dict[str, Any]:
        data = {name: getattr(self, name).data or "" for name in services.BASIC_TEXT_FIELDS}
        data.update(organisation_type_id=self.organisation_type.data, legal_form_id=self.legal_form.data)
        if self.localities_on_page.data:
            data["locality_ids"] = list(self.localities.data or [])
        return data


# Localities ---------------------------------------------------------------------------------------------------


class LocalitiesForm(StepForm):
    localities = _localities_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.localities.choices = _locality_choices()

    @staticmethod
    def initial(organisation: Organisation) -> dict[str, Any]:
        return {"localities": [locality.id for locality in organisation.localities]}

    def values(self) -> dict[str, Any]:
        return {"locality_ids": list(self.localities.data or [])}


# Ages and target groups ---------------------------------------------------------------------------------------


class AgesAndGroupsForm(StepForm):
    age_min = WholeNumberField(
        "Youngest age you work with",
        noun="Youngest age",
        minimum=0,
        maximum=120,
        required="Enter the youngest age you work with",
        description="In years, from 0 to 120",
    )
    age_max = WholeNumberField(
        "Oldest age you work with",
        noun="Oldest age",
        minimum=0,
        maximum=120,
        required="Enter the oldest age you work with",
        description="In years, from 0 to 120",
    )
    # Matching never lists an adults-only provider for a need for children or young people.
    adults_only = BooleanField(
        "We work with adults (18 and over) only", widget=GovCheckboxInput(), false_values=("", "false", "n")
    )
    target_groups = CheckboxesField(
        "Groups you work with",
        invalid_message="Select target groups from the list",
        description="Select all that apply",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.target_groups.choices = term_choices("target_group", blank=None)

    @staticmethod
    def initial(organisation: Organisation) -> dict[str, Any]:
        return {
            "age_min": organisation.age_min,
            "age_max": organisation.age_max,
            "adults_only": organisation.adults_only,
            "target_groups": [term.id for term in organisation.target_groups],
        }

    def validate_age_max(self, field: WholeNumberField) -> None:
        if field.data is not None and self.age_min.data is not None and field.data < self.age_min.data:
            raise ValidationError("Oldest age must be the same as or more than the youngest age")

    def values(self) -> dict[str, Any]:
        return {
            "age_min": self.age_min.data,
            "age_max": self.age_max.data,
            "adults_only": bool(self.adults_only.data),
            "target_group_ids": list(self.target_groups.data or []),
        }


# Outcome contributions ----------------------------------------------------------------------------------------


NEW_EVIDENCE_PARTS = ("title", "kind", "method", "result")


class OutcomesForm(StepForm):
    """Built per organisation by :func:`outcomes_form_class`: per ECM outcome, its aims, statement and evidence
    to link, and an optional fieldset for new impact evidence saved with the statement (issue 17)."""

    outcomes: list[Term] = []

    @classmethod
    def initial(cls, organisation: Organisation) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for contribution in organisation.outcome_contributions:
            key = _field_key(contribution.outcome.code)
            data[f"{key}_aims"] = [aim.id for aim in contribution.aims]
            data[f"{key}_statement"] = contribution.statement
            data[f"{key}_evidence"] = [evidence.id for evidence in contribution.evidence]
        return data

    def outcome_fields(self) -> list[tuple[Term, Field, Field, Field]]:
        """For the template: each outcome with its aims, statement and evidence fields."""
        return [
            (outcome, *(self[f"{_field_key(outcome.code)}_{part}"] for part in ("aims", "statement", "evidence")))
            for outcome in self.outcomes
        ]

    def new_evidence_fields(self, outcome: Term) -> dict[str, Field]:
        """The title, kind, method and result of new evidence for ``outcome``."""
        return {part: self[f"{_field_key(outcome.code)}_new_{part}"] for part in NEW_EVIDENCE_PARTS}

    def has_new_evidence(self, outcome: Term) -> bool:
        return any(field.data for field in self.new_evidence_fields(outcome).values())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for outcome, aims, statement, evidence in self.outcome_fields():
            fresh = self.has_new_evidence(outcome)
            if fresh and not self._new_evidence_complete(outcome):
                valid = False
            if aims.errors or statement.errors or evidence.errors:
                continue
            if (aims.data or evidence.data or fresh) and not statement.data:
                statement.errors.append(f"Enter how you contribute to {outcome.label}, or untick its aims and evidence")
                valid = False
            elif (statement.data or evidence.data or fresh) and not aims.data:
                aims.errors.append(f"Select the aims of {outcome.label} you contribute to")
                valid = False
        return valid

    def _new_evidence_complete(self, outcome: Term) -> bool:
        """New evidence needs a title, its kind and a result (the method is optional, as on the evidence page)."""
        fields, label = self.new_evidence_fields(outcome), outcome.label
        rules = (
            ("title", bool(fields["title"].data), f"Enter a title for the new evidence for {label}"),
            (
                "kind",
                fields["kind"].data in KIND_LABELS,
                f"Select whether the evidence for {label} is a case study or an evaluation",
            ),
            ("result", bool(fields["result"].data), f"Enter the result of the new evidence for {label}"),
        )
        complete = True
        for part, met, message in rules:
            if not met and not fields[part].errors:
                fields[part].errors.append(message)
            complete = complete and met and not fields[part].errors
        return complete

    def values(self) -> dict[str, Any]:
        contributions = [
            services.ContributionInput(
                outcome_id=outcome.id,
                aim_ids=list(aims.data or []),
                statement=statement.data or "",
                evidence_ids=list(evidence.data or []),
            )
            for outcome, aims, statement, evidence in self.outcome_fields()
        ]
        new_evidence = {
            outcome.id: NewEvidence(
                **{part: field.data or "" for part, field in self.new_evidence_fields(outcome).items()}
            )
            for outcome in self.outcomes
            if self.has_new_evidence(outcome)
        }
        return {"contributions": contributions, "new_evidence": new_evidence}


def _new_evidence_fields(outcome: Term) -> dict[str, Field]:
    """The optional fieldset for new impact evidence for one outcome (its rules are in :class:`OutcomesForm`)."""
    return {
        "title": text_field(
            "Title", noun="Title", max_length=200, description="For example, Summer reading evaluation"
        ),
        "kind": RadioField(
            "What kind of evidence is it?", widget=GovRadioInput(), choices=KIND_CHOICES, validate_choice=False
        ),
        "method": text_area(
            "Method", noun="Method", max_length=STATEMENT_MAX, description="How the outcome was measured"
        ),
        "result": text_area(
            "Result",
            noun="Result",
            max_length=STATEMENT_MAX,
            description="What changed, with figures where you have them",
        ),
    }


def outcomes_form_class(organisation: Organisation) -> type[OutcomesForm]:
    """One set of fields per active ECM outcome; aims offered are that outcome's own, evidence the org's own."""
    outcomes = services.active_terms("ecm_outcome")
    evidence = db.session.scalars(
        select(ImpactEvidence).where(ImpactEvidence.organisation_id == organisation.id).order_by(ImpactEvidence.title)
    ).all()
    evidence_choices = [SelectChoice(str(item.id), item.title) for item in evidence]
    attributes: dict[str, Any] = {"outcomes": outcomes}
    example_name = f"The {organisation.name.removeprefix('The ')}"
    for outcome in outcomes:
        key = _field_key(outcome.code)
        attributes[f"{key}_aims"] = CheckboxesField(
            f"Aims of {outcome.label} you contribute to",
            invalid_message=f"Select aims of {outcome.label} only",
            choices=[SelectChoice(str(aim.id), aim.label) for aim in outcome.children if aim.is_active],
        )
        attributes[f"{key}_statement"] = _statement_field(
            f"How you contribute to {outcome.label}",
            f'For example, "{example_name} contributes to {outcome.label} by …"',
        )
        attributes[f"{key}_evidence"] = CheckboxesField(
            f"Evidence for {outcome.label}",
            invalid_message="Select evidence from your own impact evidence",
            choices=list(evidence_choices),
        )
        for part, field in _new_evidence_fields(outcome).items():
            attributes[f"{key}_new_{part}"] = field
    return type("OutcomesStepForm", (OutcomesForm,), attributes)


# Contribution frameworks --------------------------------------------------------------------------------------


class FrameworksForm(StepForm):
    """Built by :func:`frameworks_form_class`: one optional statement per contribution framework."""

    frameworks: list[Term] = []

    @classmethod
    def initial(cls, organisation: Organisation) -> dict[str, Any]:
        return {_field_key(item.framework.code): item.statement for item in organisation.framework_statements}

    def framework_fields(self) -> list[tuple[Term, Field]]:
        return [(framework, self[_field_key(framework.code)]) for framework in self.frameworks]

    def values(self) -> dict[str, Any]:
        return {"statements": {framework.id: field.data or "" for framework, field in self.framework_fields()}}


def frameworks_form_class(organisation: Organisation) -> type[FrameworksForm]:
    frameworks = services.active_terms("contribution_framework")
    attributes: dict[str, Any] = {"frameworks": frameworks}
    for framework in frameworks:
        attributes[_field_key(framework.code)] = _statement_field(framework.label, framework.description)
    return type("FrameworksStepForm", (FrameworksForm,), attributes)


# Indicators ---------------------------------------------------------------------------------------------------


class IndicatorsForm(StepForm):
    indicators = CheckboxesField(
        "National Indicators you contribute to",
        invalid_message="Select indicators from the list",
        description="Select all that apply",
    )

    problem_areas = CheckboxesField(
        "Problem areas you work on",
        invalid_message="Select problem areas from the list",
        description="Problems where outcomes for children are not improving, such as teenage pregnancy. "
        "Select all that apply",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators.choices = term_choices("national_indicator", blank=None)
        self.problem_areas.choices = term_choices("problem_area", blank=None)

    @staticmethod
    def initial(organisation: Organisation) -> dict[str, Any]:
        return {
            "indicators": [term.id for term in organisation.indicators],
            "problem_areas": [term.id for term in organisation.problem_areas],
        }

    def values(self) -> dict[str, Any]:
        return {
            "indicator_ids": list(self.indicators.data or []),
            "problem_area_ids": list(self.problem_areas.data or []),
        }


# Value for money ----------------------------------------------------------------------------------------------


class ValueForMoneyForm(StepForm):
    full_cost_recovery = RadioField(
        "Do your prices recover your full costs?",
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        description="Full cost recovery includes a fair share of overheads, not just direct delivery costs",
        validators=[InputRequired(message="Select yes if your prices recover your full costs")],
        invalid_choice_message="Select yes if your prices recover your full costs",
    )
    unit_cost = PoundsField(
        "Typical unit cost, in pounds",
        noun="Unit cost",
        always_pence=True,
        rules={
            "max_whole_digits": 7,
            "invalid": "Unit cost must be an amount in pounds, like 12.50",
            "too_precise": "Unit cost must have no more than 2 decimal places, like 12.50",
        },
        description="For example, 12.50",
    )
    unit_cost_basis = text_field(
        "What the unit cost is for",
        noun="What the unit cost is for",
        max_length=120,
        description="For example, per participant per session",
    )
    social_return_ratio = RatioField(
        "Social return on investment ratio",
        description="Social value for each £1 spent, if you have measured it. For example, 4.2",
    )
    added_value = TextAreaField(
        "Added value",
        widget=GovTextArea(),
        filters=[strip_text],
        description="What commissioners get beyond the service itself: match funding, volunteers, venues, collections",
        validators=[Length(max=STATEMENT_MAX, message=f"Added value must be {STATEMENT_MAX:,} characters or fewer")],
    )

    @staticmethod
    def initial(organisation: Organisation) -> dict[str, Any]:
        recovery = organisation.full_cost_recovery
        return {
            "full_cost_recovery": None if recovery is None else ("yes" if recovery else "no"),
            "unit_cost": organisation.unit_cost_pence,
            "unit_cost_basis": organisation.unit_cost_basis,
            "social_return_ratio": organisation.social_return_ratio,
            "added_value": organisation.added_value,
        }

    def values(self) -> dict[str, Any]:
        return {
            "full_cost_recovery": self.full_cost_recovery.data == "yes",
            "unit_cost_pence": self.unit_cost.data,
            "unit_cost_basis": self.unit_cost_basis.data or "",
            "social_return_ratio": self.social_return_ratio.data,
            "added_value": self.added_value.data or "",
        }


STEP_FORMS: dict[str, Any] = {
    "basics": lambda organisation: BasicsForm,
    "localities": lambda organisation: LocalitiesForm,
    "ages-and-groups": lambda organisation: AgesAndGroupsForm,
    "outcomes": outcomes_form_class,
    "frameworks": frameworks_form_class,
    "indicators": lambda organisation: IndicatorsForm,
    "value-for-money": lambda organisation: ValueForMoneyForm,
}


def step_form(step: str, organisation: Organisation) -> StepForm:
    """The form for ``step``, filled from the organisation (or from the submitted form on POST)."""
    form_class = STEP_FORMS[step](organisation)
    return form_class(data=form_class.initial(organisation))
