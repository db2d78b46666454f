"""UUIDs derived from records are stable and route back to them; outcode centres convert to WGS84."""

from __future__ import annotations

import uuid

import pytest

from marketplace.api import coordinates, ids


def test_a_records_uuid_is_a_stable_uuid5_of_its_kind_and_key():
    # Pinned: clients and aggregators store these ids, so the namespace and key format must never change.
    assert ids.uuid_for("taxonomy", "ecm_aim") == "7219e238-c42a-5f6a-968f-263cf42ec309"
    assert ids.uuid_for("service", 1) == "975ef121-4c09-56ed-b675-a7cc3a59fce2"
    assert uuid.UUID(ids.uuid_for("organization", 1)).version == 5
    assert ids.uuid_for("organization", 1) != ids.uuid_for("service", 1)


def test_id_of_finds_new_records_and_asks_only_for_ids_above_those_seen(monkeypatch):
    monkeypatch.setattr(ids, "_highest", {})  # this test's made-up ids must not hide later tests' records
    asked: list[int] = []

    def ids_above(lowest: int) -> list[int]:
        asked.append(lowest)
        return [key for key in (900_001, 900_002) if key > lowest]

    wanted = str(uuid.uuid5(ids.NAMESPACE, "organization:900002")).upper()  # any case matches

    assert ids.id_of("organization", wanted, ids_above) == 900_002
    assert ids.id_of("organization", str(uuid.uuid4()), ids_above) is None
    assert len(asked) == 2 and asked[-1] == 900_002  # the miss asked only for ids above the highest seen


def test_outcode_centres_convert_from_osgb36_to_wgs84():
    # DE1 (Derby) and SE1 (Southwark) centres from the reference data, to 4 decimal places (about 10 m).
    assert coordinates.to_wgs84(435560, 335849) == pytest.approx((52.9189, -1.4726), abs=0.0002)
    assert coordinates.to_wgs84(532653, 179426) == pytest.approx((51.4982, -0.0904), abs=0.0002)
