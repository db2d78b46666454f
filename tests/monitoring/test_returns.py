"""Returns: submission rates by rule, acceptance locks, corrections are new versions, reminders go once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.extensions import db
from marketplace.monitoring import ratings, returns
from marketplace.monitoring.models import ReturnStatus
from marketplace.monitoring.returns import Figure, ReturnDetails, ReturnError
from marketplace.notifications.models import Notification, OutboxEmail
from tests.factories import make_contract


def sdq(contract):
    return next(m for m in contract.measures if m.title.startswith("Children and young people"))


def details(contract, value, *, story="On track", **extra) -> ReturnDetails:
    return ReturnDetails(figures={sdq(contract).id: Figure(value=value)}, story=story, **extra)


def test_a_return_is_rated_by_rule_and_audited(awarded, provider):
    q1 = returns.period_of(awarded, 1)
    returns.submit_return(awarded, q1, details(awarded, 14.0), actor=provider)  # target 13, lower, tolerance 0.5

    rating = ratings.rating_for(sdq(awarded), q1.start)
    assert rating.status == "red"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rating.computed"))
    assert event.after["status"] in ("red", "no_data")


def test_resubmitting_before_acceptance_supersedes_and_rerates(awarded, provider):
    q1 = returns.period_of(awarded, 1)
    first = returns.submit_return(awarded, q1, details(awarded, 14.0), actor=provider)
    second = returns.submit_return(awarded, q1, details(awarded, 12.9), actor=provider)

    assert (first.status, second.status, second.version) == (ReturnStatus.SUPERSEDED, ReturnStatus.SUBMITTED, 2)
    assert ratings.rating_for(sdq(awarded), q1.start).status == "green"


def test_an_accepted_return_is_locked_and_a_correction_is_a_new_version_with_its_reason(awarded, provider, manager):
    q1 = returns.period_of(awarded, 1)
    accepted = returns.accept_return(
        returns.submit_return(awarded, q1, details(awarded, 13.2), actor=provider), actor=manager
    )
    assert accepted.is_locked and ratings.rating_for(sdq(awarded), q1.start).status == "amber"

    with pytest.raises(ReturnError, match="send a correction"):
        returns.submit_return(awarded, q1, details(awarded, 13.0), actor=provider)
    with pytest.raises(ReturnError, match="reason"):
        returns.correct_return(awarded, q1, details(awarded, 13.0), reason=" ", actor=provider)
    correction = returns.correct_return(
        awarded, q1, details(awarded, 13.0), reason="Two cases counted twice", actor=provider
    )

    assert (accepted.status, correction.version, correction.correction_reason) == (
        ReturnStatus.SUPERSEDED,
        2,
        "Two cases counted twice",
    )
    assert [r.version for r in returns.versions_of(awarded, q1)] == [1, 2]
    assert ratings.rating_for(sdq(awarded), q1.start).status == "green"
    with pytest.raises(ReturnError, match="only a submitted return"):
        returns.accept_return(accepted, actor=manager)


def test_a_correction_needs_an_accepted_return_and_help_needs_a_note(awarded, provider):
    q1 = returns.period_of(awarded, 1)
    with pytest.raises(ReturnError, match="Only an accepted return"):
        returns.correct_return(awarded, q1, details(awarded, 13.0), reason="Typo", actor=provider)
    with pytest.raises(ReturnError, match="help with"):
        returns.submit_return(awarded, q1, details(awarded, 13.0, needs_help=True), actor=provider)


def test_evidence_must_be_the_providers_own(awarded, provider):
    from marketplace.directory.models import ImpactEvidence
    from tests import factories

    other = factories.make_organisation("Other")
    theirs = ImpactEvidence(organisation_id=other.id, title="Not yours")
    mine = ImpactEvidence(organisation_id=provider.organisation_id, title="Case study: Sam's year")
    db.session.add_all([theirs, mine])
    db.session.commit()
    q1 = returns.period_of(awarded, 1)
    with pytest.raises(ReturnError, match="your own organisation"):
        returns.submit_return(awarded, q1, details(awarded, 13.0, evidence_ids=(theirs.id,)), actor=provider)
    ret = returns.submit_return(awarded, q1, details(awarded, 13.0, evidence_ids=(mine.id,)), actor=provider)
    assert ret.evidence == [mine]


def test_reminders_are_sent_once_before_the_due_date_and_once_when_overdue(body, manager, provider):
    contract = make_contract(body, provider.organisation, manager=manager)

    assert returns.send_reminders(on=date(2026, 7, 21)) == 1
    assert returns.send_reminders(on=date(2026, 7, 22)) == 0
    assert returns.send_reminders(on=date(2026, 7, 29)) == 1

    emails = list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == provider.email)))
    assert [e.subject for e in emails] == [
        "Return due 28 July 2026: Short breaks at the museum",
        "Return overdue: Short breaks at the museum",
    ]
    told = [n.message for n in db.session.scalars(select(Notification).where(Notification.user_id == manager.id))]
    assert any("overdue" in message for message in told), "the body sees overdue returns too"
    assert contract.id


def test_a_submitted_return_stops_the_reminders(body, manager, provider):
    contract = make_contract(body, provider.organisation, manager=manager)
    measure = contract.measures[0]
    returns.submit_return(
        contract, returns.period_of(contract, 1), ReturnDetails({measure.id: Figure(22)}, "Fine"), actor=provider
    )
    assert returns.send_reminders(on=date(2026, 7, 29)) == 0


def test_late_and_missing_returns_are_counted_for_both_sides(body, manager, provider):
    from marketplace.monitoring.queries import contract_rows, portfolio

    contract = make_contract(body, provider.organisation, manager=manager)
    measure = contract.measures[0]
    returns.submit_return(
        contract, returns.period_of(contract, 1), ReturnDetails({measure.id: Figure(22)}, "Q1"), actor=provider
    )

    [row] = contract_rows([contract], on=date(2026, 11, 10))  # Q2 due 28 October: overdue; Q1 received
    assert (row.due, row.overdue, row.statuses[measure.id]) == (0, 1, "amber")
    [row] = contract_rows([contract], on=date(2026, 10, 10))
    assert (row.due, row.overdue) == (1, 0)
    assert portfolio(body.id, on=date(2026, 11, 10)).totals["overdue"] == 1
