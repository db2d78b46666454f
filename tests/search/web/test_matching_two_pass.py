"""The matches page scores every candidate as a bare number and explains only the page shown (issue 15): it must
give exactly what scoring and explaining every candidate gives — the same top 20, scores, labels and reasons.

The directory is the matching evaluation's (190 organisations built to be hard to rank), with three consortia
added; the needs are its 30 and variants of each that reach the other branches of the rules: many areas (a
county, cities, districts), areas required, no areas, no ages, requirements, no budget, consortia welcome.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.commissioning.models import Need
from marketplace.commissioning.needs.importer import import_needs
from marketplace.directory.importer import import_directory
from marketplace.extensions import db
from marketplace.matching import first_pass, ranking
from marketplace.matching.places import need_place
from marketplace.search.index.documents import DocumentBatch
from marketplace.search.index.maintenance import rebuild
from tests.factories import make_body

EVALUATION = Path(__file__).parents[1] / "evaluation"
MANY_AREAS = ["E10000014", "E06000045", "E06000044", "E10000007", "E07000032", "E06000015", "E06000014"]


def variants(need: dict, number: int) -> list[dict]:
    """The need as written, and versions of it that take the other branches of the scoring rules."""
    requirements = need.get("requirements", {})
    ref = need["ref"]
    many = {**need, "ref": f"{ref}-many", "localities": MANY_AREAS, "budget_min_pence": 0, "budget_max_pence": 400_000}
    required = {**need, "ref": f"{ref}-required", "requirements": {**requirements, "localities_required": True}}
    anywhere = {key: value for key, value in need.items() if key not in ("localities", "age_min", "age_max")}
    found = [need, many, required, {**anywhere, "ref": f"{ref}-anywhere", "status": "draft"}]  # open needs name areas
    if number % 3 == 0:
        strict = {**requirements, "safeguarding_verified": True, "consortium_welcome": False}
        found.append({**need, "ref": f"{need['ref']}-strict", "requirements": strict, "aims": []})
    return found


@pytest.fixture
def directory(app):
    organisations = json.loads((EVALUATION / "directory.json").read_text(encoding="utf-8"))["organisations"]
    refs = [organisation["ref"] for organisation in organisations]
    consortia = [
        {"ref": "partners-1", "name": "Hampshire Arts Partners", "lead": refs[0], "members": refs[0:4]},
        {"ref": "partners-2", "name": "Derby Culture Partners", "lead": refs[40], "members": [refs[40], refs[77]]},
        {"ref": "partners-3", "name": "Northern Heritage Partners", "lead": refs[120], "members": refs[118:125]},
    ]
    report = import_directory({"organisations": organisations, "consortia": consortia})
    assert not report.rejected, report.rejected
    needs = json.loads((EVALUATION / "needs.json").read_text(encoding="utf-8"))
    for ref, name in needs["bodies"].items():
        make_body(name, ref=ref)
    written = [variant for number, need in enumerate(needs["needs"]) for variant in variants(need, number)]
    imported = import_needs({"needs": written})
    assert not imported.rejected, imported.rejected
    rebuild(app)
    return list(db.session.scalars(select(Need).order_by(Need.id)))


def scored_and_explained(need: Need) -> tuple[list[tuple], dict[str, float | None]]:
    """What the matches page gave before the first pass: ``score_pair`` for every candidate, then the top 20."""
    place = need_place(need)
    batch = DocumentBatch(db.session, ranking._candidate_ids(need, place), versioned=False)
    results, scores = [], {}
    for document in batch.documents:
        direct, postcode = batch.provider_facts(document["id"])
        pair = ranking.score_pair(need, document, direct, postcode, place)
        scores[document["id"]] = pair.points if pair is not None else None
        if pair is not None:
            results.append((document["id"], pair.points, pair.label, pair.reasons, pair.missing))
    results.sort(key=lambda result: (-result[1], ranking.tie_key(result[0])))
    return results[:20], scores


def test_the_first_pass_gives_every_candidate_the_score_of_score_pair(directory):
    compared = matched = 0
    for need in directory:
        place = need_place(need)
        side = ranking.need_side(need, place)
        batch = DocumentBatch(db.session, ranking._candidate_ids(need, place), versioned=False)
        for document in batch.documents:
            direct, postcode = batch.provider_facts(document["id"])
            pair = ranking.score_pair(need, document, direct, postcode, place)
            assert first_pass.points(side, document, direct) == (pair.points if pair else None), (
                need.ref,
                document["id"],
            )
            compared += 1
            matched += pair is not None
    assert compared > 2_000 and 0 < matched < compared  # every kind of candidate: matched, filtered out, near, far


def test_the_two_pass_page_is_the_full_scorings_top_20_with_the_same_scores_and_reasons(directory):
    consortia_shown = most_matches = 0
    for need in directory:
        expected, scores = scored_and_explained(need)
        shown = [(r.id, r.score, r.label, r.reasons, r.missing) for r in ranking.match_need(need, top=20)]
        assert shown == expected, need.ref
        consortia_shown += sum(1 for result in shown if result[0].startswith("consortium-"))
        most_matches = max(most_matches, sum(score is not None for score in scores.values()))
    assert consortia_shown > 0
    assert most_matches > 20  # some needs match more providers than the page shows: the cut is tested too
