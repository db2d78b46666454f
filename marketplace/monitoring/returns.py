"""Returns: the provider's periodic report, its acceptance (which locks it), corrections and reminders.

A period has at most one live version (submitted or accepted); older versions are ``superseded`` and kept.
While a version is only submitted, the provider may send a new one. Once accepted it is locked: a change is a
correction, a new version with the reason, which the commissioner accepts again. Ratings follow every version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from marketplace.audit.services import record_event
from marketplace.core.clock import long_date, today, utcnow
from marketplace.core.links import external_url
from marketplace.directory.models import ImpactEvidence
from marketplace.extensions import db
from marketplace.monitoring.models import (
    Contract,
    ContractStatus,
    PerformanceReturn,
    ReturnReminder,
    ReturnStatus,
    ReturnValue,
)
from marketplace.monitoring.ratings import rate_return
from marketplace.monitoring.schedule import Period, period_status, periods, reminder_due
from marketplace.notifications.services import notify, send_email


class ReturnError(ValueError):
    """A return the rules refuse; the message is shown as it is."""


@dataclass(frozen=True)
class Figure:
    """One measure's figure in a return: a value, or the state ``not_available``."""

    value: float | None = None
    state: str = ""
    note: str = ""


@dataclass
class ReturnDetails:
    figures: dict[int, Figure]  # by contract measure id
    story: str = ""
    needs_help: bool = False
    help_note: str = ""
    evidence_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ScheduledPeriod:
    period: Period
    live: PerformanceReturn | None
    status: str


def schedule_of(contract: Contract, *, on: date | None = None) -> list[ScheduledPeriod]:
    """Every reporting period of the contract with its live return and where it stands ``on`` (today)."""
    day = on or today()
    live = {ret.period_start: ret for ret in contract.returns if ret.status != ReturnStatus.SUPERSEDED}
    rows = []
    for period in periods(contract.start_date, contract.end_date, contract.reporting_frequency):
        ret = live.get(period.start)
        rows.append(ScheduledPeriod(period, ret, period_status(period, day, ret.status if ret else None)))
    return rows


def period_of(contract: Contract, number: int) -> Period | None:
    found = [
        p for p in periods(contract.start_date, contract.end_date, contract.reporting_frequency) if p.number == number
    ]
    return found[0] if found else None


def versions_of(contract: Contract, period: Period) -> list[PerformanceReturn]:
    return sorted((r for r in contract.returns if r.period_start == period.start), key=lambda r: r.version)


def _check_figures(contract: Contract, details: ReturnDetails) -> None:
    ids = {measure.id for measure in contract.measures}
    if not ids:
        raise ReturnError("This contract has no measures to report on yet")
    if set(details.figures) - ids:
        raise ReturnError("A figure names a measure that is not part of this contract")
    if details.needs_help and not details.help_note.strip():
        raise ReturnError("Enter what you need the commissioner's help with")


def _evidence(contract: Contract, ids: tuple[int, ...]) -> list[ImpactEvidence]:
    if not ids:
        return []
    found = list(db.session.scalars(select(ImpactEvidence).where(ImpactEvidence.id.in_(ids))))
    if len(found) != len(set(ids)) or any(item.organisation_id != contract.organisation_id for item in found):
        raise ReturnError("Select evidence from your own organisation's evidence")
    return found


def _new_version(
    contract: Contract, period: Period, details: ReturnDetails, *, actor: Any, reason: str
) -> PerformanceReturn:
    previous = versions_of(contract, period)
    for old in previous:
        if old.status != ReturnStatus.SUPERSEDED:
            old.status = ReturnStatus.SUPERSEDED
    ret = PerformanceReturn(
        contract=contract,
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
        due_on=period.due_on,
        version=(previous[-1].version + 1) if previous else 1,
        story=details.story.strip(),
        needs_help=details.needs_help,
        help_note=details.help_note.strip() if details.needs_help else "",
        correction_reason=reason,
        submitted_by=actor,
        values=[
            ReturnValue(measure_id=measure_id, value=figure.value, state=figure.state, note=figure.note[:500])
            for measure_id, figure in details.figures.items()
        ],
        evidence=_evidence(contract, details.evidence_ids),
    )
    db.session.add(ret)
    db.session.flush()
    rate_return(ret, actor=actor)
    return ret


def submit_return(contract: Contract, period: Period, details: ReturnDetails, *, actor: Any) -> PerformanceReturn:
    """Submit (or resubmit, before acceptance) the return for ``period``. Commits; audited; tells the manager."""
    _check_figures(contract, details)
    if contract.status != ContractStatus.ACTIVE:
        raise ReturnError("This contract is closed: returns can no longer be submitted")
    if any(r.status == ReturnStatus.ACCEPTED for r in versions_of(contract, period)):
        raise ReturnError("The return for this period has been accepted: send a correction with the reason instead")
    ret = _new_version(contract, period, details, actor=actor, reason="")
    record_event(
        "return.submitted",
        obj=ret,
        actor=actor,
        summary=f"Return for {period.label} on {contract.title} (version {ret.version})",
        after={"period": period.label, "version": ret.version, "needs_help": ret.needs_help},
    )
    _tell_manager(contract, ret, "submitted")
    db.session.commit()
    return ret


def correct_return(
    contract: Contract, period: Period, details: ReturnDetails, *, reason: str, actor: Any
) -> PerformanceReturn:
    """A correction of an accepted return: a new version with ``reason``, to be accepted again. Commits; audited."""
    _check_figures(contract, details)
    if not reason.strip():
        raise ReturnError("Enter the reason for the correction")
    live = [r for r in versions_of(contract, period) if r.status == ReturnStatus.ACCEPTED]
    if not live:
        raise ReturnError("Only an accepted return can be corrected")
    ret = _new_version(contract, period, details, actor=actor, reason=reason.strip())
    record_event(
        "return.corrected",
        obj=ret,
        actor=actor,
        summary=f"Correction to the {period.label} return on {contract.title}: {reason.strip()[:200]}",
        before={"version": live[0].version},
        after={"version": ret.version, "reason": reason.strip()},
    )
    _tell_manager(contract, ret, "corrected")
    db.session.commit()
    return ret


def accept_return(ret: PerformanceReturn, *, actor: Any) -> PerformanceReturn:
    """The commissioner accepts a submitted return, which locks it. Commits; audited."""
    if ret.status != ReturnStatus.SUBMITTED:
        raise ReturnError(f"This return is {ret.status}: only a submitted return can be accepted")
    ret.status = ReturnStatus.ACCEPTED
    ret.accepted_at = utcnow()
    ret.accepted_by = actor
    record_event(
        "return.accepted",
        obj=ret,
        actor=actor,
        summary=f"Accepted the {ret.period_label} return on {ret.contract.title} (version {ret.version})",
        before={"status": ReturnStatus.SUBMITTED},
        after={"status": ReturnStatus.ACCEPTED},
    )
    db.session.commit()
    return ret


def _contract_link(contract: Contract) -> str:
    return external_url("monitoring.contract", contract_id=contract.id)


def _contract_path(contract: Contract) -> str:
    return urlsplit(_contract_link(contract)).path


def _tell_manager(contract: Contract, ret: PerformanceReturn, verb: str) -> None:
    if contract.manager is None:
        return
    help_text = " The provider asks for your help." if ret.needs_help else ""
    notify(
        contract.manager.id,
        f"{contract.provider_name} {verb} the {ret.period_label} return for {contract.title}.{help_text}",
        _contract_path(contract),
    )


# Reminders ------------------------------------------------------------------------------------------------------------


def _reporters(contract: Contract) -> list[Any]:
    return [user for user in contract.organisation.members if user.is_active]


def send_reminders(*, on: date | None = None) -> int:
    """Remind providers of returns due within a week, and flag overdue ones to both sides, once each.

    Returns how many reminders were sent. Run daily (``flask monitoring send-reminders``).
    """
    day = on or today()
    sent = 0
    contracts = db.session.scalars(select(Contract).where(Contract.status == ContractStatus.ACTIVE))
    already = {(r.contract_id, r.period_start, r.kind) for r in db.session.scalars(select(ReturnReminder))}
    for contract in contracts:
        for row in schedule_of(contract, on=day):
            kind = reminder_due(row.period, day, row.live.status if row.live else None)
            if kind is None or (contract.id, row.period.start, kind) in already:
                continue
            _remind(contract, row.period, kind)
            db.session.add(ReturnReminder(contract_id=contract.id, period_start=row.period.start, kind=kind))
            sent += 1
    db.session.commit()
    return sent


def _remind(contract: Contract, period: Period, kind: str) -> None:
    link = _contract_link(contract)
    if kind == "due_soon":
        subject = f"Return due {long_date(period.due_on)}: {contract.title}"
        message = f"The {period.label} return for {contract.title} is due by {long_date(period.due_on)}"
    else:
        subject = f"Return overdue: {contract.title}"
        message = f"The {period.label} return for {contract.title} was due on {long_date(period.due_on)} and is overdue"
    for user in _reporters(contract):
        notify(user.id, message, urlsplit(link).path)
        send_email(user.email, subject, f"Hello {user.name},\n\n{message}.\n\nSubmit it here: {link}\n")
    if kind == "overdue" and contract.manager is not None:
        notify(contract.manager.id, f"{contract.provider_name}: {message}", urlsplit(link).path)
