"""Writing checked records through the directory's services: the same rules as the pages, one write path.

* Profile fields, outcome contributions, framework statements, offers and consortium memberships are set by the
  services' ``apply_…``/``set_…`` functions, which the pages use too; the status goes through
  :func:`~marketplace.directory.services.apply_status`, so a record asking to be published that the publish
  check refuses is imported as a draft, with the same reasons the page would give (``report.drafted``).
* A record is compared with the stored one in its exported form (:mod:`marketplace.directory.exporter`):
  if nothing differs it is counted as unchanged and not written at all.
* Records are committed in batches (the search index follows once per batch, after the commit). A batch is
  written at once; if anything in it is refused it is written again one savepoint per record, so a record that
  the database refuses cannot undo the others. Consortia: :mod:`.consortia_writer`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from marketplace.audit.services import record_event
from marketplace.directory.exporter import (
    offer_record,
    organisation_load_options,
    organisation_record,
)
from marketplace.directory.importer import fingerprint
from marketplace.directory.importer.bulk import NewOrganisation, create_organisations, prepare
from marketplace.directory.importer.catalogue import Catalogue
from marketplace.directory.importer.schema import Candidate, Counts, ImportReport, Rejection
from marketplace.directory.importer.values import (
    TERM_FIELDS,
    TERM_LIST_FIELDS,
    audit_view,
    profile_value,
    value_for_money,
)
from marketplace.directory.models import Offer, Organisation, OrganisationStatus
from marketplace.directory.offers.services import set_offer
from marketplace.directory.services import (
    BASIC_TEXT_FIELDS,
    ProfileError,
    apply_contributions,
    apply_framework_statements,
    apply_profile_values,
    apply_status,
)
from marketplace.directory.signals import edits_are_reviewed
from marketplace.extensions import db

OFFER_VALUES = ("title", "description", "venue", "age_min", "age_max", "group_size_min", "group_size_max")
OFFER_TERM_LISTS = ("delivery_modes", "outcomes", "aims", "service_areas")
FRAMEWORKS = "framework_statements"
PROFILE_KEYS = frozenset(
    {*BASIC_TEXT_FIELDS, *TERM_FIELDS, "localities", "age_min", "age_max", "adults_only", *TERM_LIST_FIELDS}
)


MATERIAL_KEYS = ("name", "legal_form", "registration_number")


def _refuse_material_change(organisation: Organisation, keys: list[str]) -> None:
    """An import cannot hold an edit for an assessor's review, so it may not change a trusted listing's name,
    legal form or registration number: those go through the profile page, where the change is reviewed."""
    material = [key for key in MATERIAL_KEYS if key in keys]
    if material and organisation.id is not None and edits_are_reviewed(organisation):
        raise ProfileError(
            f"{', '.join(material)}: {organisation.name} is kitemarked or has verified safeguarding, so a change to "
            "its name, legal form or registration number is reviewed by an assessor: make it on the profile page"
        )


def _apply_profile(organisation: Organisation, record: dict, keys: list[str], catalogue: Catalogue) -> None:
    _refuse_material_change(organisation, keys)
    values = {key: profile_value(key, record[key], catalogue) for key in keys if key in PROFILE_KEYS}
    if "value_for_money" in keys:
        values.update(value_for_money(record["value_for_money"]))
    apply_profile_values(organisation, values)
    if "outcomes" in keys:
        apply_contributions(organisation, [_contribution(item, catalogue) for item in record["outcomes"]])
    if "framework_statements" in keys:
        statements = [(catalogue.term("framework", i["framework"]), i["statement"]) for i in record[FRAMEWORKS]]
        apply_framework_statements(organisation, statements)


def _contribution(item: dict, catalogue: Catalogue) -> tuple:
    aims = [catalogue.term("aims", code) for code in item["aims"]]
    return catalogue.term("outcome", item["outcome"]), aims, item["statement"]


def _write_offer(offer: Offer, record: dict, catalogue: Catalogue) -> None:
    values = {name: record[name] for name in OFFER_VALUES}
    values.update(capacity_per_year=record["capacity_per_year"], price_pence=record["price_pence"])
    values["send_suitable"] = record["send_suitable"]
    values["cost_basis_id"] = catalogue.term("cost_basis", record["cost_basis"]).id if record["cost_basis"] else None
    links: dict[str, list] = {name: [catalogue.term(name, code) for code in record[name]] for name in OFFER_TERM_LISTS}
    links["localities"] = [catalogue.localities[code] for code in record["localities"]]
    set_offer(offer, values, links)


def _set_offers(organisation: Organisation, records: list[dict], catalogue: Catalogue, counts: Counts) -> None:
    """Update offers by ref, create new ones, remove those no longer in the file."""
    existing = {offer.ref: offer for offer in organisation.offers}
    offers = []
    for record in records:
        offer = existing.pop(record["ref"], None)
        if offer is None:
            offer = Offer(ref=record["ref"])
            counts.created += 1
        elif offer_record(offer) == record:
            counts.unchanged += 1
            offers.append(offer)
            continue
        else:
            counts.updated += 1
        _write_offer(offer, record, catalogue)
        offers.append(offer)
    counts.removed += len(existing)
    organisation.offers = offers


def _changed_keys(organisation: Organisation, record: dict, stored: dict) -> list[str]:
    """The record's keys whose values differ from ``stored`` (the organisation in its exported form)."""
    changed = [key for key in record if key != "ref" and record[key] != stored[key]]
    if organisation.status == OrganisationStatus.SUSPENDED and "status" in changed:
        changed.remove("status")  # suspension is an assessor's decision, which an import does not undo
    return changed


def _apply_status(organisation: Organisation, record: dict, changed: list[str]) -> list[str]:
    """Set the status through the publish rule; a refused publish leaves it as it was and gives the reasons."""
    return apply_status(organisation, record["status"]) if "status" in changed else []


@dataclass
class _Batch:
    """What a batch written at once gathers until its one flush: audit events, new rows to insert in bulk."""

    prints: dict[str, str]  # ref → fingerprint
    audits: list[Callable[[], Any]] = field(default_factory=list)
    new: list[NewOrganisation] = field(default_factory=list)


# Set while a batch is written at once (see ``_write_batch_at_once``); None while records are written one at a time.
_batch: ContextVar[_Batch | None] = ContextVar("import_batch", default=None)
# Organisations stored exactly as their record asks (written or unchanged): they keep the record's fingerprint.
_written: ContextVar[dict[str, Organisation] | None] = ContextVar("import_written", default=None)


def _import_organisation(
    record: dict, organisation: Organisation | None, catalogue: Catalogue, report: ImportReport
) -> list[str]:
    """Write one record; returns why it asked to be published but could not be (empty otherwise).

    While a batch is written at once, a new record is only prepared here, and inserted with the batch in bulk.
    """
    batch = _batch.get()
    if organisation is None and batch is not None:
        new = prepare(record, catalogue, batch.prints[record["ref"]])
        batch.new.append(new)
        return new.refused
    is_new = organisation is None
    if organisation is None:
        organisation = Organisation(ref=record["ref"])
        db.session.add(organisation)
        before, changed = None, [key for key in record if key != "ref"]
    else:
        before = organisation_record(organisation)  # built once: it is the slow part of an unchanged record
        changed = _changed_keys(organisation, record, before)
    refused = _write_changes(organisation, record, changed, catalogue, report) if changed else []
    if refused:
        changed = [key for key in changed if key != "status"]
    elif (written := _written.get()) is not None:
        written[record["ref"]] = organisation
    if not changed:
        report.organisations.unchanged += 1
        report.offers.unchanged += len(record.get("offers", []))
        return refused
    audit = partial(
        record_event,
        "organisation.imported",
        obj=organisation,
        summary=f"{'Created' if is_new else 'Updated'} {organisation.name} from an import file",
        before=audit_view(before, changed) if before else None,
        after=audit_view(record, changed),
    )
    if batch is None:
        db.session.flush()
        audit()
    else:
        batch.audits.append(audit)  # the event needs the organisation's id: written after the batch's one flush
    counts = report.organisations
    counts.created, counts.updated = counts.created + is_new, counts.updated + (not is_new)
    return refused


def _write_changes(
    organisation: Organisation, record: dict, changed: list[str], catalogue: Catalogue, report: ImportReport
) -> list[str]:
    _apply_profile(organisation, record, changed, catalogue)
    if "offers" in changed:
        _set_offers(organisation, record["offers"], catalogue, report.offers)
    return _apply_status(organisation, record, changed)


def start_transaction() -> None:
    """Open the outer transaction before the first savepoint.

    pysqlite only begins a transaction before INSERT/UPDATE/DELETE, so a SAVEPOINT issued first becomes the
    outermost transaction and every record would commit on its own (slow, and not one batch). A no-op UPDATE
    makes the driver begin.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("UPDATE organisation SET id = id WHERE 1 = 0"))


def write_in_savepoint(candidate: Candidate, write: Callable[[], Any], report: ImportReport) -> Any:
    """Run ``write`` in a savepoint; if it is refused, roll back only it and report the record with the reason."""
    try:
        with db.session.begin_nested():
            return write()
    except SQLAlchemyError as error:
        candidate.reasons.append(f"the database refused it: {getattr(error, 'orig', error)}")
    except ProfileError as error:  # a rule of the services that needs the stored record (e.g. ages in order)
        candidate.reasons.extend(error.problems)
    report.rejected.append(candidate.rejection())
    return None


def write_organisations(batch: list[Candidate], catalogue: Catalogue, report: ImportReport) -> None:
    """Write one batch of valid, new or changed organisation records in one transaction, and commit it.

    The batch is written at once: existing organisations compared and changed through the ORM, new ones
    inserted in bulk (:mod:`.bulk`), with one flush. If the database or a services rule refuses any of it, the
    batch is rolled back and written again one savepoint per record through the ORM, so only the refused
    record is lost and it is reported with its reason. Each record stored as it asks keeps its fingerprint.
    """
    start_transaction()
    prints = {candidate.ref: candidate.fingerprint for candidate in batch}
    written: dict[str, Organisation] = {}
    token = _written.set(written)
    try:
        if not _write_batch_at_once(batch, catalogue, report, prints):
            written.clear()
            _write_one_at_a_time(batch, catalogue, report, written)
    finally:
        _written.reset(token)
    fingerprint.store({o.id: prints[ref] for ref, o in written.items() if o.id is not None})
    db.session.commit()


def _write_one_at_a_time(
    batch: list[Candidate], catalogue: Catalogue, report: ImportReport, written: dict[str, Organisation]
) -> None:
    stored = _stored(batch)
    for candidate in batch:
        write = partial(_import_organisation, candidate.record, stored.get(candidate.ref), catalogue, report)
        refused = write_in_savepoint(candidate, write, report)
        if refused is None:  # rolled back: whatever it wrote is gone
            written.pop(candidate.ref, None)
        _note_refusal(candidate, refused, report)


def _stored(batch: list[Candidate]) -> dict[str, Organisation]:
    query = select(Organisation).where(Organisation.ref.in_([c.ref for c in batch if c.ref]))
    return {
        organisation.ref: organisation
        for organisation in db.session.scalars(query.options(*organisation_load_options()))
    }


def _note_refusal(candidate: Candidate, refused: list[str] | None, report: ImportReport) -> None:
    if refused:
        report.drafted.append(Rejection(candidate.where, candidate.index, candidate.ref, refused))


def _write_batch_at_once(
    batch: list[Candidate], catalogue: Catalogue, report: ImportReport, prints: dict[str, str]
) -> bool:
    """Write the whole batch in one savepoint; False (and nothing written or counted) if any of it is refused."""
    saved = copy.deepcopy(report)
    gathered = _Batch(prints)
    token = _batch.set(gathered)
    try:
        with db.session.begin_nested():
            stored = _stored(batch)
            for candidate in batch:
                refused = _import_organisation(candidate.record, stored.get(candidate.ref), catalogue, report)
                _note_refusal(candidate, refused, report)
            db.session.flush()
            for audit in gathered.audits:
                audit()
            create_organisations(gathered.new, catalogue, report)
            db.session.flush()
    except (SQLAlchemyError, ProfileError):
        report.__dict__.update(saved.__dict__)
        return False
    finally:
        _batch.reset(token)
    return True
