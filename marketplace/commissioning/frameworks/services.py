"""Outcomes frameworks: import (create or replace by name), look up, and map outcomes to ECM outcomes.

Re-importing a framework of the same name for the same body replaces its content. Items are matched by code at
each level, so needs linked to an outcome or measure that is still in the file keep their links; items no longer
in the file are removed (and with them those links).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from marketplace.audit.services import record_event
from marketplace.commissioning.frameworks.importer import validate_framework
from marketplace.commissioning.models import (
    CommissioningBody,
    FrameworkAim,
    FrameworkKeyAction,
    FrameworkMeasure,
    FrameworkOutcome,
    FrameworkTheme,
    OutcomesFramework,
)
from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.reference.models import Term
from marketplace.reference.services import terms_by_code

MEASURE_DETAILS = (
    "unit",
    "direction",
    "baseline_value",
    "baseline_period",
    "baseline_state",
    "baseline_available_from",
    "target_value",
    "target_period",
    "target_reference",
    "target_state",
    "tolerance",
    "lead_officer",
    "data_source",
    "frequency",
)


def frameworks_of(body: CommissioningBody) -> list[OutcomesFramework]:
    return list(
        db.session.scalars(
            select(OutcomesFramework).where(OutcomesFramework.body_id == body.id).order_by(OutcomesFramework.name)
        )
    )


def framework_counts(framework: OutcomesFramework) -> dict[str, int]:
    """How many themes, aims, outcomes and measures the framework has."""
    aims = [aim for theme in framework.themes for aim in theme.aims]
    outcomes = [outcome for aim in aims for outcome in aim.outcomes]
    return {
        "themes": len(framework.themes),
        "aims": len(aims),
        "outcomes": len(outcomes),
        "measures": sum(len(outcome.measures) for outcome in outcomes),
    }


def all_outcomes(framework: OutcomesFramework) -> list[FrameworkOutcome]:
    return [outcome for theme in framework.themes for aim in theme.aims for outcome in aim.outcomes]


def import_framework(body: CommissioningBody, data: dict[str, Any], *, actor: Any = None) -> OutcomesFramework:
    """Create ``body``'s framework from ``data`` (the JSON shape), or replace the one with the same name.

    Raises :class:`~marketplace.commissioning.frameworks.importer.FrameworkFileError` (nothing saved) if the data
    is invalid. Commits and records ``framework.imported``.
    """
    cleaned = validate_framework(data)
    framework = db.session.scalar(
        select(OutcomesFramework).where(OutcomesFramework.body_id == body.id, OutcomesFramework.name == cleaned["name"])
    )
    replacing = framework is not None
    if framework is None:
        framework = OutcomesFramework(body=body, name=cleaned["name"])
        db.session.add(framework)
    before = framework_counts(framework) if replacing else None
    ecm = terms_by_code("ecm_outcome")
    framework.cross_cutting = "\n".join(cleaned["cross_cutting"])
    framework.imported_at = utcnow()
    framework.imported_by_id = getattr(actor, "id", None)
    framework.themes = _sync(
        framework.themes, cleaned["themes"], FrameworkTheme, lambda theme, item: _fill_theme(theme, item, ecm)
    )
    db.session.flush()
    record_event(
        "framework.imported",
        obj=framework,
        actor=actor,
        summary=f"{'Replaced' if replacing else 'Imported'} framework {framework.name} for {body.name}",
        before=before,
        after=framework_counts(framework),
    )
    db.session.commit()
    return framework


def _sync(existing: list, items: list[dict], model: type, fill: Callable[[Any, dict], None]) -> list:
    """The children for ``items``: existing ones reused by code, new ones created, in the file's order."""
    by_code = {child.code: child for child in existing}
    children = []
    for position, item in enumerate(items):
        child = by_code.pop(item["code"], None) or model(code=item["code"])
        child.title = item["title"]
        child.position = position
        fill(child, item)
        children.append(child)
    return children


def _fill_theme(theme: FrameworkTheme, item: dict, ecm: dict[str, Term]) -> None:
    theme.key_actions = [
        FrameworkKeyAction(text=text, position=position) for position, text in enumerate(item.get("key_actions", []))
    ]
    theme.aims = _sync(theme.aims, item["aims"], FrameworkAim, lambda aim, data: _fill_aim(aim, data, ecm))


def _fill_aim(aim: FrameworkAim, item: dict, ecm: dict[str, Term]) -> None:
    aim.outcomes = _sync(
        aim.outcomes, item["outcomes"], FrameworkOutcome, lambda outcome, data: _fill_outcome(outcome, data, ecm)
    )


def _fill_outcome(outcome: FrameworkOutcome, item: dict, ecm: dict[str, Term]) -> None:
    outcome.ecm_outcomes = [ecm[code] for code in item["ecm_outcomes"]]
    outcome.measures = _sync(outcome.measures, item["measures"], FrameworkMeasure, _fill_measure)


def _fill_measure(measure: FrameworkMeasure, item: dict) -> None:
    measure.current_position = item["current_position"]
    measure.target = item["target"]
    measure.timescale = item["timescale"]
    measure.lead = item["lead"]
    for key in MEASURE_DETAILS:
        setattr(measure, key, item[key])


def map_outcome(outcome: FrameworkOutcome, ecm_outcome_ids: list[int], *, actor: Any = None) -> FrameworkOutcome:
    """Set the ECM outcomes a framework outcome contributes to. Commits and records ``framework.outcome_mapped``."""
    before = [term.code for term in outcome.ecm_outcomes]
    allowed = terms_by_code("ecm_outcome").values()
    outcome.ecm_outcomes = [term for term in allowed if term.id in set(ecm_outcome_ids)]
    record_event(
        "framework.outcome_mapped",
        obj=outcome,
        actor=actor,
        summary=f"Mapped {outcome.title} to Every Child Matters outcomes",
        before={"ecm_outcomes": before},
        after={"ecm_outcomes": [term.code for term in outcome.ecm_outcomes]},
    )
    db.session.commit()
    return outcome
