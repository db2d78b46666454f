"""Directory rules: listing, the provider's profile steps, publishing and the profile page.

Each step's save is one service call that checks its ids against the database (never trusting the form),
writes the change and an ``organisation.profile_updated`` audit event with what changed, and commits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from marketplace.audit.services import record_event
from marketplace.core.clock import today, utcnow
from marketplace.directory import freshness, readiness
from marketplace.directory.models import (
    ConsortiumMembership,
    FrameworkStatement,
    ImpactEvidence,
    MembershipStatus,
    Organisation,
    OrganisationStatus,
    OutcomeContribution,
)
from marketplace.directory.signals import held_for_review, note_listing_edited
from marketplace.extensions import db
from marketplace.reference.geography import served_localities
from marketplace.reference.models import Locality, Term, Vocabulary

STEPS: dict[str, str] = {
    "basics": "Basic details",
    "localities": "Localities served",
    "ages-and-groups": "Ages and target groups",
    "outcomes": "Outcome contributions",
    "frameworks": "Contribution to local and national frameworks",
    "indicators": "National Indicators",
    "value-for-money": "Value for money",
}
BASIC_TEXT_FIELDS = (
    "name",
    "registration_number",
    "description",
    "address",
    "postcode",
    "website",
    "contact_name",
    "contact_email",
    "contact_phone",
)
# The basics a trusted listing cannot change without an assessor's review (see ``save_basics``).
MATERIAL_BASICS = ("name", "legal_form_id", "registration_number")
VALUE_FIELDS = ("full_cost_recovery", "unit_cost_pence", "unit_cost_basis", "social_return_ratio", "added_value")
PUBLISH_REQUIREMENTS = (
    ("name", "Enter your organisation's name"),
    ("organisation_type_id", "Select your organisation type"),
    ("description", "Enter a description of your organisation"),
    ("postcode", "Enter your postcode"),
    ("contact_email", "Enter a contact email address"),
)


class ProfileError(Exception):
    """A profile change the rules refuse; ``problems`` are messages to show the provider."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class ProfileStep:
    slug: str
    title: str
    completed: bool


@dataclass(frozen=True)
class ContributionInput:
    outcome_id: int
    aim_ids: list[int]
    statement: str
    evidence_ids: list[int]

    @property
    def is_empty(self) -> bool:
        return not (self.aim_ids or self.statement.strip() or self.evidence_ids)


# Listing and lookups ------------------------------------------------------------------------------------------


def published_organisations() -> list[Organisation]:
    query = select(Organisation).where(Organisation.status == OrganisationStatus.PUBLISHED).order_by(Organisation.name)
    return list(db.session.scalars(query))


def active_terms(vocabulary_key: str) -> list[Term]:
    """A vocabulary's active terms in their order."""
    query = (
        select(Term)
        .join(Vocabulary)
        .where(Vocabulary.key == vocabulary_key, Term.is_active.is_(True))
        .order_by(Term.position, Term.label)
    )
    return list(db.session.scalars(query))


def served_locality_ids(organisation: Organisation) -> set[int]:
    """Localities the organisation serves: those it picked plus the districts of any county it picked."""
    return {locality.id for locality in served_localities(organisation.localities)}


def implied_districts(organisation: Organisation) -> list[Locality]:
    """Districts served only because their county was picked (for showing what a county includes)."""
    implied = served_localities(organisation.localities) - set(organisation.localities)
    return sorted(implied, key=lambda district: district.name)


def localities_by_region() -> list[tuple[str, list[tuple[Locality, list[Locality]]]]]:
    """Every locality grouped by region, each county followed by its districts (for the localities step)."""
    regions: dict[str, list[tuple[Locality, list[Locality]]]] = defaultdict(list)
    for locality in db.session.scalars(select(Locality).where(Locality.parent_id.is_(None)).order_by(Locality.name)):
        regions[locality.region or "Other"].append((locality, list(locality.districts)))
    return sorted(regions.items())


# The profile task list ----------------------------------------------------------------------------------------


def missing_for_publishing(organisation: Organisation) -> list[str]:
    """What the basic details lack before the profile can be published (empty when complete)."""
    return [message for name, message in PUBLISH_REQUIREMENTS if not _has(organisation, name)]


def _has(organisation: Organisation, name: str) -> bool:
    if getattr(organisation, name):
        return True
    # A term set through its relationship (as an import does) has no id until the flush.
    return name.endswith("_id") and getattr(organisation, name.removesuffix("_id")) is not None


def _step_completed(organisation: Organisation, slug: str) -> bool:
    checks = {
        "basics": lambda: not missing_for_publishing(organisation),
        "localities": lambda: bool(organisation.localities),
        "ages-and-groups": lambda: organisation.age_min is not None and organisation.age_max is not None,
        "outcomes": lambda: any(item.statement for item in organisation.outcome_contributions),
        "frameworks": lambda: bool(organisation.framework_statements),
        "indicators": lambda: bool(organisation.indicators or organisation.problem_areas),
        "value-for-money": lambda: readiness.has_value_for_money(organisation),
    }
    return checks[slug]()


def profile_steps(organisation: Organisation) -> list[ProfileStep]:
    return [ProfileStep(slug, title, _step_completed(organisation, slug)) for slug, title in STEPS.items()]


# Saving the steps ---------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _snapshot(organisation: Organisation, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _jsonable(getattr(organisation, name)) for name in names}


def _record_update(organisation: Organisation, step: str, before: dict, after: dict, actor: Any) -> None:
    """Audit only what changed, then commit the step."""
    changed = [name for name in after if before.get(name) != after[name]]
    if changed:
        record_event(
            "organisation.profile_updated",
            obj=organisation,
            actor=actor,
            summary=f"{STEPS[step]} updated",
            before={"step": step, **{name: before.get(name) for name in changed}},
            after={"step": step, **{name: after[name] for name in changed}},
        )
        note_listing_edited(organisation, f"{STEPS[step]}: {', '.join(changed)}", user=actor)
    db.session.commit()


def _terms(ids: list[int], vocabulary_key: str) -> list[Term]:
    """The terms with ``ids`` in one vocabulary; any id that is not one of them is refused."""
    wanted = set(ids)
    if not wanted:
        return []
    terms = list(
        db.session.scalars(select(Term).join(Vocabulary).where(Vocabulary.key == vocabulary_key, Term.id.in_(wanted)))
    )
    if len(terms) != len(wanted):
        raise ProfileError("Select options from the list")
    return terms


def update_basics(organisation: Organisation, values: dict[str, Any], *, actor: Any) -> None:
    """Save the basic details (name, type, legal form, address, website, contact)."""
    names = (*BASIC_TEXT_FIELDS, "organisation_type_id", "legal_form_id")
    _terms([values["organisation_type_id"]] if values.get("organisation_type_id") else [], "organisation_type")
    _terms([values["legal_form_id"]] if values.get("legal_form_id") else [], "legal_form")
    before = _snapshot(organisation, names)
    for name in names:
        setattr(organisation, name, values[name])
    _record_update(organisation, "basics", before, _snapshot(organisation, names), actor)


def update_localities(organisation: Organisation, locality_ids: list[int], *, actor: Any) -> None:
    """Save the localities picked, as picked (a county stands for its districts: see :func:`served_locality_ids`)."""
    wanted = set(locality_ids)
    localities = list(db.session.scalars(select(Locality).where(Locality.id.in_(wanted)))) if wanted else []
    if len(localities) != len(wanted):
        raise ProfileError("Select localities from the list")
    before = {"localities": sorted(locality.ons_code for locality in organisation.localities)}
    organisation.localities = localities
    after = {"localities": sorted(locality.ons_code for locality in localities)}
    _record_update(organisation, "localities", before, after, actor)


def update_ages_and_groups(
    organisation: Organisation,
    *,
    age_min: int | None,
    age_max: int | None,
    target_group_ids: list[int],
    actor: Any,
    adults_only: bool | None = None,
) -> None:
    if age_min is not None and age_max is not None and age_min > age_max:
        raise ProfileError("Oldest age must be the same as or more than the youngest age")
    groups = _terms(target_group_ids, "target_group")
    adults_only = organisation.adults_only if adults_only is None else adults_only
    fields = ("age_min", "age_max", "adults_only")
    before = {**_snapshot(organisation, fields), "target_groups": _codes(organisation.target_groups)}
    organisation.age_min, organisation.age_max, organisation.adults_only = age_min, age_max, adults_only
    organisation.target_groups = groups
    after = {"age_min": age_min, "age_max": age_max, "adults_only": adults_only, "target_groups": _codes(groups)}
    _record_update(organisation, "ages-and-groups", before, after, actor)


def _codes(terms: list[Term]) -> list[str]:
    return sorted(term.code for term in terms)


def _contribution_snapshot(organisation: Organisation) -> dict[str, Any]:
    return {
        item.outcome.code: {
            "aims": _codes(item.aims),
            "statement": item.statement,
            "evidence": sorted(evidence.id for evidence in item.evidence),
        }
        for item in organisation.outcome_contributions
    }


def _contribution_parts(organisation: Organisation, entry: ContributionInput) -> tuple[list[Term], list]:
    """The aims (of this outcome only) and evidence (of this organisation only) an entry names."""
    aims = _terms(entry.aim_ids, "ecm_aim")
    if any(aim.parent_id != entry.outcome_id for aim in aims):
        raise ProfileError("An aim must belong to its outcome")
    if not entry.statement.strip() or not aims:
        raise ProfileError("Each outcome you contribute to needs its aims and a statement")
    evidence: list[ImpactEvidence] = []
    if entry.evidence_ids:
        evidence = list(
            db.session.scalars(
                select(ImpactEvidence).where(
                    ImpactEvidence.id.in_(set(entry.evidence_ids)), ImpactEvidence.organisation_id == organisation.id
                )
            )
        )
        if len(evidence) != len(set(entry.evidence_ids)):
            raise ProfileError("Select evidence from your own impact evidence")
    return aims, evidence


def update_outcomes(organisation: Organisation, contributions: list[ContributionInput], *, actor: Any) -> None:
    """Create, update or remove (when emptied) the organisation's contribution to each ECM outcome."""
    outcomes = {term.id: term for term in active_terms("ecm_outcome")}
    existing = {item.outcome_id: item for item in organisation.outcome_contributions}
    before = _contribution_snapshot(organisation)
    for entry in contributions:
        if entry.outcome_id not in outcomes:
            raise ProfileError("Select outcomes from the list")
        current = existing.get(entry.outcome_id)
        if entry.is_empty:
            if current is not None:
                organisation.outcome_contributions.remove(current)
            continue
        aims, evidence = _contribution_parts(organisation, entry)
        if current is None:
            current = OutcomeContribution(outcome=outcomes[entry.outcome_id])
            organisation.outcome_contributions.append(current)
        current.aims, current.evidence, current.statement = aims, evidence, entry.statement.strip()
    db.session.flush()
    _record_update(organisation, "outcomes", before, _contribution_snapshot(organisation), actor)


def update_frameworks(organisation: Organisation, statements: dict[int, str], *, actor: Any) -> None:
    """Save one statement per contribution framework; a blank statement removes it."""
    frameworks = {term.id: term for term in active_terms("contribution_framework")}
    if set(statements) - set(frameworks):
        raise ProfileError("Select frameworks from the list")
    existing = {item.framework_id: item for item in organisation.framework_statements}
    before = {item.framework.code: item.statement for item in organisation.framework_statements}
    for framework_id, text in statements.items():
        current, text = existing.get(framework_id), text.strip()
        if not text:
            if current is not None:
                organisation.framework_statements.remove(current)
        elif current is None:
            organisation.framework_statements.append(
                FrameworkStatement(framework=frameworks[framework_id], statement=text)
            )
        else:
            current.statement = text
    db.session.flush()
    after = {item.framework.code: item.statement for item in organisation.framework_statements}
    _record_update(organisation, "frameworks", {"statements": before}, {"statements": after}, actor)


def update_indicators(
    organisation: Organisation, indicator_ids: list[int], *, problem_area_ids: list[int] | None = None, actor: Any
) -> None:
    """The National Indicators and the problem areas (teenage pregnancy, NEET …) the organisation works on.

    Problem areas sit on this step because commissioners read both as "what will this provider move".
    """
    indicators = _terms(indicator_ids, "national_indicator")
    problem_areas = _terms(problem_area_ids or [], "problem_area")
    before = {"indicators": _codes(organisation.indicators), "problem_areas": _codes(organisation.problem_areas)}
    organisation.indicators, organisation.problem_areas = indicators, problem_areas
    after = {"indicators": _codes(indicators), "problem_areas": _codes(problem_areas)}
    _record_update(organisation, "indicators", before, after, actor)


def update_value_for_money(organisation: Organisation, values: dict[str, Any], *, actor: Any) -> None:
    """Full cost recovery, unit cost (pence), its basis, social return ratio and added value."""
    if values["unit_cost_pence"] is not None and values["unit_cost_pence"] < 0:
        raise ProfileError("Unit cost must be £0 or more")
    ratio = values["social_return_ratio"]
    if ratio is not None and not Decimal("0") <= ratio < Decimal("10000"):
        raise ProfileError("Social return ratio must be between 0 and 9999.99")
    before = _snapshot(organisation, VALUE_FIELDS)
    for name in VALUE_FIELDS:
        setattr(organisation, name, values[name])
    _record_update(organisation, "value-for-money", before, _snapshot(organisation, VALUE_FIELDS), actor)


# Writing resolved values without the forms (imports) --------------------------------------------------------

# What a writer outside the step forms may set directly; status goes through apply_status, lists of rows below.
PROFILE_VALUES = (
    *BASIC_TEXT_FIELDS,
    *VALUE_FIELDS,
    "organisation_type",
    "legal_form",
    "age_min",
    "age_max",
    "adults_only",
    "localities",
    "target_groups",
    "indicators",
    "problem_areas",
)


def apply_profile_values(organisation: Organisation, values: dict[str, Any]) -> None:
    """Set profile fields from already-resolved values (terms, localities), without committing.

    Only :data:`PROFILE_VALUES` may be set here (never the status, which has its own rule), and the ages keep
    the rule of the ages step.
    """
    unknown = set(values) - set(PROFILE_VALUES)
    if unknown:
        raise ValueError(f"Not profile values: {', '.join(sorted(unknown))}")
    age_min, age_max = values.get("age_min", organisation.age_min), values.get("age_max", organisation.age_max)
    if age_min is not None and age_max is not None and age_min > age_max:
        raise ProfileError("Oldest age must be the same as or more than the youngest age")
    for name, value in values.items():
        setattr(organisation, name, value)


def apply_contributions(organisation: Organisation, contributions: list[tuple[Term, list[Term], str]]) -> None:
    """Replace the outcome contributions with ``(outcome, aims, statement)``, without committing.

    The row of an outcome still listed is kept, and with it the evidence linked to it; the others go.
    """
    existing = {item.outcome_id: item for item in organisation.outcome_contributions}
    kept = []
    for outcome, aims, statement in contributions:
        item = existing.get(outcome.id) or OutcomeContribution(outcome=outcome)
        item.aims, item.statement = aims, statement
        kept.append(item)
    organisation.outcome_contributions = kept


def apply_framework_statements(organisation: Organisation, statements: list[tuple[Term, str]]) -> None:
    """Replace the framework statements with ``(framework, statement)``, keeping the rows still listed."""
    existing = {item.framework_id: item for item in organisation.framework_statements}
    kept = []
    for framework, text in statements:
        item = existing.get(framework.id) or FrameworkStatement(framework=framework)
        item.statement = text
        kept.append(item)
    organisation.framework_statements = kept


STEP_SAVERS = {
    "basics": lambda organisation, values, actor: update_basics(organisation, values, actor=actor),
    "localities": lambda organisation, values, actor: update_localities(organisation, **values, actor=actor),
    "ages-and-groups": lambda organisation, values, actor: update_ages_and_groups(organisation, **values, actor=actor),
    "outcomes": lambda organisation, values, actor: update_outcomes(organisation, **values, actor=actor),
    "frameworks": lambda organisation, values, actor: update_frameworks(organisation, **values, actor=actor),
    "indicators": lambda organisation, values, actor: update_indicators(organisation, **values, actor=actor),
    "value-for-money": lambda organisation, values, actor: update_value_for_money(organisation, values, actor=actor),
}


def save_profile_step(organisation: Organisation, step: str, values: dict[str, Any], *, actor: Any) -> None:
    """Save one step of the profile from the plain values its form produced."""
    try:
        freshness.mark_edited(organisation)  # an edit is a confirmation that the listing is accurate
        STEP_SAVERS[step](organisation, values, actor)
    except ProfileError:
        db.session.rollback()
        raise


def save_basics(organisation: Organisation, values: dict[str, Any], *, actor: Any) -> Any | None:
    """Save the basic details; returns the revision holding a material change for review, if one was made.

    On a trusted listing (``signals.material_edit``) a change to the legal name, legal form or registration number
    waits for an assessor, so the public keeps the approved values; the other details go live at once.
    """
    _terms([values["legal_form_id"]] if values.get("legal_form_id") else [], "legal_form")
    material = {name: values[name] for name in MATERIAL_BASICS if values.get(name) != getattr(organisation, name)}
    held = held_for_review(organisation, "basics", proposed=material, user=actor) if material else None
    if held is not None:
        values = {**values, **{name: getattr(organisation, name) for name in material}}
    save_profile_step(organisation, "basics", values, actor=actor)
    return held


# Publishing ---------------------------------------------------------------------------------------------------


SUSPENDED_MESSAGE = "Your organisation is suspended, so it cannot be published. Contact the marketplace team."


def publication_problems(organisation: Organisation) -> list[str]:
    """Why the profile cannot be published now (empty when it can): the one rule for the pages and imports."""
    if organisation.status == OrganisationStatus.SUSPENDED:
        return [SUSPENDED_MESSAGE]
    return missing_for_publishing(organisation)


def apply_status(organisation: Organisation, status: str) -> list[str]:
    """Make the profile draft or published without committing (the caller audits and commits).

    Publishing is refused, and nothing changes, while :func:`publication_problems` has reasons: they are returned.
    A suspended organisation stays suspended either way (suspension is an assessor's decision).
    """
    if status == OrganisationStatus.PUBLISHED:
        problems = publication_problems(organisation)
        if not problems and organisation.status != OrganisationStatus.PUBLISHED:
            organisation.status = OrganisationStatus.PUBLISHED
            organisation.published_at = utcnow()
        return problems
    if status == OrganisationStatus.DRAFT and organisation.status == OrganisationStatus.PUBLISHED:
        organisation.status = OrganisationStatus.DRAFT
    return []


def publish_organisation(organisation: Organisation, *, actor: Any) -> None:
    """Make the profile public. Refused while the basics are incomplete or the organisation is suspended."""
    problems = publication_problems(organisation)
    if problems:
        raise ProfileError(*problems)
    if organisation.status == OrganisationStatus.PUBLISHED:
        return
    before = {"status": organisation.status}
    apply_status(organisation, OrganisationStatus.PUBLISHED)
    record_event(
        "organisation.published",
        obj=organisation,
        actor=actor,
        summary=f"{organisation.name} published",
        before=before,
        after={"status": organisation.status},
    )
    db.session.commit()


def unpublish_organisation(organisation: Organisation, *, actor: Any) -> None:
    """Take a published profile back to draft (a suspended one stays suspended)."""
    if organisation.status != OrganisationStatus.PUBLISHED:
        raise ProfileError("Your profile is not published")
    apply_status(organisation, OrganisationStatus.DRAFT)
    record_event(
        "organisation.unpublished",
        obj=organisation,
        actor=actor,
        summary=f"{organisation.name} unpublished",
        before={"status": OrganisationStatus.PUBLISHED},
        after={"status": OrganisationStatus.DRAFT},
    )
    db.session.commit()


# The profile page ---------------------------------------------------------------------------------------------


@dataclass
class ProfilePage:
    """What the profile page shows; ``private`` parts are filled only for viewers allowed to see them."""

    organisation: Organisation
    show_private: bool
    implied_districts: list[Locality]
    consortia: list[ConsortiumMembership]
    policy_current: bool = False
    lead_training_current: bool = False
    expired_accreditation_ids: set[int] = field(default_factory=set)


def profile_page(organisation: Organisation, *, show_private: bool, on: date | None = None) -> ProfilePage:
    """Everything the profile page needs, computed once; private facts only when ``show_private``."""
    memberships = db.session.scalars(
        select(ConsortiumMembership).where(
            ConsortiumMembership.organisation_id == organisation.id,
            ConsortiumMembership.status == MembershipStatus.ACCEPTED,
        )
    ).all()
    page = ProfilePage(organisation, show_private, implied_districts(organisation), list(memberships))
    if show_private:
        on = on or today()
        page.policy_current = readiness.policy_is_current(organisation.safeguarding, on)
        page.lead_training_current = readiness.lead_training_is_current(organisation.safeguarding, on)
        page.expired_accreditation_ids = {
            item.id for item in organisation.accreditations if readiness.accreditation_expired(item, on)
        }
    return page
