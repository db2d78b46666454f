"""Ratings per measure per period (the rule's status and the manager's override) and the challenger's verdict.

The rule lives in :mod:`marketplace.monitoring.rating`; this module applies it to returns and records every
status change in the audit log: the rule's own changes (``rating.computed``), overrides (``rating.overridden``)
and challenges (``rating.challenged`` / ``rating.agreed``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from marketplace.audit.services import record_event
from marketplace.extensions import db
from marketplace.monitoring import rating
from marketplace.monitoring.access import can_challenge
from marketplace.monitoring.models import Challenge, Contract, ContractMeasure, MeasureRating, PerformanceReturn

VERDICTS = {"agree": "Agree with the ratings", "challenge": "Challenge the ratings"}


class RatingError(ValueError):
    """A rating change the rules refuse; the message is shown as it is."""


def rule_for(measure: ContractMeasure) -> rating.MeasureRule:
    return rating.MeasureRule(
        direction=measure.direction,
        target_value=measure.target_value,
        target_state=measure.target_state,
        baseline_state=measure.baseline_state,
        tolerance=measure.tolerance,
    )


def rating_for(measure: ContractMeasure, period_start: date) -> MeasureRating | None:
    return db.session.scalar(
        select(MeasureRating).where(MeasureRating.measure_id == measure.id, MeasureRating.period_start == period_start)
    )


def rate_return(performance_return: PerformanceReturn, *, actor: Any) -> None:
    """Rate every measure of the return's contract for its period by the rule; audit each status that changes.

    The caller commits. A manager's override stays in place (its reason still stands) but the rule's status is
    kept up to date beside it.
    """
    values = {value.measure_id: value for value in performance_return.values}
    for measure in performance_return.contract.measures:
        value = values.get(measure.id)
        computed = rating.rate(
            rule_for(measure),
            value.value if value else None,
            value_state=value.state if value else "",
        )
        existing = rating_for(measure, performance_return.period_start)
        if existing is not None and existing.computed == computed:
            continue
        before = existing.computed if existing is not None else None
        if existing is None:
            existing = MeasureRating(measure=measure, period_start=performance_return.period_start, computed=computed)
            db.session.add(existing)
        existing.computed = computed
        db.session.flush()
        record_event(
            "rating.computed",
            obj=existing,
            actor=actor,
            summary=f"{measure.title[:150]} ({performance_return.period_label}): {rating.label(computed)} by rule",
            before={"status": before},
            after={
                "status": computed,
                "measure_id": measure.id,
                "period_start": performance_return.period_start.isoformat(),
            },
        )


def override_rating(measure_rating: MeasureRating, status: str, *, reason: str, actor: Any) -> MeasureRating:
    """The manager sets the status (or clears the override with ``status=""``), with a reason. Commits; audited."""
    if status and status not in rating.RAG:
        raise RatingError("Select red, amber or green")
    if not reason.strip():
        raise RatingError("Enter the reason for the change")
    before = {"status": measure_rating.status, "override": measure_rating.override}
    measure_rating.override = status
    measure_rating.override_reason = reason.strip()
    measure_rating.overridden_by = actor
    record_event(
        "rating.overridden" if status else "rating.override_cleared",
        obj=measure_rating,
        actor=actor,
        summary=f"{measure_rating.measure.title[:150]}: {rating.label(measure_rating.status)} ({reason.strip()[:200]})",
        before=before,
        after={"status": measure_rating.status, "override": status, "reason": reason.strip()},
    )
    db.session.commit()
    return measure_rating


def record_challenge(contract: Contract, period_start: date, *, verdict: str, note: str, actor: Any) -> Challenge:
    """The challenger (a commissioner of the body other than the manager) agrees or challenges. Commits; audited."""
    if not can_challenge(actor, contract):
        raise RatingError("The challenger must be someone in your body other than the contract manager")
    if verdict not in VERDICTS:
        raise RatingError("Select whether you agree or challenge")
    if verdict == "challenge" and not note.strip():
        raise RatingError("Enter what you are challenging and why")
    challenge = Challenge(
        contract=contract, period_start=period_start, challenger=actor, verdict=verdict, note=note.strip()
    )
    db.session.add(challenge)
    db.session.flush()
    record_event(
        "rating.challenged" if verdict == "challenge" else "rating.agreed",
        obj=contract,
        actor=actor,
        summary=f"{VERDICTS[verdict]} for {contract.title} ({period_start.isoformat()})",
        after={"verdict": verdict, "note": challenge.note, "period_start": period_start.isoformat()},
    )
    db.session.commit()
    return challenge


def latest_statuses(contract: Contract) -> dict[int, MeasureRating | None]:
    """Each measure's most recent rating (by period), or None."""
    latest: dict[int, MeasureRating | None] = {}
    for measure in contract.measures:
        ratings = sorted(measure.ratings, key=lambda item: item.period_start)
        latest[measure.id] = ratings[-1] if ratings else None
    return latest
