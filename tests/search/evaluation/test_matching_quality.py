"""Matching quality on a labelled evaluation set: precision@5 and nDCG@10 per need, failing below 0.8 nDCG@10.

``directory.json`` (directory interchange format) holds 47 realistic organisations and 2 consortia across the East
Midlands — relevant providers and distractors that share words but not structure (adult services, other places,
other service areas). ``needs.json`` holds 12 open needs of 7 bodies (needs interchange format) and
``judgements.json`` the providers a commissioner would judge relevant to each need from its text and requirements
(2 = highly relevant, 1 = partly relevant), written without running the matcher. Run ``pytest -s`` to see the figures.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.commissioning.needs.importer import import_needs
from marketplace.directory.importer import import_directory
from marketplace.directory.models import Consortium, Organisation
from marketplace.extensions import db
from marketplace.search.documents import consortium_doc_id, organisation_doc_id
from marketplace.search.maintenance import rebuild
from marketplace.search.matching import find_need, match_need
from tests.factories import make_body

HERE = Path(__file__).parent
MIN_NDCG_AT_10 = 0.8


def _load(name: str) -> dict:
    return json.loads((HERE / name).read_text(encoding="utf-8"))


def precision_at(k: int, ranked: list[str], relevant: dict[str, int]) -> float:
    return sum(1 for ref in ranked[:k] if relevant.get(ref, 0) > 0) / k


def ndcg_at(k: int, ranked: list[str], relevant: dict[str, int]) -> float:
    def dcg(gains: list[int]) -> float:
        return sum((2**gain - 1) / math.log2(position + 2) for position, gain in enumerate(gains[:k]))

    ideal = dcg(sorted(relevant.values(), reverse=True))
    return dcg([relevant.get(ref, 0) for ref in ranked]) / ideal if ideal else 0.0


@pytest.fixture
def evaluation_set(app):
    directory = import_directory(_load("directory.json"))
    assert not directory.rejected, directory.rejected
    needs_data = _load("needs.json")
    for ref, name in needs_data["bodies"].items():
        make_body(name, ref=ref)
    report = import_needs({"needs": needs_data["needs"]})
    assert not report.rejected, report.rejected
    rebuild(app)
    refs = {organisation_doc_id(o.id): o.ref for o in db.session.scalars(select(Organisation))}
    refs.update({consortium_doc_id(c.id): c.ref for c in db.session.scalars(select(Consortium))})
    return refs


def test_labelled_set_is_large_enough_and_judged():
    directory, needs, judgements = _load("directory.json"), _load("needs.json"), _load("judgements.json")
    refs = {o["ref"] for o in directory["organisations"]} | {c["ref"] for c in directory["consortia"]}
    assert len(directory["organisations"]) >= 40
    assert len(needs["needs"]) >= 12
    assert {n["ref"] for n in needs["needs"]} == set(judgements)
    assert all(set(judged) <= refs for judged in judgements.values())


def test_matching_reaches_ndcg_at_10_of_at_least_0_8(evaluation_set):
    judgements = _load("judgements.json")
    rows = []
    for need_ref, relevant in sorted(judgements.items()):
        ranked = [evaluation_set[result.id] for result in match_need(find_need(need_ref), top=10)]
        rows.append((need_ref, precision_at(5, ranked, relevant), ndcg_at(10, ranked, relevant)))
    mean_precision = sum(row[1] for row in rows) / len(rows)
    mean_ndcg = sum(row[2] for row in rows) / len(rows)
    print("\nMatching evaluation (need: precision@5, nDCG@10)")
    for need_ref, precision, ndcg in rows:
        print(f"  {need_ref:<34} P@5 {precision:.2f}  nDCG@10 {ndcg:.3f}")
    ceiling = sum(min(5, sum(1 for g in judged.values() if g)) / 5 for judged in judgements.values()) / len(judgements)
    print(f"  {'MEAN':<34} P@5 {mean_precision:.2f}  nDCG@10 {mean_ndcg:.3f}  (best possible P@5 {ceiling:.2f})")
    assert mean_ndcg >= MIN_NDCG_AT_10
