"""The index follows the database, after each (outermost) commit.

``after_flush`` notes which search documents a flush touched (organisations and the rows that feed their
documents: offers, outcome contributions, safeguarding, accreditations, kitemarks, consortium memberships,
consortia) as work for :mod:`marketplace.core.after_commit`; after the outermost commit those documents are
rebuilt from the database — in a session of its own, under the index write lock so the last writer always reads
the latest committed rows — and written in one index commit. Nothing is written before the commit (a savepoint
released is not a commit: an import writing each record in a savepoint is indexed once per batch), and a
rollback forgets the notes (a savepoint's rollback only its own).

While there is no index at all (a fresh site before ``flask search rebuild``) the ids are queued without
building any document: the rebuild reads the whole database anyway, and building every queued document on every
commit would make a bulk import quadratic.

A failed write (index locked by a long rebuild, disk full, missing directory…) never reaches the request: the
ids go to the durable queue (``pending.jsonl``), drained by the next successful write and by
``flask search process-queue``. Set ``SEARCH_SYNC = False`` to switch the whole thing off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from itertools import chain

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from marketplace.core.after_commit import after_commit
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
from marketplace.extensions import db
from marketplace.kitemark.models import Kitemark
from marketplace.search import pending
from marketplace.search.documents import (
    consortium_doc_id,
    documents_for_ids,
    organisation_doc_id,
    with_related_ids,
)
from marketplace.search.engine import engine_for

logger = logging.getLogger(__name__)

WORK_KEY = "search.sync"
EXTENSION_KEY = "search_sync"
DEFAULT_LOCK_TIMEOUT = 5.0
# Rows with an ``organisation_id`` whose changes show in the organisation's document (a kitemark's status does).
CHILDREN = (Offer, OutcomeContribution, SafeguardingRecord, Accreditation, FrameworkStatement, Kitemark)

_registered = False


def init_search_sync(app: Flask) -> None:
    """Follow commits of ``db.session`` into the search index of ``app`` (unless ``SEARCH_SYNC`` is False)."""
    global _registered
    app.extensions[EXTENSION_KEY] = True
    if not _registered:
        event.listen(db.session, "after_flush", _note_changes)
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


def _writer(app: Flask) -> Callable[[set[str]], None]:
    def write(ids: set[str]) -> None:
        if ids and app.config.get("SEARCH_SYNC", True):
            apply_changes(app, ids)

    return write


def apply_changes(app: Flask, ids: Iterable[str]) -> bool:
    """Bring the given documents (and anything queued) up to date; on failure queue them. Never raises."""
    ids = set(ids)
    root = app.config["SEARCH_INDEX_DIR"]
    taken: set[str] = set()
    try:
        engine = engine_for(app)
        if not engine.has_index():
            pending.enqueue(root, ids, reason="no index yet: `flask search rebuild` builds it")
            logger.info("No search index yet; %d document(s) queued for `flask search rebuild`", len(ids))
            return False
        with engine.lock.hold(app.config.get("SEARCH_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT)):
            taken = pending.take(root)
            with Session(db.engine) as session:
                documents, gone = documents_for_ids(session, with_related_ids(session, ids | taken))
            engine.update(documents, gone)
        return True
    except Exception as error:  # the database change stands; the index catches up later
        logger.warning("Search index update failed (%s); %d document(s) queued", error, len(ids | taken))
        try:
            pending.enqueue(root, ids | taken, reason=repr(error))
        except Exception:
            logger.exception("Could not queue search documents %s", sorted(ids | taken)[:20])
        return False


def process_queue(app: Flask) -> int:
    """Write every queued document; returns how many ids were processed (0 if the write failed again)."""
    queued = pending.peek(app.config["SEARCH_INDEX_DIR"])
    if not queued:
        return 0
    return len(queued) if apply_changes(app, set()) else 0
