"""A fingerprint of every table (row count and a hash of its rows), to prove a refused request changed nothing."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from marketplace.extensions import db


def database_snapshot() -> dict[str, tuple[int, str]]:
    """``{table: (rows, sha256 of the rows in primary-key order)}`` for every table in the metadata."""
    db.session.expire_all()  # read what the requests committed, not this session's cached objects
    snapshot: dict[str, tuple[int, str]] = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(select(table).order_by(*order)).all()
            digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
            snapshot[table.name] = (len(rows), digest)
    return snapshot


def changed_tables(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
