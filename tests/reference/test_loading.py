"""Vocabularies load from the project's JSON file: idempotently, with ECM aims under outcomes, retiring not deleting."""

from __future__ import annotations

import json

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.reference.models import Locality, Vocabulary
from marketplace.reference.services import DATA_DIR, load_vocabularies, terms_by_code


def test_loading_vocabularies_again_creates_and_updates_nothing(app):
    report = load_vocabularies()

    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged > 0
    assert report.errors == []


def test_there_are_five_ecm_outcomes_each_with_exactly_five_aims(app):
    outcomes = terms_by_code("ecm_outcome")
    aims = terms_by_code("ecm_aim")

    assert set(outcomes) == {
        "be-healthy",
        "stay-safe",
        "enjoy-and-achieve",
        "make-a-positive-contribution",
        "achieve-economic-well-being",
    }
    for outcome in outcomes.values():
        assert len(outcome.children) == 5, outcome.code
        assert all(aim.vocabulary.key == "ecm_aim" for aim in outcome.children)
    assert len(aims) == 25
    assert aims["physically-healthy"].parent.code == "be-healthy"


def test_vocabularies_named_in_the_design_exist_with_their_terms(app):
    keys = set(db.session.scalars(select(Vocabulary.key)))
    assert {
        "ecm_outcome",
        "ecm_aim",
        "service_area",
        "target_group",
        "organisation_type",
        "legal_form",
        "commissioning_body_kind",
        "theme",
        "problem_area",
        "commissioning_level",
        "need_kind",
        "contribution_framework",
        "accreditation_scheme",
        "national_indicator",
    } <= keys

    service_areas = " | ".join(term.label.lower() for term in terms_by_code("service_area").values())
    target_groups = " | ".join(term.label.lower() for term in terms_by_code("target_group").values())
    organisation_types = {term.code for term in terms_by_code("organisation_type").values()}

    assert "short breaks" in service_areas
    assert "looked-after children" in target_groups
    assert {"museum", "library", "archive"} <= organisation_types
    assert {"ni-1", "ni-10", "ni-110", "ni-117"} <= set(terms_by_code("national_indicator"))


def test_a_term_removed_from_the_file_is_marked_inactive_not_deleted(app, tmp_path):
    data = json.loads((DATA_DIR / "vocabularies.json").read_text(encoding="utf-8"))
    service_area = next(spec for spec in data["vocabularies"] if spec["key"] == "service_area")
    removed = service_area["terms"].pop(0)
    modified = tmp_path / "vocabularies.json"
    modified.write_text(json.dumps(data), encoding="utf-8")

    load_vocabularies(modified)

    term = terms_by_code("service_area")[removed["code"]]
    assert term.is_active is False
    assert all(other.is_active for code, other in terms_by_code("service_area").items() if code != removed["code"])


def test_a_retired_term_becomes_active_again_when_it_returns_to_the_file(app, tmp_path):
    data = json.loads((DATA_DIR / "vocabularies.json").read_text(encoding="utf-8"))
    target_group = next(spec for spec in data["vocabularies"] if spec["key"] == "target_group")
    removed = target_group["terms"].pop()
    modified = tmp_path / "vocabularies.json"
    modified.write_text(json.dumps(data), encoding="utf-8")
    load_vocabularies(modified)

    load_vocabularies()

    assert terms_by_code("target_group")[removed["code"]].is_active is True


def test_derbyshire_is_a_county_whose_districts_include_amber_valley(app):
    derbyshire = db.session.scalar(select(Locality).where(Locality.ons_code == "E10000007"))

    assert derbyshire.name == "Derbyshire"
    assert derbyshire.tier == "county"
    assert "E07000032" in {district.ons_code for district in derbyshire.districts}
    amber_valley = next(d for d in derbyshire.districts if d.ons_code == "E07000032")
    assert amber_valley.name == "Amber Valley"
    assert amber_valley.tier == "district"


def test_derby_is_a_unitary_authority_in_the_east_midlands(app):
    derby = db.session.scalar(select(Locality).where(Locality.ons_code == "E06000015"))

    assert derby.name == "Derby"
    assert derby.tier == "unitary"
    assert derby.region == "East Midlands"
    assert derby.parent is None
