"""Two "respond" posts from one organisation at the same moment: both pass the service's check before either is
saved. The database's partial unique index refuses the second, which gets the usual "already responded" page.
The race window is opened deterministically by making the check see nothing (as the second request did)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.commissioning.models import Need, Response, ResponseStatus
from marketplace.commissioning.responses import services
from marketplace.core.clock import utcnow
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from tests.client import text_of
from tests.commissioning.responses.conftest import form_data, make_consortium
from tests.factories import make_response


def _live_count() -> int:
    query = select(func.count(Response.id)).where(Response.status != ResponseStatus.WITHDRAWN)
    return db.session.scalar(query)


@pytest.fixture
def check_sees_nothing(monkeypatch):
    """Every check finds no live response, as the second of two simultaneous requests did."""
    monkeypatch.setattr(services, "live_response", lambda *args, **kwargs: None)


def test_a_second_live_response_in_a_race_gets_the_already_responded_page(client, world, check_sees_nothing):
    make_response(world.need, world.organisation)
    client.sign_in(world.provider.email)

    result = client.submit(f"/needs/{world.need.id}/respond", form_data())

    assert result.status_code == 200
    assert "Derby Museums has already responded to this need" in text_of(result)
    assert _live_count() == 1


def test_the_database_refuses_two_live_responses_for_one_consortium(world):
    consortium = make_consortium(world.organisation)
    make_response(world.need, world.organisation, consortium=consortium)

    db.session.add(Response(need=world.need, organisation=world.organisation, consortium=consortium, approach="x"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_withdrawn_responses_do_not_count_and_alone_and_as_consortium_are_separate(world):
    withdrawn = {"status": ResponseStatus.WITHDRAWN, "withdrawn_at": utcnow()}
    make_response(world.need, world.organisation, **withdrawn)
    make_response(world.need, world.organisation, **withdrawn)
    make_response(world.need, world.organisation)
    make_response(world.need, world.organisation, consortium=make_consortium(world.organisation))

    assert _live_count() == 2


def test_four_simultaneous_submissions_leave_one_live_response(app, world, monkeypatch):
    """Real threads, each with its own database connection, all past the check before any of them inserts."""
    if app.config["SQLALCHEMY_DATABASE_URI"] in ("sqlite://", "sqlite:///:memory:"):
        pytest.skip("needs a database shared between connections")
    barrier = threading.Barrier(4, timeout=10)
    real_check = services.check_responder

    def check_then_wait(*args, **kwargs):
        real_check(*args, **kwargs)
        barrier.wait()  # every submission has passed the check: now they all insert

    monkeypatch.setattr(services, "check_responder", check_then_wait)
    ids = (world.need.id, world.organisation.id, world.provider.id)
    db.session.commit()
    outcomes: list[str] = []

    def submit() -> None:
        with app.app_context():
            need, organisation, provider = (
                db.session.get(model, key) for model, key in zip((Need, Organisation, User), ids, strict=True)
            )
            try:
                services.submit_response(need, organisation, services.ResponseDetails("Plan"), actor=provider)
                outcomes.append("saved")
            except services.ResponseRefused as refusal:
                outcomes.append(refusal.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["Derby Museums has already responded to this need"] * 3 + ["saved"]
    assert _live_count() == 1
