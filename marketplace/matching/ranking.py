"""Matching: the providers (and consortia) that fit a need, and the open needs that fit a provider.

Hard filters come first and exclude: the need's requirements (safeguarding verified, kitemarked, the named
accreditation scheme; consortia only when the need welcomes them), its ages (a provider that works with none of
the need's ages never matches; see :mod:`marketplace.matching.ages`) and its places: a provider must serve the
need's areas or, unless the need requires that, an authority near them (see :mod:`marketplace.matching.places`).
Then a relevance floor: a candidate needs a real fit — the need's service area, one of its outcomes together with
one of its target groups, one of its National Indicators or problem areas, or text relevance of at least
:data:`TEXT_FLOOR` — so location, ages and price alone never carry an unrelated provider into a list. The
candidates left are scored by

====================  ======  ===============================================================================
component             weight  fraction earned
====================  ======  ===============================================================================
text relevance          3     weighted share of the need's words in the provider's text (generic words count
                              a quarter), doubled and capped at 1
ECM outcomes            3     share of the need's outcomes the provider covers
ECM aims                2     share of the need's aims the provider works towards
locality                2     1 exact, 0.75 via its county, 0.5 a district of a county need; nearby only:
                              0.5 the ceremonial county around a city (or a city in it), 0.35 a neighbour
service area            2     1 when the provider offers the need's service area
target groups           1     share of the need's target groups the provider works with
National Indicators     1     share of the need's indicators the provider contributes to
problem areas           1     share of the need's problem areas (teenage pregnancy, NEET …) the provider works on
ages                    1     1 when the age ranges overlap (unstated ages serve all ages)
price                   1     1 when an offer relevant to the need (its service area or outcomes) is in budget
====================  ======  ===============================================================================

One function scores a pair (:func:`score_pair`), so a provider and a need score the same on the commissioner's
matches and on the provider's opportunities. The score becomes a plain label (:func:`fit_label`: Strong, Good or
Partial, from the share of the points the need makes possible). Equal scores are ordered by the SHA-256 of the
document id, never by name. Every result explains itself: ``reasons`` (what fits) and ``missing`` (what does not).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from marketplace.commissioning.models import Need, NeedStatus
from marketplace.core.collector import collector_paused
from marketplace.directory.models import Organisation, OrganisationStatus, organisation_indicator
from marketplace.extensions import db
from marketplace.matching import first_pass
from marketplace.matching.ages import describe as describe_ages
from marketplace.matching.ages import excluded_by_ages
from marketplace.matching.cache import cached_ranking
from marketplace.matching.first_pass import NeedSide, document_text, held_stems
from marketplace.matching.places import NeedPlace, need_place, placement
from marketplace.monitoring.reviews import track_record_reasons
from marketplace.reference.models import Term
from marketplace.search.engines.engine import SearchQuery, engine_for
from marketplace.search.engines.text import _stem
from marketplace.search.index.documents import (
    CONSORTIUM_PREFIX,
    ORGANISATION_PREFIX,
    DocumentBatch,
    organisation_doc_id,
    organisation_document,
)

WEIGHTS: dict[str, float] = {
    "text": 3.0,
    "outcomes": 3.0,
    "aims": 2.0,
    "locality": 2.0,
    "service_area": 2.0,
    "target_groups": 1.0,
    "indicators": 1.0,
    "problem_areas": 1.0,
    "ages": 1.0,
    "price": 1.0,
}
TEXT_FLOOR = 0.25  # the text fraction (see text_fit) that counts as a real fit on its own
TEXT_STRONG = 0.6
LABELS = ((0.6, "Strong"), (0.4, "Good"), (0.0, "Partial"))
GENERIC_WEIGHT = 0.25
# Words almost every provider and need uses: sharing one says nothing about fit.
GENERIC_WORDS = frozenset(
    "people children child young youth person persons service services support supporting supported provide "
    "provides providing provision provided family families work working works community communities local "
    "help helping group groups project projects programme programmes activity activities area areas aged age "
    "ages year years new including based across all our who they their them also about more other through "
    "range well achieve enjoy healthy health safe stay positive contribution economic being make enjoying "
    "sessions session delivery deliver delivering need needs organisation organisations".split()
)
CANDIDATE_LIMIT = 200  # text-ranked candidates, plus up to this many more that share the need's structure


@dataclass
class MatchResult:
    """One ranked match: a provider or consortium for a need, or an open need for a provider."""

    id: str
    name: str
    score: float
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    kind: str = "organisation"  # "organisation" | "consortium" | "need"
    object_id: int = 0
    label: str = "Partial"

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "score": self.score,
            "label": self.label,
            "reasons": self.reasons,
            "missing": self.missing,
        }


_GENERIC_STEMS = frozenset(_stem(word) for word in GENERIC_WORDS)


def tie_key(doc_id: str) -> str:
    """The stable tie-breaker: the SHA-256 hex digest of the id."""
    return hashlib.sha256(doc_id.encode()).hexdigest()


def _ranked(results: list[MatchResult], top: int) -> list[MatchResult]:
    results.sort(key=lambda result: (-result.score, tie_key(result.id)))
    return results[: max(0, top)]


def _lower_first(label: str) -> str:
    """'Disabled children / SEND' → 'disabled children / SEND'; an acronym ('NEET …') keeps its case."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _pounds(pence: int) -> str:
    pounds, rest = divmod(int(pence), 100)
    return f"£{pounds:,}" if not rest else f"£{pounds:,}.{rest:02d}"


# The need's side --------------------------------------------------------------------------------------------------


def need_text(need: Need) -> str:
    """The words a need is matched on: title, summary, description and its outcome and aim labels."""
    labels = [term.label for term in [*need.outcomes, *need.aims]]
    return " ".join(part for part in (need.title, need.summary, need.description, *labels) if part)


def hard_filters(need: Need, place: NeedPlace | None = None) -> dict[str, set]:
    """The engine filters every candidate must pass (places: in the need's areas or, unless required, near)."""
    filters: dict[str, set] = {"kind": {"organisation", "consortium"} if need.consortium_welcome else {"organisation"}}
    if need.requires_safeguarding_verified:
        filters["safeguarding_verified"] = {True}
    if need.requires_kitemark:
        filters["kitemarked"] = {True}
    if need.required_accreditation is not None:
        filters["accreditation"] = {need.required_accreditation.code}
    codes = (place or need_place(need)).candidate_codes
    if codes:
        filters["locality"] = codes
    return filters


def passes_hard_filters(need: Need, document: dict, place: NeedPlace | None = None) -> bool:
    """The same filters as :func:`hard_filters`, and the ages, applied to one document."""
    if excluded_by_ages((need.age_min, need.age_max), document):
        return False
    for name, values in hard_filters(need, place).items():
        value = document.get(name)
        held = set(value) if isinstance(value, list) else {value}
        if not held & set(values):
            return False
    return True


# Scoring ----------------------------------------------------------------------------------------------------------


@dataclass
class _Fit:
    points: float = 0.0
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def add(self, component: str, fraction: float) -> None:
        self.points += WEIGHTS[component] * max(0.0, min(1.0, fraction))


def _overlap(fit: _Fit, component: str, wanted: list[Term], held: Iterable[str], verb: str, negative: str) -> None:
    if not wanted:
        return
    held = set(held)
    covered = [term for term in wanted if term.code in held]
    uncovered = [term for term in wanted if term.code not in held]
    fit.add(component, len(covered) / len(wanted))

    def listed(found: list[Term]) -> str:  # groups and problems read in lower case ("Works with young carers")
        lower = component in ("target_groups", "problem_areas")
        return ", ".join(_lower_first(t.label) if lower else t.label for t in found)

    if covered:
        fit.reasons.append(f"{verb} {listed(covered)}")
    if uncovered:
        fit.missing.append(f"{negative} {listed(uncovered)}")


def _ages_fit(fit: _Fit, need: Need, document: dict) -> None:
    """Ages that do not overlap never get here (a hard filter); overlapping or unstated ages earn the point."""
    if need.age_min is None and need.age_max is None:
        return
    fit.add("ages", 1.0)
    fit.reasons.append(describe_ages(document))


def _relevant_prices(need: Need, document: dict) -> list[int]:
    """Prices of the offers that fit the need: its service area or one of its outcomes (all, if it states neither)."""
    wanted_area = need.service_area.code if need.service_area is not None else None
    wanted_outcomes = {t.code for t in need.outcomes}
    prices = []
    for offer in document.get("offer_prices", []):
        if wanted_area is None and not wanted_outcomes:
            prices.append(offer["price_pence"])
        elif wanted_area in offer["service_area"] or wanted_outcomes & set(offer["outcome"]):
            prices.append(offer["price_pence"])
    return prices


def _price_fit(fit: _Fit, need: Need, document: dict) -> None:
    if need.budget_max_pence is None:
        return
    prices = _relevant_prices(need, document)
    if not prices:
        fit.missing.append("No prices stated for offers like this")
    elif min(prices) <= need.budget_max_pence:
        fit.add("price", 1.0)
        fit.reasons.append(f"Price {_pounds(min(prices))} within budget")
    else:
        fit.missing.append("No offers like this within budget")


def structured_fit(need: Need, document: dict, direct_localities: set[str], place_fraction: float = 0.0) -> _Fit:
    """Everything but text relevance and place reasons: outcomes, aims, service area, groups, ages, price."""
    fit = _Fit()
    if need.localities:
        fit.add("locality", place_fraction)
    _overlap(fit, "outcomes", list(need.outcomes), document.get("outcome", []), "Covers", "Does not cover")
    _overlap(fit, "aims", list(need.aims), document.get("aim", []), "Works towards", "Does not work towards")
    if need.service_area is not None:
        if need.service_area.code in document.get("service_area", []):
            fit.add("service_area", 1.0)
            fit.reasons.append(f"Offers {need.service_area.label}")
        else:
            fit.missing.append("No service area match")
    _overlap(
        fit,
        "target_groups",
        list(need.target_groups),
        document.get("target_group", []),
        "Works with",
        "Does not work with",
    )
    _overlap(
        fit,
        "indicators",
        list(need.indicators),
        document.get("indicator", []),
        "Contributes to",
        "Does not contribute to",
    )
    _overlap(
        fit,
        "problem_areas",
        list(need.problem_areas),
        document.get("problem_area", []),
        "Works on:",
        "Not listed as working on:",
    )
    _ages_fit(fit, need, document)
    _price_fit(fit, need, document)
    return fit


def real_fit(need: Need, document: dict, text: float) -> bool:
    """The relevance floor: a service area, an outcome with a target group, an indicator, a problem area, or
    enough text."""
    if need.service_area is not None and need.service_area.code in document.get("service_area", []):
        return True
    outcomes = {t.code for t in need.outcomes} & set(document.get("outcome", []))
    groups = {t.code for t in need.target_groups} & set(document.get("target_group", []))
    if outcomes and groups:
        return True
    if {t.code for t in need.indicators} & set(document.get("indicator", [])):
        return True
    if {t.code for t in need.problem_areas} & set(document.get("problem_area", [])):
        return True
    return text >= TEXT_FLOOR


def possible_points(need: Need) -> float:
    """The most a provider can earn for ``need``: text plus each component the need states."""
    stated = {
        "text": True,
        "outcomes": bool(need.outcomes),
        "aims": bool(need.aims),
        "locality": bool(need.localities),
        "service_area": need.service_area is not None,
        "target_groups": bool(need.target_groups),
        "indicators": bool(need.indicators),
        "problem_areas": bool(need.problem_areas),
        "ages": need.age_min is not None or need.age_max is not None,
        "price": need.budget_max_pence is not None,
    }
    return sum(WEIGHTS[name] for name, on in stated.items() if on)


def fit_label(need: Need, points: float) -> str:
    """Strong, Good or Partial: the share of the points this need makes possible."""
    share = points / (possible_points(need) or 1.0)
    return next(label for threshold, label in LABELS if share >= threshold)


@dataclass
class PairScore:
    points: float
    label: str
    reasons: list[str]
    missing: list[str]


def score_pair(
    need: Need, document: dict, direct: set[str], postcode: str | None, place: NeedPlace | None = None
) -> PairScore | None:
    """The one score of a provider (its search document) for a need, or None when it is not a match at all.

    Both sides call this, so a pair scores the same on the commissioner's matches and the provider's opportunities.
    """
    place = place or need_place(need)
    if not passes_hard_filters(need, document, place):
        return None
    where = placement(place, direct, set(document.get("locality", [])), postcode)
    if where is None:
        return None
    text = text_fit(need, document)
    if not real_fit(need, document, text):
        return None
    fit = structured_fit(need, document, direct, where.fraction)
    fit.add("text", text)
    reasons = [*where.reasons, *fit.reasons]
    if text >= TEXT_STRONG:
        reasons.append("Strong text match")
    points = round(fit.points, 3)
    return PairScore(points, fit_label(need, points), reasons, [*where.missing, *fit.missing])


# The provider's side ---------------------------------------------------------------------------------------------


def _organisation_direct(organisation: Organisation) -> set[str]:
    codes = {locality.ons_code for locality in organisation.localities}
    codes.update(locality.ons_code for offer in organisation.offers for locality in offer.localities)
    return codes


def _weight(stem: str) -> float:
    return GENERIC_WEIGHT if stem in _GENERIC_STEMS else 1.0


def text_fit(need: Need, document: dict) -> float:
    """Weighted share of the need's distinct (stemmed) words found in the provider's text, doubled, capped at 1.

    Generic words ("people", "children", "support") weigh a quarter, so one shared generic word is never a fit.
    The title's words are counted twice: a need's title says what it is for.
    """
    wanted = held_stems(need_text(need))
    if not wanted:
        return 0.0
    title = held_stems(need.title or "")
    held = held_stems(document_text(document))
    total = sum(_weight(stem) * (2 if stem in title else 1) for stem in wanted)
    found = sum(_weight(stem) * (2 if stem in title else 1) for stem in wanted & held)
    return min(1.0, 2 * found / total)


# Providers for a need ---------------------------------------------------------------------------------------------


def _candidate_ids(need: Need, place: NeedPlace) -> set[str]:
    """Candidate ids passing the engine's hard filters: text hits, those sharing the need's structure, those
    contributing to its National Indicators, and (for a framework statement only the scorer reads) the first
    :data:`CANDIDATE_LIMIT` of the area's hard-filtered pool."""
    engine = engine_for(current_app)
    filters = hard_filters(need, place)
    ids = set(engine.match_ids(SearchQuery(text=need_text(need), filters=filters), limit=CANDIDATE_LIMIT))
    structure = {
        "outcome": {t.code for t in need.outcomes},
        "service_area": {need.service_area.code} if need.service_area is not None else set(),
        "target_group": {t.code for t in need.target_groups},
    }
    for name, values in [*((n, v) for n, v in structure.items() if v), ("pool", set())]:
        extra = {name: values} if values else {}
        ids.update(engine.ids(SearchQuery(filters={**filters, **extra}, page_size=CANDIDATE_LIMIT)))
    ids.update(_indicator_candidates(need))
    return ids


def _indicator_candidates(need: Need) -> set[str]:
    """Published organisations contributing to one of the need's National Indicators (the index has no such field)."""
    wanted = [term.id for term in need.indicators]
    if not wanted:
        return set()
    query = (
        select(organisation_indicator.c.organisation_id)
        .join(Organisation, Organisation.id == organisation_indicator.c.organisation_id)
        .where(organisation_indicator.c.term_id.in_(wanted), Organisation.status == OrganisationStatus.PUBLISHED)
        .limit(CANDIDATE_LIMIT)
    )
    return {organisation_doc_id(organisation_id) for organisation_id in db.session.scalars(query)}


def need_side(need: Need, place: NeedPlace) -> NeedSide:
    """The need's side of :func:`score_pair`, worked out once for the first pass (:mod:`.first_pass`)."""
    wanted = held_stems(need_text(need))
    title = held_stems(need.title or "")
    stems = {stem: _weight(stem) * (2 if stem in title else 1) for stem in wanted}
    return NeedSide(
        weights=WEIGHTS,
        place=place,
        has_localities=bool(place.areas),
        filters=tuple((name, frozenset(values)) for name, values in hard_filters(need, place).items()),
        ages=(need.age_min, need.age_max),
        outcomes=tuple(t.code for t in need.outcomes),
        aims=tuple(t.code for t in need.aims),
        service_area=need.service_area.code if need.service_area is not None else None,
        target_groups=tuple(t.code for t in need.target_groups),
        indicators=tuple(t.code for t in need.indicators),
        problem_areas=tuple(t.code for t in need.problem_areas),
        budget=need.budget_max_pence,
        stems=stems,
        text_total=sum(stems.values()),
        text_floor=TEXT_FLOOR,
    )


def match_need(need: Need, top: int = 20) -> list[MatchResult]:
    """The published organisations (and consortia, if welcome) that fit ``need``, best first.

    The candidates' documents and rows are loaded in bulk (:class:`DocumentBatch`) and the track record only for
    the results shown, so the page's SQL queries do not grow with the number of candidates. Every candidate is
    scored as a bare number first (:func:`first_pass.points`); only the ``top`` shown are explained by
    :func:`score_pair`, which gives them the same score. A worker keeps the ranked list until anything it read
    changes (:mod:`marketplace.matching.cache`).
    """
    return _with_track_records(cached_ranking(need, top, _ranked_afresh))


def _ranked_afresh(need: Need, top: int) -> list[MatchResult]:
    with collector_paused():  # and the candidates are freed before it runs again: see _two_passes
        return _two_passes(need, top)


def _two_passes(need: Need, top: int) -> list[MatchResult]:
    """Every candidate's score (first pass), then the ``top`` explained; its candidates go when it returns."""
    place = need_place(need)
    ids = _candidate_ids(need, place)
    if not ids:
        return []
    batch = DocumentBatch(db.session, ids, versioned=False)  # scored, never indexed: no version hash
    side = need_side(need, place)
    scored = []
    for document in batch.documents:
        points = first_pass.points(side, document, batch.provider_facts(document["id"])[0])
        if points is not None:
            scored.append((-points, tie_key(document["id"]), document))
    scored.sort(key=lambda entry: entry[:2])
    results = [_explained(need, document, batch, place) for _, _, document in scored[: max(0, top)]]
    return [result for result in results if result is not None]


def _explained(need: Need, document: dict, batch: DocumentBatch, place: NeedPlace) -> MatchResult | None:
    """One of the results shown, scored and explained by :func:`score_pair`."""
    direct, postcode = batch.provider_facts(document["id"])
    pair = score_pair(need, document, direct, postcode, place)
    if pair is None:  # never: the first pass applies the same filters
        return None
    prefix = ORGANISATION_PREFIX if document["kind"] == "organisation" else CONSORTIUM_PREFIX
    return MatchResult(
        id=document["id"],
        name=document["name"],
        score=pair.points,
        reasons=pair.reasons,
        missing=pair.missing,
        kind=document["kind"],
        object_id=int(document["id"].removeprefix(prefix)),
        label=pair.label,
    )


def _with_track_records(results: list[MatchResult]) -> list[MatchResult]:
    """The published close-out track record as a reason line, added after scoring: a fact the commissioner
    weighs, never a hidden boost (the score is :func:`score_pair`'s alone)."""
    lines = track_record_reasons((result.kind, result.object_id) for result in results)
    for result in results:
        line = lines.get((result.kind, result.object_id))
        if line:
            result.reasons = [*result.reasons, line]
    return results


# Needs for a provider ---------------------------------------------------------------------------------------------


def open_needs() -> list[Need]:
    return list(db.session.scalars(select(Need).where(Need.status == NeedStatus.OPEN)))


def opportunities_for(organisation: Organisation, top: int = 20) -> list[MatchResult]:
    """The open needs that fit ``organisation``, best first, scored by the same :func:`score_pair`."""
    document = organisation_document(organisation)
    direct = _organisation_direct(organisation)
    results = []
    for need in open_needs():
        pair = score_pair(need, document, direct, organisation.postcode or None)
        if pair is None:
            continue
        results.append(
            MatchResult(
                id=f"need-{need.id}",
                name=need.title,
                score=pair.points,
                reasons=pair.reasons,
                missing=pair.missing,
                kind="need",
                object_id=need.id,
                label=pair.label,
            )
        )
    return _ranked(results, top)


def find_need(ref: str) -> Need | None:
    return db.session.scalar(select(Need).where(Need.ref == ref))
