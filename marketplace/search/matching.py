"""Matching: the providers (and consortia) that fit a need, and the open needs that fit a provider.

Hard filters come first and exclude: the need's requirements (safeguarding verified, kitemarked, the named
accreditation scheme; consortia only when the need welcomes them) and its localities (an organisation serving a
locality overlapping one of the need's: itself, its county, or — for a county need — any of its districts; see
:mod:`marketplace.reference.geography`). The candidates that pass are scored by

====================  ======  ===============================================================================
component             weight  fraction earned
====================  ======  ===============================================================================
text relevance          3     the engine's relevance for the need's words, divided by the best candidate's
ECM outcomes            3     share of the need's outcomes the provider covers
ECM aims                2     share of the need's aims the provider works towards
locality                2     1 for the exact locality, 0.75 via its county, 0.5 for a district of a county need
service area            2     1 when the provider offers the need's service area
target groups           1     share of the need's target groups the provider works with
ages                    1     1 when the age ranges overlap (unstated ages serve all ages)
price                   1     1 when the cheapest offer is within the need's maximum budget
====================  ======  ===============================================================================

A component the need does not state (no aims, no budget…) earns nothing for anyone, so it never reorders
results. Equal scores are ordered by the SHA-256 of the document id, never by name, so no provider is favoured
by its name. Every result explains itself: ``reasons`` (what fits) and ``missing`` (what does not).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from marketplace.commissioning.models import Need, NeedStatus
from marketplace.directory.models import Consortium, Organisation
from marketplace.extensions import db
from marketplace.reference.geography import overlapping_codes
from marketplace.reference.models import Term
from marketplace.search.documents import (
    CONSORTIUM_PREFIX,
    ORGANISATION_PREFIX,
    _published_members,
    documents_for_ids,
    organisation_document,
)
from marketplace.search.engine import SearchQuery, engine_for
from marketplace.search.text import STOP_WORDS

WEIGHTS: dict[str, float] = {
    "text": 3.0,
    "outcomes": 3.0,
    "aims": 2.0,
    "locality": 2.0,
    "service_area": 2.0,
    "target_groups": 1.0,
    "ages": 1.0,
    "price": 1.0,
}
CANDIDATE_LIMIT = 200  # text-ranked candidates, plus up to this many more that share the need's structure
_WORD = re.compile(r"\w+", re.UNICODE)


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

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "score": self.score,
            "reasons": self.reasons,
            "missing": self.missing,
        }


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


def hard_filters(need: Need) -> dict[str, set]:
    """The engine filters every candidate must pass."""
    filters: dict[str, set] = {"kind": {"organisation", "consortium"} if need.consortium_welcome else {"organisation"}}
    if need.requires_safeguarding_verified:
        filters["safeguarding_verified"] = {True}
    if need.requires_kitemark:
        filters["kitemarked"] = {True}
    if need.required_accreditation is not None:
        filters["accreditation"] = {need.required_accreditation.code}
    codes = overlapping_codes(need.localities)
    if codes:
        filters["locality"] = codes
    return filters


def passes_hard_filters(need: Need, document: dict) -> bool:
    """The same filters as :func:`hard_filters`, applied to one document (for opportunities)."""
    for name, values in hard_filters(need).items():
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

    def listed(found: list[Term]) -> str:  # groups read in lower case ("Works with young carers")
        return ", ".join(_lower_first(t.label) if component == "target_groups" else t.label for t in found)

    if covered:
        fit.reasons.append(f"{verb} {listed(covered)}")
    if uncovered:
        fit.missing.append(f"{negative} {listed(uncovered)}")


def _locality_fit(fit: _Fit, need: Need, direct: set[str]) -> None:
    """Exact locality 1, via its county 0.75, a district of a county need 0.5 (mean over the need's localities)."""
    if not need.localities:
        return
    earned = 0.0
    for locality in need.localities:
        districts = [d for d in locality.districts if d.ons_code in direct]
        if locality.ons_code in direct:
            earned += 1.0
            fit.reasons.append(f"Serves {locality.name}")
        elif locality.parent is not None and locality.parent.ons_code in direct:
            earned += 0.75
            fit.reasons.append(f"Serves {locality.name} (via {locality.parent.name})")
        elif districts:
            earned += 0.5
            names = ", ".join(d.name for d in sorted(districts, key=lambda d: d.name))
            fit.reasons.append(f"Serves {names} in {locality.name}")
        else:
            fit.missing.append(f"Does not serve {locality.name}")
    fit.add("locality", earned / len(need.localities))


def _ages_fit(fit: _Fit, need: Need, document: dict) -> None:
    if need.age_min is None and need.age_max is None:
        return
    low, high = need.age_min if need.age_min is not None else 0, need.age_max if need.age_max is not None else 120
    doc_low = document.get("age_min") if document.get("age_min") is not None else 0
    doc_high = document.get("age_max") if document.get("age_max") is not None else 120
    if doc_low <= high and low <= doc_high:
        fit.add("ages", 1.0)
        if document.get("age_min") is None and document.get("age_max") is None:
            fit.reasons.append("Works with all ages")
        else:
            fit.reasons.append(f"Works with ages {doc_low}–{doc_high}")
    else:
        fit.missing.append(f"Works with ages {doc_low}–{doc_high}, not {low}–{high}")


def _price_fit(fit: _Fit, need: Need, document: dict) -> None:
    if need.budget_max_pence is None:
        return
    price = document.get("min_price_pence")
    if price is None:
        fit.missing.append("No prices stated")
    elif price <= need.budget_max_pence:
        fit.add("price", 1.0)
        fit.reasons.append(f"Price {_pounds(price)} within budget")
    else:
        fit.missing.append("No offers within budget")


def structured_fit(need: Need, document: dict, direct_localities: set[str]) -> _Fit:
    """Everything but text relevance: outcomes, aims, locality, service area, target groups, ages, price."""
    fit = _Fit()
    _locality_fit(fit, need, direct_localities)
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
    _ages_fit(fit, need, document)
    _price_fit(fit, need, document)
    return fit


# Direct localities (to tell "Serves Amber Valley" from "via Derbyshire") ------------------------------------------


def _organisation_direct(organisation: Organisation) -> set[str]:
    codes = {locality.ons_code for locality in organisation.localities}
    codes.update(locality.ons_code for offer in organisation.offers for locality in offer.localities)
    return codes


def _direct_localities(doc_id: str) -> set[str]:
    if doc_id.startswith(ORGANISATION_PREFIX):
        organisation = db.session.get(Organisation, int(doc_id.removeprefix(ORGANISATION_PREFIX)))
        return _organisation_direct(organisation) if organisation is not None else set()
    consortium = db.session.get(Consortium, int(doc_id.removeprefix(CONSORTIUM_PREFIX)))
    if consortium is None:
        return set()
    return {code for member in _published_members(consortium) for code in _organisation_direct(member)}


# Providers for a need ---------------------------------------------------------------------------------------------


def _candidate_scores(need: Need) -> dict[str, float]:
    """Candidate ids (hard filters passed) with their raw text relevance (0 for structural-only candidates)."""
    engine = engine_for(current_app)
    filters = hard_filters(need)
    text_hits = engine.match(SearchQuery(text=need_text(need), filters=filters), limit=CANDIDATE_LIMIT)
    scores = {hit.id: hit.score for hit in text_hits.hits}
    structure = {
        "outcome": {t.code for t in need.outcomes},
        "service_area": {need.service_area.code} if need.service_area is not None else set(),
        "target_group": {t.code for t in need.target_groups},
    }
    for name, values in structure.items():
        if not values:
            continue
        query = SearchQuery(filters={**filters, name: values}, page_size=CANDIDATE_LIMIT)
        for hit in engine.search(query).hits:
            scores.setdefault(hit.id, 0.0)
    return scores


def match_need(need: Need, top: int = 20) -> list[MatchResult]:
    """The published organisations (and consortia, if welcome) that fit ``need``, best first."""
    scores = _candidate_scores(need)
    if not scores:
        return []
    documents, _ = documents_for_ids(db.session, scores)
    best = max(scores.values()) or 1.0
    results = []
    for document in documents:
        if not passes_hard_filters(need, document):  # the index may lag the database
            continue
        fit = structured_fit(need, document, _direct_localities(document["id"]))
        text = scores.get(document["id"], 0.0) / best
        fit.add("text", text)
        if text >= 0.5:
            fit.reasons.append("Strong text match")
        prefix = ORGANISATION_PREFIX if document["kind"] == "organisation" else CONSORTIUM_PREFIX
        results.append(
            MatchResult(
                id=document["id"],
                name=document["name"],
                score=round(fit.points, 3),
                reasons=fit.reasons,
                missing=fit.missing,
                kind=document["kind"],
                object_id=int(document["id"].removeprefix(prefix)),
            )
        )
    return _ranked(results, top)


# Needs for a provider ---------------------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.lower()) if len(word) > 2 and word not in STOP_WORDS}


def text_overlap(need: Need, document: dict) -> float:
    """Share of the need's distinct words found in the provider's text (0..1)."""
    wanted = _words(need_text(need))
    if not wanted:
        return 0.0
    held = _words(" ".join(document.get(f, "") for f in ("name", "outcomes_text", "offers_text", "description")))
    return len(wanted & held) / len(wanted)


def open_needs() -> list[Need]:
    return list(db.session.scalars(select(Need).where(Need.status == NeedStatus.OPEN)))


def opportunities_for(organisation: Organisation, top: int = 20) -> list[MatchResult]:
    """The open needs that fit ``organisation``, best first, with the same reasons as :func:`match_need`."""
    document = organisation_document(organisation)
    direct = _organisation_direct(organisation)
    results = []
    for need in open_needs():
        if not passes_hard_filters(need, document):
            continue
        fit = structured_fit(need, document, direct)
        fit.add("text", text_overlap(need, document))
        results.append(
            MatchResult(
                id=f"need-{need.id}",
                name=need.title,
                score=round(fit.points, 3),
                reasons=fit.reasons,
                missing=fit.missing,
                kind="need",
                object_id=need.id,
            )
        )
    return _ranked(results, top)


def find_need(ref: str) -> Need | None:
    return db.session.scalar(select(Need).where(Need.ref == ref))
