"""Import → export → import round-trips: the export of an imported file gives back the same (normalised) records."""

from __future__ import annotations

import json
import time

from sqlalchemy import func, select

from marketplace.directory.exporter import export_directory
from marketplace.directory.importer import import_directory
from marketplace.directory.models import Consortium, Offer, Organisation
from marketplace.extensions import db
from scripts.generate_directory import generate
from tests.directory.importing import samples


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def normalised(data: dict) -> dict:
    """What the exporter promises: records sorted by ref, lists of codes sorted, offers sorted by ref."""

    def organisation(record: dict) -> dict:
        record = json.loads(json.dumps(record))
        for key in ("localities", "target_groups", "indicators"):
            record[key] = sorted(set(record[key]))
        record["outcomes"] = sorted(
            ({**o, "aims": sorted(o["aims"])} for o in record["outcomes"]), key=lambda o: o["outcome"]
        )
        record["framework_statements"] = sorted(record["framework_statements"], key=lambda s: s["framework"])
        record["offers"] = sorted(
            (
                {
                    **offer,
                    **{
                        key: sorted(offer[key])
                        for key in ("delivery_modes", "localities", "outcomes", "aims", "service_areas")
                    },
                }
                for offer in record["offers"]
            ),
            key=lambda offer: offer["ref"],
        )
        return record

    consortia = [{**c, "members": sorted(set(c["members"]) | {c["lead"]})} for c in data.get("consortia", [])]
    return {
        "organisations": sorted((organisation(o) for o in data["organisations"]), key=lambda o: o["ref"]),
        "consortia": sorted(consortia, key=lambda c: c["ref"]),
    }


def test_exporting_an_imported_file_gives_back_the_same_records(app):
    data = samples.directory()
    data["organisations"][1] = json.loads(json.dumps(export_shape(data["organisations"][1])))
    import_directory(data)

    exported = export_directory()

    assert exported == normalised(data)
    assert list(exported["organisations"][0]) == list(samples.organisation())  # the documented key order


def export_shape(record: dict) -> dict:
    """A sparse sample record filled out with the defaults an export writes."""
    defaults = {key: "" for key in ("registration_number", "description", "address", "postcode", "website")}
    defaults |= {key: "" for key in ("contact_name", "contact_email", "contact_phone")}
    defaults |= {"age_min": None, "age_max": None, "target_groups": [], "outcomes": [], "framework_statements": []}
    defaults |= {"indicators": [], "offers": []}
    defaults["value_for_money"] = {
        "full_cost_recovery": None,
        "unit_cost_pence": None,
        "unit_cost_basis": "",
        "social_return_ratio": None,
        "added_value": "",
    }
    merged = defaults | record
    return {key: merged[key] for key in samples.organisation()}


def test_importing_an_export_into_an_empty_directory_recreates_it(app, tmp_path):
    import_directory(samples.directory())
    exported = export_directory()
    for model in (Consortium, Organisation):
        for obj in db.session.scalars(select(model)):
            db.session.delete(obj)
    db.session.commit()

    report = import_directory(exported)

    assert (report.organisations.created, report.offers.created, report.consortia.created) == (2, 2, 1)
    assert export_directory() == exported


def test_a_thousand_generated_organisations_round_trip_quickly(app):
    data = generate(1000, seed=7)
    offers = sum(len(o["offers"]) for o in data["organisations"])

    started = time.perf_counter()
    report = import_directory(data)
    imported = time.perf_counter() - started
    started = time.perf_counter()
    exported = export_directory()
    exported_in = time.perf_counter() - started
    started = time.perf_counter()
    again = import_directory(exported)
    reimported = time.perf_counter() - started
    print(
        f"\n1,000 organisations, {offers} offers, {len(data['consortia'])} consortia: import {imported:.1f} s, "
        f"export {exported_in:.1f} s, re-import (all unchanged) {reimported:.1f} s"
    )

    assert report.rejected == [] and again.rejected == []
    assert (report.organisations.created, report.offers.created) == (1000, offers)
    assert report.consortia.created == len(data["consortia"]) > 0
    assert (_count(Organisation), _count(Offer), _count(Consortium)) == (1000, offers, len(data["consortia"]))
    assert exported == normalised(data)
    assert (again.organisations.unchanged, again.offers.unchanged) == (1000, offers)
    assert again.organisations.updated == again.offers.updated == again.consortia.updated == 0
    assert imported < 60


def test_the_generator_is_deterministic_and_uses_real_codes(app):
    first, second = generate(50, seed=3), generate(50, seed=3)

    assert first == second and first != generate(50, seed=4)
    assert all(1 <= len(o["offers"]) <= 4 for o in first["organisations"])
    report = import_directory(first)
    assert report.rejected == [] and report.organisations.created == 50
