"""How events read: a compact before → after of the keys that changed, and the CSV export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row

from marketplace.audit.models import AuditEvent
from marketplace.core.spreadsheets import safe_cell

NOTHING = "(none)"
MAX_VALUE = 120
CSV_HEADER = (
    "When (UTC)",
    "Who",
    "User ID",
    "Action",
    "Object type",
    "Object ID",
    "Summary",
    "Before",
    "After",
    "IP address",
)


# Where the plain reading of the code ("account.approved" -> "Account approved") is not good enough
DESCRIPTIONS = {
    "account.signed_in": "Signed in",
    "account.signed_out": "Signed out",
    "account.sign_in_failed": "Sign-in failed",
    "account.approved": "Commissioner account approved",
    "account.registered": "Registered an account",
    "account.password_reset_requested": "Asked to reset their password",
    "kitemark.applied": "Applied for the kitemark",
    "kitemark.resubmitted": "Sent the kitemark application again",
    "kitemark.assigned": "Kitemark application assigned to an assessor",
    "kitemark.conflict_declared": "Declared a conflict of interest",
    "kitemark.no_conflict_declared": "Declared no conflict of interest",
    "rating.computed": "Rating worked out from a return",
    "evidence.safeguarding_updated": "Safeguarding record updated",
    "join_request.created": "Asked to join an organisation",
    "join_request.approved": "Request to join approved",
    "join_request.declined": "Request to join declined",
    "join_request.withdrawn": "Request to join withdrawn",
}
OBJECT_WORDS = {
    "SafeguardingRecord": "Safeguarding record",
    "CommissioningBody": "Commissioning body",
    "JoinRequest": "Request to join",
    "BodyContribution": "Contribution statement",
}


def describe(action: str) -> str:
    """An action code in words: the log shows what happened; the code is only the filter's value."""
    if action in DESCRIPTIONS:
        return DESCRIPTIONS[action]
    return action.replace(".", " ").replace("_", " ").capitalize()


def object_label(object_type: str, object_id: str, names: dict[tuple[str, str], str]) -> str:
    """ "Asha Patel (user 12)" where the object has a name, else "Safeguarding record 3"."""
    word = OBJECT_WORDS.get(object_type, object_type)
    name = names.get((object_type, object_id))
    return f"{name} ({word.lower()} {object_id})" if name else f"{word} {object_id}"


@dataclass(frozen=True)
class Change:
    key: str
    before: str
    after: str


def show(value: Any) -> str:
    """One value as short text: lists and mappings as JSON, long values cut."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def changes(event: AuditEvent) -> list[Change]:
    """The keys whose values differ between before and after (a creation or deletion shows every key)."""
    before, after = event.before or {}, event.after or {}
    keys = [*before, *(key for key in after if key not in before)]
    return [
        Change(key, show(before.get(key)), show(after.get(key)))
        for key in keys
        if key not in before or key not in after or before[key] != after[key]
    ]


def _json(value: dict[str, Any] | str | None) -> str:
    """Before/after as JSON text (an export reads them already as text)."""
    if value is None or isinstance(value, str):
        return "" if value in (None, "null") else value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def csv_row(event: AuditEvent | Row) -> list[str]:
    cells = [
        event.occurred_at.isoformat(timespec="seconds"),
        event.actor_email,
        str(event.actor_id or ""),
        event.action,
        event.object_type,
        event.object_id,
        event.summary,
        _json(event.before),
        _json(event.after),
        event.ip_address,
    ]
    return [safe_cell(cell) for cell in cells]


def csv_lines(events: Iterable[AuditEvent | Row], *, batch: int = 500) -> Iterator[str]:
    """The header, then the events ``batch`` lines at a time as they are read (so a large export streams)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    writer.writerow(CSV_HEADER)
    for count, event in enumerate(events, start=1):
        writer.writerow(csv_row(event))
        if count % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
