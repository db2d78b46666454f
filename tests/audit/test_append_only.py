"""The audit log is append-only: recorded events cannot be changed or removed, by the ORM or by raw SQL."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from marketplace.audit.models import AuditEvent, AuditLogIsAppendOnly
from marketplace.audit.services import record_event
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from tests import factories


@pytest.fixture
def event_id(app) -> int:
    actor = factories.make_user(email="auditor@example.org")
    organisation = factories.make_organisation("Audited Museum")
    event = record_event(
        "organisation.published",
        obj=organisation,
        actor=actor,
        summary="Published the profile",
        before={"status": "draft"},
        after={"status": "published"},
    )
    db.session.commit()
    return event.id


def _stored(event_id: int) -> AuditEvent:
    db.session.expire_all()
    return db.session.get(AuditEvent, event_id)


def test_a_recorded_event_stores_who_did_what_to_which_object(app, event_id):
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == "Audited Museum"))
    event = _stored(event_id)

    assert event.actor_email == "auditor@example.org"
    assert event.actor_id is not None
    assert event.action == "organisation.published"
    assert event.object_type == "Organisation"
    assert event.object_id == str(organisation.id)
    assert event.summary == "Published the profile"
    assert (event.before, event.after) == ({"status": "draft"}, {"status": "published"})
    assert event.occurred_at is not None


def test_changing_an_event_through_the_orm_is_refused(app, event_id):
    event = _stored(event_id)
    event.summary = "Nothing happened"

    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()

    db.session.rollback()
    assert _stored(event_id).summary == "Published the profile"


def test_deleting_an_event_through_the_orm_is_refused(app, event_id):
    db.session.delete(_stored(event_id))

    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()

    db.session.rollback()
    assert _stored(event_id) is not None


def test_raw_sql_update_is_refused_by_the_database(app, event_id):
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("UPDATE audit_event SET summary = 'tampered' WHERE id = :id"), {"id": event_id})
    db.session.rollback()

    assert _stored(event_id).summary == "Published the profile"


def test_raw_sql_delete_is_refused_by_the_database(app, event_id):
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_event"))
    db.session.rollback()

    assert _stored(event_id) is not None
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == 1


def test_new_events_can_still_be_appended_after_a_refused_change(app, event_id):
    with pytest.raises(DatabaseError):
        db.session.execute(text("DELETE FROM audit_event"))
    db.session.rollback()

    record_event("user.signed_in", summary="Signed in")
    db.session.commit()

    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert actions == {"organisation.published", "user.signed_in"}


BULK_STATEMENTS = {
    "ORM update statement": lambda: db.session.execute(update(AuditEvent).values(summary="tampered")),
    "ORM delete statement": lambda: db.session.execute(delete(AuditEvent)),
    "Core table update": lambda: db.session.execute(AuditEvent.__table__.update().values(summary="tampered")),
    "Core table delete": lambda: db.session.execute(AuditEvent.__table__.delete()),
    "legacy query update": lambda: db.session.query(AuditEvent).update({"summary": "tampered"}),
    "legacy query delete": lambda: db.session.query(AuditEvent).delete(),
    "bulk update mappings": lambda: db.session.execute(
        update(AuditEvent),
        [{"id": event_id, "summary": "tampered"} for event_id in db.session.scalars(select(AuditEvent.id))],
    ),
}


@pytest.mark.parametrize("statement", BULK_STATEMENTS.values(), ids=BULK_STATEMENTS.keys())
def test_bulk_update_and_delete_statements_are_refused_by_the_database(app, event_id, statement):
    """These skip the ORM's flush (and its guard), so the database triggers are what stops them."""
    with pytest.raises(DatabaseError, match="append-only"):
        statement()
        db.session.flush()
    db.session.rollback()

    event = _stored(event_id)
    assert event is not None
    assert event.summary == "Published the profile"


def test_merging_a_changed_copy_of_an_event_is_refused(app, event_id):
    copy = AuditEvent(id=event_id, action="organisation.published", summary="Nothing happened")
    db.session.expunge_all()
    db.session.merge(copy)

    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()

    db.session.rollback()
    assert _stored(event_id).summary == "Published the profile"
