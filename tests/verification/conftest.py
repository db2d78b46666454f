"""Shared verification fixtures: a ready organisation with its account manager, and an assessor."""

from __future__ import annotations

import pytest

from tests.factories import make_assessor, make_ready_organisation


@pytest.fixture
def ready(app):
    """(organisation, account manager): a complete, current safeguarding record with its policy document."""
    return make_ready_organisation("Peak Heritage Trust")


@pytest.fixture
def assessor(app):
    return make_assessor(name="Ada Assessor")
