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
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from decimal import Decimal
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
from marketplace.directory.importer.catalogue import Catalogue
from marketplace.directory.importer.schema import BATCH_SIZE, Candidate, Counts, ImportReport, Rejection
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

TERM_FIELDS = ("organisation_type", "legal_form")
TERM_LIST_FIELDS = ("target_groups", "indicators", "problem_areas")
OFFER_VALUES = ("title", "description", "venue", "age_min", "age_max", "group_size_min", "group_size_max")
OFFER_TERM_LISTS = ("delivery_modes", "outcomes", "aims", "service_areas")
FRAMEWORKS = "framework_statements"
# Set while a batch is written at once: organisation audit events wait here for the batch's flush.
_deferred_audits: ContextVar[list[Callable[[], Any]] | None] = ContextVar("deferred_audits", default=None)
PROFILE_KEYS = frozenset(
    {*BASIC_TEXT_FIELDS, *TERM_FIELDS, "localities", "age_min", "age_max", "adults_only", *TERM_LIST_FIELDS}
)


def _profile_value(key: str, value: Any, catalogue: Catalogue) -> Any:
    """A record's value as the services take it: codes resolved to terms and localities."""
    if key in TERM_FIELDS:
        return catalogue.term(key, value) if value else None
    if key in TERM_LIST_FIELDS:
        return [catalogue.term(key, code) for code in value]
    if key == "localities":
        return [catalogue.localities[code] for code in value]
    return value


def _value_for_money(value: dict) -> dict:
    ratio = value.get("social_return_ratio")
    return {**value, "social_return_ratio": Decimal(str(ratio)) if ratio is not None else None}


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
    values = {key: _profile_value(key, record[key], catalogue) for key in keys if key in PROFILE_KEYS}
    if "value_for_money" in keys:
        values.update(_value_for_money(record["value_for_money"]))
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


def _audit_view(view: dict, keys: Iterable[str]) -> dict:
    """What the audit event keeps of a record: offers by ref only, so events stay small."""
    return {key: [offer["ref"] for offer in view[key]] if key == "offers" else view[key] for key in keys}


def _changed_keys(organisation: Organisation, record: dict, stored: dict) -> list[str]:
    """The record's keys whose values differ from ``stored`` (the organisation in its exported form)."""
    changed = [key for key in record if key != "ref" and record[key] != stored[key]]
    if organisation.status == OrganisationStatus.SUSPENDED and "status" in changed:
        changed.remove("status")  # suspension is an assessor's decision, which an import does not undo
    return changed


def _apply_status(organisation: Organisation, record: dict, changed: list[str]) -> list[str]:
    """Set the status through the publish rule; a refused publish leaves it as it was and gives the reasons."""
    return apply_status(organisation, record["status"]) if "status" in changed else []


def _import_organisation(
    record: dict, organisation: Organisation | None, catalogue: Catalogue, report: ImportReport
) -> list[str]:
    """Write one record; returns why it asked to be published but could not be (empty otherwise)."""
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
    if not changed:
        report.organisations.unchanged += 1
        report.offers.unchanged += len(record.get("offers", []))
        return refused
    audit = partial(
        record_event,
        "organisation.imported",
        obj=organisation,
        summary=f"{'Created' if is_new else 'Updated'} {organisation.name} from an import file",
        before=_audit_view(before, changed) if before else None,
        after=_audit_view(record, changed),
    )
    deferred = _deferred_audits.get()
    if deferred is None:
        db.session.flush()
        audit()
    else:
        deferred.append(audit)  # the event needs the organisation's id: written after the batch's one flush
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


def write_organisations(candidates: list[Candidate], catalogue: Catalogue, report: ImportReport) -> None:
    """Write valid organisation records in batches, one commit per batch.

    A batch is first written whole, with one flush (fast); if the database or a services rule refuses any of
    it, the batch is rolled back and written again one savepoint per record, so only the refused record is lost
    and it is reported with its reason.
    """
    for start in range(0, len(candidates), BATCH_SIZE):
        batch = candidates[start : start + BATCH_SIZE]
        start_transaction()
        if not _write_batch_at_once(batch, catalogue, report):
            stored = _stored(batch)
            for candidate in batch:
                write = partial(_import_organisation, candidate.record, stored.get(candidate.ref), catalogue, report)
                _note_refusal(candidate, write_in_savepoint(candidate, write, report), report)
        db.session.commit()


def _stored(batch: list[Candidate]) -> dict[str, Organisation]:
    query = select(Organisation).where(Organisation.ref.in_([c.ref for c in batch]))
    return {
        organisation.ref: organisation
        for organisation in db.session.scalars(query.options(*organisation_load_options()))
    }


def _note_refusal(candidate: Candidate, refused: list[str] | None, report: ImportReport) -> None:
    if refused:
        report.drafted.append(Rejection(candidate.where, candidate.index, candidate.ref, refused))


def _write_batch_at_once(batch: list[Candidate], catalogue: Catalogue, report: ImportReport) -> bool:
    """Write the whole batch in one savepoint; False (and nothing written or counted) if any of it is refused."""
    saved = copy.deepcopy(report)
    audits: list[Callable[[], Any]] = []
    token = _deferred_audits.set(audits)
    try:
        with db.session.begin_nested():
            stored = _stored(batch)
            for candidate in batch:
                refused = _import_organisation(candidate.record, stored.get(candidate.ref), catalogue, report)
                _note_refusal(candidate, refused, report)
            db.session.flush()
            for audit in audits:
                audit()
            db.session.flush()
    except (SQLAlchemyError, ProfileError):
        report.__dict__.update(saved.__dict__)
        return False
    finally:
        _deferred_audits.reset(token)
    return True
