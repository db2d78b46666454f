"""A decision record as CSV (formula-safe for spreadsheets) and as JSON (the record itself, with its SHA-256)."""

from __future__ import annotations

import csv
import io
import json
import re

from marketplace.commissioning.decisions.models import DecisionRecord
from marketplace.core.spreadsheets import safe_cell


def _summary_rows(record: DecisionRecord) -> list[list[object]]:
    need, decision = record.content["need"], record.content["decision"]
    return [
        ["Decision record", need["title"]],
        ["Commissioning body", need["body"]],
        ["Awarded to", decision["awarded_to"]],
        ["Decision note", decision["note"]],
        ["Decided by", decision["decided_by"]],
        ["Awarded at (UTC)", decision["awarded_at"]],
        ["Record SHA-256", record.content_sha256],
    ]


def _comparison_rows(record: DecisionRecord) -> list[list[object]]:
    comparison = record.content["comparison"]
    rows: list[list[object]] = [["Criterion", *comparison["columns"]]]
    rows += [[row["heading"], *(cell["text"] for cell in row["cells"])] for row in comparison["rows"]]
    return rows


def _evidence_rows(record: DecisionRecord) -> list[list[object]]:
    rows: list[list[object]] = [["Provider", "Organisation", "Document id", "File name", "SHA-256"]]
    for provider in record.content["evidence"]:
        for organisation in provider["organisations"]:
            for document in organisation["documents"]:
                rows.append(
                    [
                        provider["provider"],
                        organisation["name"],
                        document["id"],
                        document["filename"],
                        document["sha256"],
                    ]
                )
    return rows


def decision_csv(record: DecisionRecord) -> str:
    """The summary, the comparison and the evidence, one block after another with a blank row between."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    blocks = (_summary_rows(record), _comparison_rows(record), _evidence_rows(record))
    for number, block in enumerate(blocks):
        if number:
            writer.writerow([])
        for row in block:
            writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def decision_json(record: DecisionRecord) -> str:
    data = {
        "decision_record_id": record.id,
        "recorded_at": record.recorded_at.isoformat(timespec="seconds"),
        "content_sha256": record.content_sha256,
        "content": record.content,
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def filename(record: DecisionRecord, extension: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", record.content["need"]["title"].lower()).strip("-")[:60] or "need"
    return f"decision-record-{record.need_id}-{slug}.{extension}"
