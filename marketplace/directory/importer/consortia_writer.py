"""Writing checked consortium records, after the organisations they name, through the consortia services."""

from __future__ import annotations

from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.audit.services import record_event
from marketplace.directory.consortia.services import apply_members
from marketplace.directory.exporter import consortium_record
from marketplace.directory.importer.catalogue import Catalogue
from marketplace.directory.importer.schema import Candidate, ImportReport
from marketplace.directory.importer.writer import start_transaction, write_in_savepoint
from marketplace.directory.models import Consortium, ConsortiumMembership, Organisation
from marketplace.extensions import db


def _import_consortium(
    record: dict,
    consortium: Consortium | None,
    organisations: dict[str, Organisation],
    report: ImportReport,
    catalogue: Catalogue,
) -> None:
    is_new = consortium is None
    stored = consortium_record(consortium) if consortium is not None else {}
    changed = [key for key in record if key != "ref" and record[key] != stored.get(key)]
    if not changed:
        report.consortia.unchanged += 1
        return
    if consortium is None:
        consortium = Consortium(ref=record["ref"])
        db.session.add(consortium)
    consortium.name, consortium.lead_organisation = record["name"], organisations[record["lead"]]
    if "legal_form" in record:
        consortium.legal_form = catalogue.term("legal_form", record["legal_form"]) if record["legal_form"] else None
    if "description" in record:
        consortium.description = record["description"]
    apply_members(consortium, [organisations[ref] for ref in record.get("members", [record["lead"]])])
    db.session.flush()
    record_event(
        "consortium.imported",
        obj=consortium,
        summary=f"{'Created' if is_new else 'Updated'} consortium {consortium.name} from an import file",
        before={key: stored[key] for key in changed} if stored else None,
        after={key: record[key] for key in changed},
    )
    counts = report.consortia
    counts.created, counts.updated = counts.created + is_new, counts.updated + (not is_new)


def write_consortia(candidates: list[Candidate], catalogue: Catalogue, report: ImportReport) -> None:
    """Write valid consortium records (after the organisations they name), one savepoint each, one commit."""
    if not candidates:
        return
    refs = {c.record["lead"] for c in candidates} | {ref for c in candidates for ref in c.record.get("members", [])}
    organisations = {o.ref: o for o in db.session.scalars(select(Organisation).where(Organisation.ref.in_(refs)))}
    query = select(Consortium).where(Consortium.ref.in_([c.ref for c in candidates]))
    stored = {
        c.ref: c
        for c in db.session.scalars(
            query.options(selectinload(Consortium.memberships).selectinload(ConsortiumMembership.organisation))
        )
    }
    start_transaction()
    for candidate in candidates:
        missing = [
            ref for ref in [candidate.record["lead"], *candidate.record.get("members", [])] if ref not in organisations
        ]
        if missing:  # an organisation it names was rejected when written
            candidate.reasons.extend(f'organisation "{ref}" was not imported' for ref in dict.fromkeys(missing))
            report.rejected.append(candidate.rejection())
            continue
        write_in_savepoint(
            candidate,
            partial(_import_consortium, candidate.record, stored.get(candidate.ref), organisations, report, catalogue),
            report,
        )
    db.session.commit()
