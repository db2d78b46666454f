"""One way to say "after this commit, do X": index these documents, send these emails.

Work that must not run until a change is durable (the search index, email delivery) is attached to the session
with :func:`after_commit` and runs once, after the *outermost* commit, with everything collected under its key:

    after_commit(db.session, "search.sync", {"org-12"}, run=write_documents)

Why not SQLAlchemy's ``after_commit`` event directly: it fires for every savepoint released as well, and a
savepoint's rollback fires ``after_rollback``. An import that writes each record in its own savepoint would then
run the work once per record — before the outer transaction has committed, so another session cannot yet see the
rows — and one refused record would forget what the records before it had collected. Here work collected inside a
savepoint joins its parent when the savepoint is released and is dropped when it is rolled back; the outermost
commit runs it; a rollback of the whole transaction drops it.

The work runs inside SQLAlchemy's ``after_commit`` hook, where the session can no longer emit SQL: ``run``
must use a session of its own. An exception in ``run`` is logged and never reaches the caller, whose change
stands; other work still runs. ``core`` knows nothing of the domains: they attach their work here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

logger = logging.getLogger(__name__)

INFO_KEY = "after_commit"

Work = Callable[[set[Any]], None]


@dataclass
class _Job:
    run: Work
    items: set[Any] = field(default_factory=set)


def after_commit(session: Any, key: str, items: Iterable[Hashable] = (), *, run: Work) -> None:
    """After the outermost commit of ``session``'s transaction, call ``run(items)`` once per ``key``.

    ``items`` from every call with the same ``key`` in the transaction are gathered into one set (the first
    ``run`` given for a key is the one called). ``session`` may be ``db.session``.
    """
    if isinstance(session, scoped_session):
        session = session()
    transaction = _current(session)
    jobs = _pending(session).setdefault(transaction, {})
    job = jobs.setdefault(key, _Job(run))
    job.items.update(items)


def pending_items(session: Any, key: str) -> set[Any]:
    """What is collected under ``key`` so far, across open savepoints (for tests and diagnostics)."""
    if isinstance(session, scoped_session):
        session = session()
    collected: set[Any] = set()
    for jobs in _pending(session).values():
        if key in jobs:
            collected |= jobs[key].items
    return collected


def _pending(session: Any) -> dict[SessionTransaction, dict[str, _Job]]:
    return session.info.setdefault(INFO_KEY, {})


def _current(session: Any) -> SessionTransaction:
    """The innermost savepoint, else the outermost transaction (begun now if the session has none yet)."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    return transaction if transaction is not None else session.begin()


def _owner(transaction: SessionTransaction) -> SessionTransaction | None:
    """The savepoint or outermost transaction that ``transaction`` belongs to (skipping flush subtransactions)."""
    parent = transaction.parent
    while parent is not None and not parent.nested and parent.parent is not None:
        parent = parent.parent
    return parent


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    pending = session.info.get(INFO_KEY)
    if not pending:
        return
    savepoint = session.get_nested_transaction()
    if savepoint is not None:  # a savepoint released: its work now belongs to the transaction around it
        jobs = pending.pop(savepoint, None)
        owner = _owner(savepoint)
        if jobs and owner is not None:
            _merge(pending.setdefault(owner, {}), jobs)
        return
    jobs = pending.pop(session.get_transaction(), None) or {}
    for key, job in jobs.items():
        _run(key, job)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    # Committed work was taken above; whatever is left belonged to a rolled-back transaction or savepoint.
    pending = session.info.get(INFO_KEY)
    if pending:
        pending.pop(transaction, None)


def _merge(into: dict[str, _Job], jobs: dict[str, _Job]) -> None:
    for key, job in jobs.items():
        into.setdefault(key, _Job(job.run)).items.update(job.items)


def _run(key: str, job: _Job) -> None:
    try:
        job.run(job.items)
    except Exception:  # the commit stands; the work's owner has its own way to catch up
        logger.exception("After-commit work %r failed", key)
