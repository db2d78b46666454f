"""Importing a localities CSV: idempotent, good rows in and bad rows reported by line, counties linked in any order."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.reference.models import Locality
from marketplace.reference.services import DATA_DIR, import_localities_csv

HEADER = "ons_code,name,tier,parent_ons_code,region\n"


def _import(text: str):
    return import_localities_csv(io.StringIO(text, newline=""))


def _locality(code: str) -> Locality | None:
    return db.session.scalar(select(Locality).where(Locality.ons_code == code))


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Locality))


def test_importing_the_sample_file_twice_changes_nothing_the_second_time(app):
    before = _count()
    with (DATA_DIR / "localities_sample.csv").open(encoding="utf-8", newline="") as handle:
        first = import_localities_csv(handle)
    with (DATA_DIR / "localities_sample.csv").open(encoding="utf-8", newline="") as handle:
        second = import_localities_csv(handle)

    assert first.errors == [] and second.errors == []
    assert (second.created, second.updated, second.unchanged) == (0, 0, 10)
    assert _count() == before


def test_an_import_updates_an_existing_locality_matched_by_ons_code(app):
    report = _import(HEADER + "E06000015,Derby City,unitary,,East Midlands\n")

    assert (report.created, report.updated) == (0, 1)
    assert _locality("E06000015").name == "Derby City"


def test_bad_rows_are_reported_with_their_line_numbers_and_good_rows_imported(app):
    csv_text = (
        HEADER
        + "E06900001,Good Unitary,unitary,,East Midlands\n"  # line 2: good
        + "X123,Bad Code,unitary,,East Midlands\n"  # line 3: bad ONS code
        + "E06900002,Odd Tier,parish,,East Midlands\n"  # line 4: unknown tier
        + "E07900001,Orphan District,district,E10900099,East Midlands\n"  # line 5: unknown parent
        + "E06900001,Good Unitary Again,unitary,,East Midlands\n"  # line 6: duplicate code
        + "E06900003,,unitary,,East Midlands\n"  # line 7: blank name
        + "E07900002,Good District,district,E10000007,East Midlands\n"  # line 8: good, existing county
    )

    report = _import(csv_text)

    assert report.created == 2
    assert len(report.errors) == 5
    for line, fragment in [
        (3, "ons_code 'X123'"),
        (4, "tier 'parish'"),
        (5, "E10900099"),
        (6, "more than once"),
        (7, "name is missing"),
    ]:
        assert any(error.startswith(f"Line {line}:") and fragment in error for error in report.errors), line
    assert _locality("E06900001").name == "Good Unitary"
    assert _locality("E07900002").parent.ons_code == "E10000007"
    for code in ("X123", "E06900002", "E07900001", "E06900003"):
        assert _locality(code) is None
    assert "5 rejected" in report.summary


def test_a_file_missing_required_columns_is_refused_naming_them(app):
    before = _count()

    report = _import("ons_code,name\nE06900001,Somewhere\n")

    assert len(report.errors) == 1
    assert "tier" in report.errors[0] and "parent_ons_code" in report.errors[0] and "region" in report.errors[0]
    assert report.created == 0
    assert _count() == before


def test_a_county_listed_after_its_district_is_still_linked(app):
    report = _import(
        HEADER + "E07900010,New District,district,E10900010,Somewhere\n" + "E10900010,New County,county,,Somewhere\n"
    )

    assert report.errors == []
    assert _locality("E07900010").parent.ons_code == "E10900010"
    assert [d.ons_code for d in _locality("E10900010").districts] == ["E07900010"]


def test_only_a_district_may_have_a_parent(app):
    report = _import(HEADER + "E06900020,Unitary With Parent,unitary,E10000007,East Midlands\n")

    assert report.errors == ["Line 2: only a district can have a parent_ons_code"]
    assert _locality("E06900020") is None
