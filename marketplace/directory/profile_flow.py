"""The provider's straight path through the profile: basics (with localities) → outcomes (with evidence) →
safeguarding → publish (issue 17).

A small organisation lists itself once and has no procurement staff: every page it must leave to find the next
one costs it. So "Save and continue" on a step of the main path goes to the next unfinished step of that path
(the safeguarding record included, though it lives with the evidence), and the last step offers "Save and
publish". The other sections (ages, frameworks, indicators, value for money) stay on the task list, where
"Save and continue" keeps its order. Nothing here loosens a rule: steps save through the same services, and
publishing through :func:`services.publish_organisation`.

Two saves join what used to be separate pages, each in one unit of work: the basics with the localities served,
and an outcome statement with new impact evidence typed beside it (created and linked in the same commit).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from flask import url_for
from markupsafe import Markup
from sqlalchemy import func, select

from marketplace.directory import freshness, services
from marketplace.directory.evidence.services import stage_impact_evidence
from marketplace.directory.models import Organisation, OrganisationStatus
from marketplace.extensions import db
from marketplace.reference.models import Locality

MAIN_PATH = ("basics", "localities", "outcomes", "safeguarding")
SAFEGUARDING = "safeguarding"
EVIDENCE_KINDS = ("case_study", "evaluation")
NOT_READY = "Your profile cannot be published yet: "


@dataclass(frozen=True)
class NewEvidence:
    """Impact evidence typed beside an outcome statement: saved with it and linked to it."""

    title: str
    kind: str
    method: str
    result: str


# Where the provider goes next -------------------------------------------------------------------------------


def safeguarding_recorded(organisation: Organisation) -> bool:
    """The safeguarding step is done once its required answers are there (a policy document and its review date,
    the designated lead, the DBS share); whether they are current is the readiness checklist's business."""
    record = organisation.safeguarding
    return (
        record is not None
        and record.policy_document_id is not None
        and record.policy_reviewed_on is not None
        and bool(record.lead_name)
        and record.dbs_coverage_percent is not None
    )


def step_done(organisation: Organisation, slug: str) -> bool:
    if slug == SAFEGUARDING:
        return safeguarding_recorded(organisation)
    return next(step.completed for step in services.profile_steps(organisation) if step.slug == slug)


def next_step(organisation: Organisation, after: str) -> str | None:
    """The step "Save and continue" goes to after ``after``; None when the profile (check and publish) is next.

    On the main path, the next unfinished step of the path; elsewhere, the next unfinished section in the task
    list's order, as before. Steps already done are skipped (GOV.UK task list pattern).
    """
    order = MAIN_PATH if after in MAIN_PATH else tuple(services.STEPS)
    later = order[order.index(after) + 1 :] if after in order else order
    return next((slug for slug in later if not step_done(organisation, slug)), None)


def first_step(organisation: Organisation) -> str | None:
    """Where a provider who has just listed a new organisation starts: the first unfinished step of the path."""
    return next((slug for slug in MAIN_PATH if not step_done(organisation, slug)), None)


def task_groups(organisation: Organisation) -> list[tuple[str, list[services.ProfileStep]]]:
    """The task list in two groups: the straight path, in the order "Save and continue" follows, then the rest."""
    steps = {step.slug: step for step in services.profile_steps(organisation)}
    steps[SAFEGUARDING] = services.ProfileStep(SAFEGUARDING, "Safeguarding record", safeguarding_recorded(organisation))
    rest = [step for slug, step in steps.items() if slug not in MAIN_PATH]
    return [
        ("For a published, evidence-backed profile", [steps[slug] for slug in MAIN_PATH]),
        ("More for commissioners", rest),
    ]


def step_url(slug: str | None) -> str:
    """The page of a step (the safeguarding record lives with the evidence); the profile when ``slug`` is None."""
    if slug is None:
        return url_for("directory.profile")
    if slug == SAFEGUARDING:
        return url_for("evidence.safeguarding")
    return url_for("directory.profile_step", step=slug)


def landing_after_registration(user: Any) -> str | None:
    """The first profile step for the account manager of a new draft listing; None for anyone else."""
    organisation = user.organisation
    if organisation is None or not user.is_org_admin or organisation.status != OrganisationStatus.DRAFT:
        return None
    step = first_step(organisation)
    return step_url(step) if step else None


def published_banner(organisation: Organisation, *, saved: str = "") -> Markup:
    """The success message after publishing, with the link to the public profile (``saved`` says what was saved
    first, when publishing followed a save)."""
    link = url_for("directory.organisation", organisation_id=organisation.id)
    lead = f"{saved} and your profile is published" if saved else "Your profile is published"
    message = '{}: anyone can now find it in the directory. <a class="{}" href="{}">{}</a>'
    return Markup(message).format(lead, "govuk-notification-banner__link", link, "View your public profile")  # nosec B704  # constant template; format escapes


# Saving the joined steps ------------------------------------------------------------------------------------


def save_step(organisation: Organisation, step: str, values: dict[str, Any], *, actor: Any) -> Any | None:
    """Save a profile step; the basics return the revision holding a trusted listing's material change, if any."""
    if step == "basics":
        return save_basics(organisation, values, actor=actor)
    if step == "outcomes":
        save_outcomes(organisation, values, actor=actor)
        return None
    services.save_profile_step(organisation, step, values, actor=actor)
    return None


def save_basics(organisation: Organisation, values: dict[str, Any], *, actor: Any) -> Any | None:
    """The basic details, and the localities served when the page asked for them (``locality_ids``).

    The localities are checked before anything is saved, so a refusal leaves both as they were.
    """
    values = dict(values)
    locality_ids = values.pop("locality_ids", None)
    if locality_ids is not None:
        wanted = set(locality_ids)
        found = db.session.scalar(select(func.count()).select_from(Locality).where(Locality.id.in_(wanted)))
        if found != len(wanted):
            raise services.ProfileError("Select localities from the list")
    held = services.save_basics(organisation, values, actor=actor)
    if locality_ids is not None:
        services.save_profile_step(organisation, "localities", {"locality_ids": locality_ids}, actor=actor)
    return held


def _check_new_evidence(evidence: NewEvidence) -> None:
    if not evidence.title.strip() or not evidence.result.strip():
        raise services.ProfileError("New evidence needs a title and a result")
    if evidence.kind not in EVIDENCE_KINDS:
        raise services.ProfileError("Select whether the evidence is a case study or an evaluation")


def save_outcomes(organisation: Organisation, values: dict[str, Any], *, actor: Any) -> None:
    """The outcome statements, each with any new impact evidence typed beside it, in one commit.

    The evidence is created for that outcome and linked to its statement; if anything is refused (an outcome not
    contributed to, a title without a result) nothing is saved, the evidence included.
    """
    new_evidence: dict[int, NewEvidence] = values.get("new_evidence", {})
    contributions = []
    try:
        freshness.mark_edited(organisation)
        for entry in values["contributions"]:
            fresh = new_evidence.get(entry.outcome_id)
            if fresh is not None:
                _check_new_evidence(fresh)
                data = {"outcome_id": entry.outcome_id, "title": fresh.title, "kind": fresh.kind}
                data.update(method=fresh.method, result=fresh.result)
                record = stage_impact_evidence(organisation, user=actor, data=data)
                entry = replace(entry, evidence_ids=[*entry.evidence_ids, record.id])
            contributions.append(entry)
        services.update_outcomes(organisation, contributions, actor=actor)
    except services.ProfileError:
        db.session.rollback()
        raise
