"""The search interface every engine implements, the query and result types, and the engine factory.

Two embedded engines sit behind it and pass the same contract tests: Whoosh (pure Python, the default) and
tantivy (Rust, for large directories). Pick one with ``SEARCH_ENGINE`` (``whoosh`` | ``tantivy``); the index
lives under ``SEARCH_INDEX_DIR``.

Filter semantics: ``filters`` maps a facet field to a set of values — values within a field are ORed, fields
are ANDed. ``age``/``age_to`` keep documents whose age range overlaps the wanted range (a document that states
no ages serves all ages). ``max_price_pence`` keeps documents whose cheapest offer costs at most that much.
Facet counts are computed over the whole filtered result set. ``near`` maps outcodes to their distance (km)
from a searcher's postcode: only documents whose ``outcode`` is a key are kept, and ``sort="distance"`` orders
them nearest first. It is a filter like any other, answered from the facet table's outcode bitsets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from flask import Flask

# Keyword fields usable as filters and facets (booleans are indexed as "true"/"false").
FACET_FIELDS: tuple[str, ...] = (
    "kind",
    "outcome",
    "aim",
    "locality",
    "organisation_type",
    "service_area",
    "target_group",
    "accreditation",
    "kitemarked",
    "safeguarding_verified",
    "in_consortium",
    "indicator",
    "problem_area",
    # ISO day of the last confirmation; "in the last 6 months" filters on the set of days since then.
    "confirmed_on",
)
BOOLEAN_FIELDS = frozenset({"kitemarked", "safeguarding_verified", "in_consortium"})
# Free-text fields and their boosts: name > outcome statements > offers > description.
TEXT_FIELDS: dict[str, float] = {"name": 4.0, "outcomes_text": 3.0, "offers_text": 2.0, "description": 1.0}
ENGINES = ("whoosh", "tantivy")
MAX_PAGE_SIZE = 200
AGE_UNSTATED_MIN = 0
AGE_UNSTATED_MAX = 120


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: Mapping[str, Iterable[str | bool]] = field(default_factory=dict)
    age: int | None = None
    age_to: int | None = None
    max_price_pence: int | None = None
    sort: Literal["relevance", "name", "distance"] = "relevance"
    page: int = 1
    page_size: int = 20
    facets: tuple[str, ...] = ()
    # "all": every word must match (directory search); "any": rank by any word (matching).
    text_mode: Literal["all", "any"] = "all"
    # Outcode → km from the searcher; None: no distance filter.
    near: Mapping[str, float] | None = None

    def normalised_filters(self) -> dict[str, frozenset[str]]:
        """Known facet fields only, values as strings ("true"/"false" for booleans); empty sets dropped."""
        result: dict[str, frozenset[str]] = {}
        for name, values in (self.filters or {}).items():
            if name not in FACET_FIELDS or values is None:
                continue
            if isinstance(values, (str, bool)):
                values = [values]
            cleaned = frozenset(keyword_value(value) for value in values)
            if cleaned:
                result[name] = cleaned
        return result

    def age_range(self) -> tuple[int, int] | None:
        if self.age is None and self.age_to is None:
            return None
        low = self.age if self.age is not None else self.age_to
        high = self.age_to if self.age_to is not None else self.age
        low, high = sorted((int(low), int(high)))  # type: ignore[arg-type]
        return low, high

    @property
    def offset(self) -> int:
        return (self.safe_page - 1) * self.safe_page_size

    @property
    def safe_page(self) -> int:
        return max(1, int(self.page or 1))

    @property
    def safe_page_size(self) -> int:
        return max(1, min(MAX_PAGE_SIZE, int(self.page_size or 20)))


@dataclass(frozen=True)
class SearchHit:
    id: str
    score: float
    name: str
    snippet: str  # HTML: escaped text with query words in <mark>
    outcode: str = ""  # the outcode of the organisation's (a consortium's lead's) postcode, for distances


@dataclass
class SearchResults:
    hits: list[SearchHit]
    total: int
    facets: dict[str, dict[str, int]]
    page: int = 1
    page_size: int = 20

    @property
    def ids(self) -> list[str]:
        return [hit.id for hit in self.hits]


def keyword_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class SearchEngine(Protocol):
    """What the rest of the app may ask of a search engine."""

    name: str

    def index(self, documents: Iterable[dict]) -> None:
        """Add or replace documents (by ``id``)."""

    def delete(self, ids: Iterable[str]) -> None:
        """Remove documents; unknown ids are ignored."""

    def update(self, documents: Iterable[dict], delete_ids: Iterable[str]) -> None:
        """Index and delete in one commit."""

    def search(self, query: SearchQuery) -> SearchResults:
        """Directory search: text, filters, sort, pagination and facet counts."""

    def match(self, query: SearchQuery, *, limit: int = 20) -> SearchResults:
        """Hard filters first, then rank the candidates by any of the query words."""

    def match_ids(self, query: SearchQuery, *, limit: int = 20) -> list[str]:
        """The ids of :meth:`match`'s hits, in its order (no stored documents read, no snippets made)."""

    def ids(self, query: SearchQuery) -> list[str]:
        """The ids of :meth:`search`'s hits for ``query`` without facets, in its order (nothing else built)."""

    def ids_and_versions(self) -> dict[str, str]:
        """Every indexed document id with its version stamp (for ``check``)."""

    def clear(self) -> None:
        """Remove every document."""

    def rebuild(self, documents: Iterable[dict]) -> int:
        """Build a complete new index beside the live one and swap it in atomically; returns the count."""

    def size_bytes(self) -> int:
        """Bytes on disk of the live index."""

    def generation(self) -> tuple[str, str] | None:
        """The live index's directory and commit token: changes with every commit and rebuild (None: no index)."""

    def has_index(self) -> bool:
        """Whether a live index exists (``flask search rebuild`` creates it); changes before then wait in the feed."""


def open_engine(kind: str, root: str) -> SearchEngine:
    """An engine of ``kind`` storing its index under ``root``."""
    if kind == "whoosh":
        from marketplace.search.engines.whoosh_engine import WhooshEngine

        return WhooshEngine(root)
    if kind == "tantivy":
        from marketplace.search.engines.tantivy_engine import TantivyEngine

        return TantivyEngine(root)
    raise ValueError(f"Unknown SEARCH_ENGINE {kind!r}; use one of {', '.join(ENGINES)}")


def engine_for(app: Flask) -> SearchEngine:
    """The app's engine, chosen by ``SEARCH_ENGINE`` (default whoosh); one instance per app and setting."""
    kind = app.config.get("SEARCH_ENGINE", "whoosh")
    root = str(app.config["SEARCH_INDEX_DIR"])
    engines = app.extensions.setdefault("search_engines", {})
    key = (kind, root)
    if key not in engines:
        engines[key] = open_engine(kind, root)
    return engines[key]
