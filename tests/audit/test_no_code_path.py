"""No code in the marketplace package updates or deletes audit events: a scan of the source catches a new one.

The ORM guard and the database triggers refuse such changes at run time; this scan makes a code path that
tries fail in review, before it ever runs.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import marketplace

PACKAGE = Path(marketplace.__file__).resolve().parent
CHANGING_CALLS = {"update", "delete", "bulk_update_mappings", "truncate"}
# SQL text that would change or remove the table's rows, or the triggers that protect them.
CHANGING_SQL = re.compile(
    r"\b(update\s+\"?audit_event\b|delete\s+from\s+\"?audit_event\b|truncate\s+(table\s+)?\"?audit_event\b"
    r"|drop\s+(table|trigger)\s+(if\s+exists\s+)?\"?audit_event)",
    re.IGNORECASE,
)


def _names(node: ast.AST) -> set[str]:
    return {child.id for child in ast.walk(node) if isinstance(child, ast.Name)}


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def violations(source: str, filename: str = "<source>") -> list[str]:
    """Lines of ``source`` that build an update/delete of ``AuditEvent`` or run SQL that changes ``audit_event``."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and _call_name(node) in CHANGING_CALLS and "AuditEvent" in _names(node):
            found.append(f"{filename}:{node.lineno}: {ast.unparse(node)[:100]}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and CHANGING_SQL.search(node.value):
            found.append(f"{filename}:{node.lineno}: {node.value[:100]!r}")
    return found


@pytest.mark.parametrize(
    "source",
    [
        "db.session.execute(update(AuditEvent).values(summary='x'))",
        "db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == 1))",
        "db.session.execute(AuditEvent.__table__.update().values(summary='x'))",
        "db.session.execute(AuditEvent.__table__.delete())",
        "db.session.query(AuditEvent).filter_by(id=1).delete()",
        "db.session.query(AuditEvent).update({'summary': 'x'})",
        "db.session.bulk_update_mappings(AuditEvent, rows)",
        "db.session.execute(text('DELETE FROM audit_event WHERE id = 1'))",
        "db.session.execute(text('update audit_event set summary = 1'))",
        "connection.exec_driver_sql('TRUNCATE TABLE audit_event')",
        "op.execute('DROP TRIGGER IF EXISTS audit_event_no_delete')",
    ],
)
def test_the_scan_catches_each_way_of_changing_audit_events(source):
    assert violations(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "db.session.scalars(select(AuditEvent).where(AuditEvent.action == 'x'))",
        "record_event('offer.deleted', obj=offer, before=snapshot(offer))",
        "db.session.execute(delete(Offer).where(Offer.id == 1))",
        "'CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN SELECT 1; END'",
        "'BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW'",
    ],
)
def test_the_scan_lets_reading_and_appending_through(source):
    assert violations(source) == []


def test_no_code_in_the_marketplace_package_updates_or_deletes_audit_events():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 50, "the scan should read the whole package"
    found = [line for path in files for line in violations(path.read_text(encoding="utf-8"), str(path))]
    assert found == [], "audit events are append-only: remove these updates/deletes"
