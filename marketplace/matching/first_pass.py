"""The matches page's first pass: each candidate's score as a bare number, so only the page shown is explained.

A regional need has hundreds of candidates and the page shows 20. :func:`marketplace.matching.ranking.score_pair`
scores a pair *and* explains it (a reason or a gap for every component, label lists, prices, distances), and
explaining was most of its cost. Here the need's side is worked out once (:class:`NeedSide`: its codes as sets, its
words stemmed and weighed, its hard filters) and :func:`points` gives the same number as ``score_pair`` — the same
filters and relevance floor, the same components added in the same order, the same rounding — with no strings
built; ``score_pair`` then explains the 20 shown. ``tests/search/web/test_matching_two_pass.py`` holds the two to
the same scores and the same top 20 on a varied directory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from marketplace.matching.ages import excluded_by_ages
from marketplace.matching.places import NeedPlace, placement_fraction
from marketplace.search.engines.text import STOP_WORDS, _stem

TEXT_FIELDS = ("name", "outcomes_text", "offers_text", "description", "frameworks_text")
_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=2048)
def held_stems(text: str) -> frozenset[str]:
    """The distinct stemmed words (over two letters, not stop words) of a provider's or a need's text.

    Each distinct word is stemmed once (a long text repeats its words), and the same text is not stemmed again on
    the next request: a pure function of the text, so the cache can never be stale (2,048 texts at most: a regional
    need's 460 candidates took 1.7 MB).
    """
    words = set(_WORD.findall(text.lower()))
    return frozenset(_stem(word) for word in words if len(word) > 2 and word not in STOP_WORDS)


def document_text(document: Mapping) -> str:
    """The words a provider is matched on: its name, statements, offers, description and framework statements."""
    return " ".join(document.get(field, "") for field in TEXT_FIELDS)


@dataclass(frozen=True)
class NeedSide:
    """What the first pass reads of a need, worked out once per ranking."""

    weights: Mapping[str, float]
    place: NeedPlace
    has_localities: bool
    filters: tuple[tuple[str, frozenset], ...]
    ages: tuple[int | None, int | None]
    outcomes: tuple[str, ...]
    aims: tuple[str, ...]
    service_area: str | None
    target_groups: tuple[str, ...]
    indicators: tuple[str, ...]
    problem_areas: tuple[str, ...]
    budget: int | None
    stems: Mapping[str, float]  # the need's stemmed words → weight (generic words a quarter, title words twice)
    text_total: float
    text_floor: float

    def text_fraction(self, document: Mapping) -> float:
        """``ranking.text_fit``: the weighted share of the need's words found, doubled, capped at 1."""
        if not self.stems:
            return 0.0
        held = held_stems(document_text(document))
        found = sum(weight for stem, weight in self.stems.items() if stem in held)
        return min(1.0, 2 * found / self.text_total)

    def real_fit(self, document: Mapping, text: float) -> bool:
        """``ranking.real_fit``: the relevance floor."""
        if self.service_area is not None and self.service_area in document.get("service_area", []):
            return True
        if _shares(self.outcomes, document.get("outcome", [])) and _shares(
            self.target_groups, document.get("target_group", [])
        ):
            return True
        if _shares(self.indicators, document.get("indicator", [])):
            return True
        if _shares(self.problem_areas, document.get("problem_area", [])):
            return True
        return text >= self.text_floor

    def passes_hard_filters(self, document: Mapping) -> bool:
        """``ranking.passes_hard_filters``: the ages, then every engine filter."""
        if excluded_by_ages(self.ages, document):  # type: ignore[arg-type]
            return False
        for name, values in self.filters:
            value = document.get(name)
            if isinstance(value, list):
                if values.isdisjoint(value):
                    return False
            elif value not in values:
                return False
        return True

    def price_fits(self, document: Mapping) -> bool:
        """``ranking._price_fit`` earns its point: an offer like the need's within budget."""
        prices = [
            offer["price_pence"]
            for offer in document.get("offer_prices", [])
            if (self.service_area is None and not self.outcomes)
            or self.service_area in offer["service_area"]
            or not set(self.outcomes).isdisjoint(offer["outcome"])
        ]
        return bool(prices) and min(prices) <= self.budget  # type: ignore[operator]


def _shares(wanted: tuple[str, ...], held: Iterable[str]) -> bool:
    return bool(wanted) and not set(wanted).isdisjoint(held)


def _share(wanted: tuple[str, ...], held: Iterable[str]) -> float:
    held = set(held)
    return sum(1 for code in wanted if code in held) / len(wanted)


def points(side: NeedSide, document: Mapping, direct: set[str]) -> float | None:
    """The score ``score_pair`` gives the pair, or None when it is not a match; no reasons, no label."""
    if not side.passes_hard_filters(document):
        return None
    fraction = placement_fraction(side.place, direct, set(document.get("locality", [])))
    if fraction is None:
        return None
    text = side.text_fraction(document)
    if not side.real_fit(document, text):
        return None
    return round(_total(side, document, fraction, text), 3)


def _total(side: NeedSide, document: Mapping, fraction: float, text: float) -> float:
    """The components added in ``score_pair``'s order (locality, outcomes, aims, service area, target groups,
    indicators, problem areas, ages, price, then text), so the float sum and its rounding are the same."""
    shares: list[tuple[str, float]] = []
    if side.has_localities:
        shares.append(("locality", fraction))
    for component, field, wanted in (("outcomes", "outcome", side.outcomes), ("aims", "aim", side.aims)):
        if wanted:
            shares.append((component, _share(wanted, document.get(field, []))))
    if side.service_area is not None and side.service_area in document.get("service_area", []):
        shares.append(("service_area", 1.0))
    for component, field, wanted in (
        ("target_groups", "target_group", side.target_groups),
        ("indicators", "indicator", side.indicators),
        ("problem_areas", "problem_area", side.problem_areas),
    ):
        if wanted:
            shares.append((component, _share(wanted, document.get(field, []))))
    if side.ages != (None, None):
        shares.append(("ages", 1.0))
    if side.budget is not None and side.price_fits(document):
        shares.append(("price", 1.0))
    shares.append(("text", text))
    total = 0.0
    for component, share in shares:
        total += side.weights[component] * max(0.0, min(1.0, share))
    return total
