"""Shared kitemark fixtures: a ready organisation with its account manager, an assessor, and time control."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from marketplace.core import clock
from tests.factories import make_assessor, make_ready_organisation


@pytest.fixture
def ready(app):
    """(organisation, account manager) with the readiness checklist complete."""
    return make_ready_organisation("Peak Heritage Trust")


@pytest.fixture
def assessor(app):
    return make_assessor(name="Ada Assessor")


@pytest.fixture
def set_today(monkeypatch):
    """Move "today" for every rule that asks ``marketplace.core.clock``."""

    def move(day: date) -> None:
        monkeypatch.setattr(clock, "utcnow", lambda: datetime(day.year, day.month, day.day, 12, 0))

    return move
