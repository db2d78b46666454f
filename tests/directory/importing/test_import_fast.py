"""The import at scale: streamed in batches, new records in bulk, unchanged records skipped by their fingerprint."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event, func, select

from marketplace.audit.models import AuditEvent
from marketplace.directory.importer import (
    InterchangeFileError,
    import_csv,
    import_directory,
    import_file,
    import_records,
    stream,
)
from marketplace.directory.importer.schema import BATCH_SIZE
from marketplace.directory.models import Offer, Organisation, OrganisationStatus
from marketplace.directory.services import BASIC_TEXT_FIELDS, update_basics
from marketplace.extensions import db
from marketplace.reference.models import Term
from marketplace.search.index.models import IndexChange
from marketplace.search.index.sync import init_search_sync
from scripts.generate_directory import generate


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


class RowWrites:
    """Counts statements that changed rows (INSERT, UPDATE or DELETE with a row count above 0)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper()
        if verb in {"INSERT", "UPDATE", "DELETE"} and cursor.rowcount and cursor.rowcount > 0:
            self.statements.append(statement)

    def __enter__(self) -> RowWrites:
        event.listen(db.engine, "after_cursor_execute", self)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(db.engine, "after_cursor_execute", self)


def test_an_unchanged_reimport_writes_nothing_audits_nothing_and_queues_nothing_for_the_index(app):
    app.config["SEARCH_SYNC"] = True
    init_search_sync(app)
    data = generate(80, seed=21)
    import_directory(data)
    events, changes = _count(AuditEvent), _count(IndexChange)

    with RowWrites() as writes:
        report = import_directory(data)

    assert writes.statements == []
    assert (report.organisations.unchanged, report.organisations.created, report.organisations.updated) == (80, 0, 0)
    assert report.offers.unchanged == sum(len(record["offers"]) for record in data["organisations"])
    assert (_count(AuditEvent), _count(IndexChange)) == (events, changes)


def test_a_listing_edited_on_its_pages_after_an_import_is_compared_in_full_and_put_back_by_the_next(app):
    data = generate(5, seed=22)
    import_directory(data)
    organisation = db.session.scalar(select(Organisation).where(Organisation.ref == data["organisations"][0]["ref"]))
    assert organisation.import_hash is not None
    names = (*BASIC_TEXT_FIELDS, "organisation_type_id", "legal_form_id")
    values = {name: getattr(organisation, name) for name in names}
    update_basics(organisation, {**values, "description": "Edited on the profile page."}, actor=None)
    db.session.commit()
    db.session.refresh(organisation)
    assert organisation.import_hash is None  # any other write forgets the fingerprint

    report = import_directory(data)

    assert (report.organisations.updated, report.organisations.unchanged) == (1, 4)
    db.session.refresh(organisation)
    assert organisation.description == data["organisations"][0]["description"]
    assert organisation.import_hash is not None


def test_a_changed_record_in_an_otherwise_unchanged_file_is_the_only_one_written(app):
    data = generate(30, seed=23)
    import_directory(data)
    changed = data["organisations"][12]
    changed["description"] = "Now also running puppetry clubs for young carers."
    changed["offers"] = changed["offers"][:1]

    with RowWrites() as writes:
        report = import_directory(data)

    assert (report.organisations.updated, report.organisations.unchanged) == (1, 29)
    stored = db.session.scalar(select(Organisation).where(Organisation.ref == changed["ref"]))
    assert stored.description == changed["description"] and len(stored.offers) == 1
    audits = db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(stored.id))).all()
    assert [event.summary.split()[0] for event in audits] == ["Created", "Updated"]
    assert not any(statement.startswith("INSERT INTO organisation ") for statement in writes.statements)


def test_a_bad_record_in_the_middle_of_a_large_batch_is_reported_where_it_is_and_the_rest_import(app):
    data = generate(BATCH_SIZE + 40, seed=24)
    bad = data["organisations"][BATCH_SIZE - 7]
    bad["postcode"] = "nowhere"
    bad["offers"][0]["age_min"] = "eleven"

    report = import_directory(data)

    assert report.organisations.created == BATCH_SIZE + 39
    assert [str(rejection) for rejection in report.rejected] == [
        f'organisations[{BATCH_SIZE - 7}] ref "{bad["ref"]}": postcode must be a UK postcode, like DE1 1BS; '
        f'offers[0] ref "{bad["offers"][0]["ref"]}" age_min must be a whole number'
    ]
    assert db.session.scalar(select(Organisation).where(Organisation.ref == bad["ref"])) is None
    assert _count(AuditEvent) == BATCH_SIZE + 39 + len(data["consortia"])


def test_a_bad_csv_row_after_the_first_batch_is_reported_by_its_line(app):
    rows = ["ref,name,postcode"] + [f"org-{n},Organisation {n},DE1 1BS" for n in range(BATCH_SIZE + 20)]
    rows[BATCH_SIZE + 5] = "bad-org,,nowhere"

    report = import_csv("\n".join(rows) + "\n")

    assert report.organisations.created == BATCH_SIZE + 19
    assert [str(rejection) for rejection in report.rejected] == [
        f'line {BATCH_SIZE + 6} ref "bad-org": name is missing; postcode must be a UK postcode, like DE1 1BS'
    ]


def test_new_records_published_in_bulk_keep_the_publish_rule(app):
    data = generate(3, seed=25)
    incomplete = data["organisations"][1]
    incomplete["status"] = "published"
    incomplete["contact_email"] = ""

    report = import_directory(data)

    assert [rejection.ref for rejection in report.drafted] == [incomplete["ref"]]
    assert "Enter a contact email address" in str(report.drafted[0])
    stored = db.session.scalar(select(Organisation).where(Organisation.ref == incomplete["ref"]))
    assert stored.status == OrganisationStatus.DRAFT
    assert stored.import_hash is None  # so the next import says so again
    again = import_directory(data)
    assert [rejection.ref for rejection in again.drafted] == [incomplete["ref"]]


def test_records_are_read_lazily_one_batch_at_a_time(app):
    records = generate(BATCH_SIZE + 10, seed=26)["organisations"]
    stored_when_the_second_batch_was_read: list[int] = []

    def items():
        for index, record in enumerate(records):
            if index == BATCH_SIZE + 1:
                stored_when_the_second_batch_was_read.append(_count(Organisation))
            yield f"organisations[{index}]", index, record

    report = import_records(items())

    assert stored_when_the_second_batch_was_read == [BATCH_SIZE]  # the first batch was written before reading on
    assert report.organisations.created == BATCH_SIZE + 10


def test_a_json_file_is_streamed_not_read_whole(app, tmp_path, monkeypatch):
    path = tmp_path / "directory.json"
    path.write_text(json.dumps(generate(20, seed=27)), encoding="utf-8")

    def read_whole(_path):
        raise AssertionError("the file was read whole")

    monkeypatch.setattr(stream, "json_loads", read_whole)
    monkeypatch.setattr(stream, "read_text", read_whole)

    report = import_file(path)

    assert report.organisations.created == 20 and _count(Offer) > 20


def test_a_file_broken_after_many_records_imports_nothing(app, tmp_path):
    text = json.dumps(generate(BATCH_SIZE + 10, seed=28))
    path = tmp_path / "broken.json"
    path.write_text(text[:-40], encoding="utf-8")

    with pytest.raises(InterchangeFileError, match=r"is not valid JSON: .* \(line 1, column \d+\)"):
        import_file(path)

    assert _count(Organisation) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"organisations": [], "consortia": {"ref": "x"}}', '"consortia" must be a list of records'),
        ('{"organisations": null}', '"organisations" must be a list of records'),
        ('{"people": [{"ref": "x"}]}', 'must be a JSON object with an "organisations" list'),
        ('"\ufeff"', 'must be a JSON object with an "organisations" list'),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused_before_anything_is_imported(app, tmp_path, content, message):
    path = tmp_path / "shape.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(InterchangeFileError, match=message):
        import_file(path)
    assert _count(Organisation) == 0


def test_a_file_with_a_byte_order_mark_is_streamed(app, tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(generate(3, seed=29)).encode("utf-8"))

    assert import_file(path).organisations.created == 3


def test_a_record_unchanged_since_its_import_is_checked_again_once_a_code_it_uses_is_withdrawn(app):
    data = generate(3, seed=30)
    import_directory(data)
    group = data["organisations"][0]["target_groups"][0]
    term = db.session.scalar(select(Term).join(Term.vocabulary).where(Term.code == group))
    term.is_active = False
    db.session.commit()

    report = import_directory(data)

    assert [rejection.ref for rejection in report.rejected] == [data["organisations"][0]["ref"]]
    assert f'target_group "{group}" is no longer in use' in str(report.rejected[0])


def test_a_change_to_an_imported_offer_makes_the_next_import_compare_and_put_it_back(app):
    data = generate(4, seed=31)
    import_directory(data)
    record = data["organisations"][2]
    offer = db.session.scalar(select(Offer).where(Offer.ref == record["offers"][0]["ref"]))
    offer.title = "Changed on the offer page"
    db.session.commit()

    report = import_directory(data)

    assert (report.organisations.updated, report.organisations.unchanged) == (1, 3)
    assert (report.offers.updated, report.offers.unchanged) == (
        1,
        sum(len(r["offers"]) for r in data["organisations"]) - 1,
    )
    db.session.refresh(offer)
    assert offer.title == record["offers"][0]["title"]
