"""Shortlist fixtures: a body with an approved commissioner (signed in) and an open need of that body."""

from __future__ import annotations

import pytest

from marketplace.commissioning.models import Need, Shortlist, ShortlistEntry
from marketplace.directory.models import Organisation, OrganisationStatus
from marketplace.extensions import db
from tests import factories
from tests.factories import make_need


@pytest.fixture
def body(app):
    return factories.make_body("Derby Children's Services")


@pytest.fixture
def commissioner(body):
    return factories.make_commissioner(body, email="commissioner@derby.example.org")


@pytest.fixture
def need(body):
    return make_need(body, title="Creative short breaks in Derby")


@pytest.fixture
def signed_in(client, commissioner):
    client.sign_in(commissioner.email)
    return client


def published_organisation(name: str | None = None, **fields) -> Organisation:
    return factories.make_organisation(name, status=OrganisationStatus.PUBLISHED, **fields)


def put_on_shortlist(
    need: Need, organisation: Organisation, *, response=None, consortium=None, rank=None, notes: str = ""
) -> ShortlistEntry:
    """Put a provider on the need's shortlist directly (not through the add form)."""
    shortlist = db.session.query(Shortlist).filter_by(need_id=need.id).one_or_none()
    if shortlist is None:
        shortlist = Shortlist(body_id=need.body_id, need=need, name=need.title)
        db.session.add(shortlist)
    entry = ShortlistEntry(
        organisation=organisation,
        consortium=consortium,
        response=response,
        rank=rank or len(shortlist.entries) + 1,
        notes=notes,
    )
    shortlist.entries.append(entry)
    db.session.commit()
    return entry


def shortlist_url(need: Need) -> str:
    return f"/commissioner/needs/{need.id}/shortlist"
