"""The index follows the database: each commit records its changed documents in the change feed, then applies it.

``after_flush`` notes which search documents a flush touched (organisations and the rows that feed their
documents: offers, outcome contributions, safeguarding, accreditations, kitemarks, consortium memberships,
consortia), collected per transaction by :mod:`marketplace.core.after_commit` (a savepoint's rollback forgets its
own notes). Just before the outermost commit they are written to the ``index_change`` table in the same transaction
(:mod:`marketplace.search.index.outbox`): the change and its record in the feed commit together or not at all. Written
at commit time, not at each flush, so a change's id is handed out moments before it becomes visible, which keeps
the gaps a follower must wait on short (see :mod:`marketplace.search.index.position`).

After the commit this process applies the feed to its own host's index at once (:func:`catch_up`), so the person
who saved sees the change in their next search. Every other host applies it from its follower
(:mod:`marketplace.search.index.follower`) within a second, or on ``flask search process-queue``. Nothing is lost when a
write fails (index locked by a rebuild, disk full, no index yet): the rows stay in the database and the next round
applies them. Set ``SEARCH_SYNC = False`` to switch the whole thing off (nothing recorded, nothing applied).
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from itertools import chain
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from marketplace.core.after_commit import after_commit, pending_items
from marketplace.directory.models import (
    Accreditation,
    Consortium,
    ConsortiumMembership,
    FrameworkStatement,
    Offer,
    Organisation,
    OutcomeContribution,
    SafeguardingRecord,
)
from marketplace.directory.signals import organisations_written_in_bulk
from marketplace.extensions import db
from marketplace.kitemark.models import Kitemark
from marketplace.search.engines.engine import engine_for
from marketplace.search.index import outbox, position
from marketplace.search.index.documents import (
    consortium_doc_id,
    documents_for_ids,
    organisation_doc_id,
    with_related_ids,
)

logger = logging.getLogger(__name__)

WORK_KEY = "search.sync"
EXTENSION_KEY = "search_sync"
DEFAULT_LOCK_TIMEOUT = 5.0
REBUILD_MARGIN_SECONDS = 120.0  # a rebuilt index re-applies the changes of its last two minutes
# Rows with an ``organisation_id`` whose changes show in the organisation's document (a kitemark's status does).
CHILDREN = (Offer, OutcomeContribution, SafeguardingRecord, Accreditation, FrameworkStatement, Kitemark)

_registered = False


def init_search_sync(app: Flask) -> None:
    """Follow commits of ``db.session`` into the search index of ``app`` (unless ``SEARCH_SYNC`` is False)."""
    global _registered
    app.extensions[EXTENSION_KEY] = True
    if not _registered:
        event.listen(db.session, "after_flush", _note_changes)
        event.listen(db.session, "before_commit", _record_feed)
        organisations_written_in_bulk.connect(_queue_bulk_write)
        _registered = True


def _enabled() -> bool:
    return (
        has_app_context()
        and bool(current_app.extensions.get(EXTENSION_KEY))
        and bool(current_app.config.get("SEARCH_SYNC", True))
    )


def _loaded(instance: object, name: str) -> object:
    # The state's dict only: never trigger a lazy load from inside a flush.
    return inspect(instance).dict.get(name)


def document_ids_of(instance: object) -> set[str]:
    """The search documents that depend on a changed row."""
    if isinstance(instance, Organisation):
        return {organisation_doc_id(instance.id)} if instance.id is not None else set()
    if isinstance(instance, Consortium):
        ids = {consortium_doc_id(instance.id)}
        lead = _loaded(instance, "lead_organisation_id")
        return ids | ({organisation_doc_id(lead)} if lead is not None else set())
    if isinstance(instance, ConsortiumMembership):
        ids = {consortium_doc_id(c) for c in [_loaded(instance, "consortium_id")] if c is not None}
        return ids | {organisation_doc_id(o) for o in [_loaded(instance, "organisation_id")] if o is not None}
    if isinstance(instance, CHILDREN):
        organisation_id = _loaded(instance, "organisation_id")
        return {organisation_doc_id(organisation_id)} if organisation_id is not None else set()
    return set()


def _note_changes(session: Session, flush_context: object) -> None:
    if not _enabled():
        return
    noted: set[str] = set()
    for instance in chain(session.new, session.dirty, session.deleted):
        noted |= document_ids_of(instance)
    if noted:
        after_commit(session, WORK_KEY, noted, run=_writer(current_app._get_current_object()))


def queue_documents(session: Any, doc_ids: set[str]) -> None:
    """Note documents changed by statements the ORM does not see (bulk inserts): they follow the outermost commit
    like a flush's changes — into the change feed in the same transaction, then this host's index, once."""
    if doc_ids and _enabled():
        after_commit(session, WORK_KEY, doc_ids, run=_writer(current_app._get_current_object()))


def _queue_bulk_write(sender: object, *, organisation_ids: set[int]) -> None:
    queue_documents(db.session, {organisation_doc_id(organisation_id) for organisation_id in organisation_ids})


def _record_feed(session: Session) -> None:
    """Just before the outermost commit: write the transaction's changed documents to the feed, in it."""
    if not _enabled() or session.get_nested_transaction() is not None:
        return  # a savepoint's notes join its parent transaction (core.after_commit)
    session.flush()  # the last flush's notes too
    noted = pending_items(session, WORK_KEY)
    if noted:
        outbox.record(session.connection(), noted)


def _writer(app: Flask) -> Callable[[set[str]], None]:
    def write(ids: set[str]) -> None:
        if ids and app.config.get("SEARCH_SYNC", True):
            # The request's own commit: no bookkeeping write here (the follower reports this host's position).
            catch_up(app, timeout=app.config.get("SEARCH_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT), report=False)

    return write


@dataclass
class CatchUp:
    """What one :func:`catch_up` did."""

    changes: int = 0  # change rows read
    documents: int = 0  # documents rewritten or removed
    position: int = 0  # the index's last applied change id afterwards
    rebuilt: bool = False  # the index had missed pruned changes and was rebuilt


def follower_name(app: Flask) -> str:
    """This host's index in the followers table: ``SEARCH_FOLLOWER_NAME``, else host name and index folder."""
    configured = app.config.get("SEARCH_FOLLOWER_NAME")
    if configured:
        return str(configured)[:200]
    name = f"{socket.gethostname()}:{Path(app.config['SEARCH_INDEX_DIR']).resolve()}"
    return name if len(name) <= 200 else name[-200:]


def catch_up(app: Flask, *, timeout: float | None = None, report: bool = True) -> CatchUp | None:
    """Apply every change this host's index has not applied yet (and, with ``report``, record how far). Never raises.

    None when nothing could be applied now (no index yet, the writer lock busy past ``timeout``, an error): the
    changes stay in the database for the next round, the follower or ``flask search process-queue``.
    """
    engine = engine_for(app)
    if not engine.has_index():
        return None
    try:
        with engine.lock.hold(timeout):
            return _apply_feed(app, engine, report=report)
    except Exception as error:  # the database change stands; the index catches up on the next round
        logger.warning("Search index catch-up failed (%s); the changes stay in the feed", error)
        return None


def _apply_feed(app: Flask, engine: Any, *, report: bool) -> CatchUp | None:
    live = engine.live_directory()
    if live is None:
        return None
    done = CatchUp()
    with Session(db.engine) as session:
        current = position.read(live)
        if current.last < outbox.pruned_through(session):
            logger.warning("The search index missed pruned changes (at %d); rebuilding it", current.last)
            from marketplace.search.index.maintenance import rebuild

            rebuild(app)
            return CatchUp(rebuilt=True, position=position.read(engine.live_directory() or live).last)
        while True:
            changes = outbox.unapplied(session, current)
            doc_ids = {doc_id for _, doc_id in changes}
            if doc_ids:
                documents, gone = documents_for_ids(session, with_related_ids(session, doc_ids))
                engine.update(documents, gone)
                done.documents += len(documents) + len(gone)
            advanced = current.advanced({change_id for change_id, _ in changes}, time.time())
            if advanced != current:
                position.write(live, advanced)
            done.changes += len(changes)
            current = advanced
            session.expunge_all()
            if len(changes) < outbox.BATCH:
                break
        done.position = current.last
        if report:
            outbox.report_position(session, follower_name(app), current.last)
    return done


def report_position(app: Flask) -> None:
    """Record this host's index position in the database (for pruning), without applying anything."""
    live = engine_for(app).live_directory()
    if live is not None:
        with Session(db.engine) as session:
            outbox.report_position(session, follower_name(app), position.read(live).last)


def start_position(app: Flask) -> position.Position:
    """Where an index built from the database now starts following the feed (see ``outbox.start_position``)."""
    with Session(db.engine) as session:
        return outbox.start_position(session, started_at_margin=timedelta(seconds=REBUILD_MARGIN_SECONDS))


def is_behind(app: Flask) -> bool:
    """Whether the feed holds changes after this host's index position (cheap: one ``max(id)`` query)."""
    live = engine_for(app).live_directory()
    if live is None:
        return False
    current = position.read(live)
    with Session(db.engine) as session:
        return current.is_waiting or outbox.latest_id(session) > current.last


def process_queue(app: Flask) -> int:
    """Apply the feed to this host's index now; returns how many changes were applied (0 if none or it failed)."""
    report = catch_up(app, timeout=None)
    return report.changes if report is not None else 0
