"""``ids`` and ``match_ids``: the same hits as ``search`` and ``match``, in the same order, without the hits' stored
documents and snippets (matching reads only its candidates' ids)."""

from __future__ import annotations

import pytest

from marketplace.search.engines.engine import SearchQuery
from tests.search.test_engines import corpus, engine  # noqa: F401  # the engine fixture: one per engine

QUERIES = [
    SearchQuery(text="music drama", page_size=15),
    SearchQuery(text="music", filters={"outcome": {"enjoy"}}, page=2, page_size=3),
    SearchQuery(filters={"locality": {"E1", "E2"}}, page_size=200),
    SearchQuery(filters={"safeguarding_verified": {True}}, age=6, page=2, page_size=7),
    SearchQuery(text="heritage", sort="name", page_size=30),
    SearchQuery(text="nothingmatches"),
]


@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
def test_ids_are_the_search_hits_in_order(engine, query):  # noqa: F811
    engine.index(corpus())
    assert engine.ids(query) == engine.search(query).ids
    assert engine.ids(query) != [] or query.text == "nothingmatches"


@pytest.mark.parametrize("limit", [1, 12, 200])
def test_match_ids_are_the_match_hits_in_order(engine, limit):  # noqa: F811
    engine.index(corpus())
    query = SearchQuery(text="music poetry film dance", filters={"locality": {"E1", "E3"}})
    assert engine.match_ids(query, limit=limit) == engine.match(query, limit=limit).ids
    assert len(engine.match_ids(query, limit=limit)) == min(limit, len(engine.match(query, limit=200).ids))


def test_ids_before_anything_is_indexed_are_empty(tmp_path):
    from marketplace.search.engines.engine import open_engine

    for kind in ("whoosh", "tantivy"):
        assert open_engine(kind, str(tmp_path / kind)).ids(SearchQuery(text="music")) == []
