"""The Whoosh engine scores only the filtered candidates, with exactly Whoosh's own BM25F ranking."""

from __future__ import annotations

import pytest

from marketplace.search.engines.engine import TEXT_FIELDS, SearchQuery, open_engine
from marketplace.search.engines.whoosh_compat import whoosh_index, whoosh_query
from marketplace.search.engines.whoosh_engine import analysed
from tests.search.test_engines import corpus, expected_ids

QUERIES = [
    SearchQuery(text="music drama heritage poetry", filters={"locality": {"E1"}}),
    SearchQuery(text="science history film", filters={"locality": {"E2", "E4"}, "outcome": ["safe"]}, age=9),
    SearchQuery(text="dance", filters={"organisation_type": ["archive"], "safeguarding_verified": [True]}),
    SearchQuery(text="reading craft musical dramas", age=6),
    SearchQuery(text="poetry zebra"),
]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """600 documents in several segments, one updated and one deleted (so some postings are deleted)."""
    documents = corpus(600)
    engine = open_engine("whoosh", str(tmp_path_factory.mktemp("whoosh")))
    engine.rebuild(documents[:400])
    engine.index(documents[400:])
    documents[10] = {**documents[10], "description": "poetry poetry film", "name": "Renamed Poetry House"}
    engine.index([documents[10]])
    engine.delete([documents[20]["id"]])
    return engine, [document for number, document in enumerate(documents) if number != 20]


def whoosh_ranking(engine, query: SearchQuery, documents: list[dict], mode: str) -> list[tuple[str, float]]:
    """Whoosh's own query over every document (no limit, so no shortcuts), filtered afterwards in Python."""
    clauses = [
        whoosh_query.Or([whoosh_query.Term(field, token, boost=boost) for field, boost in TEXT_FIELDS.items()])
        for token in analysed(query.text.split())
    ]
    compiled = whoosh_query.And(clauses) if mode == "all" else whoosh_query.Or(clauses)
    allowed = expected_ids(documents, query)
    with whoosh_index.open_dir(str(engine.live_directory())).searcher() as searcher:
        results = searcher.search(compiled, limit=None, terms=False)
        ranked = [(searcher.stored_fields(docnum)["id"], score, docnum) for score, docnum in results.top_n]
    ranked.sort(key=lambda hit: (-hit[1], hit[2]))
    return [(doc_id, score) for doc_id, score, _ in ranked if doc_id in allowed]


@pytest.mark.parametrize("query", QUERIES)
def test_match_returns_whooshs_own_best_candidates_with_its_scores(indexed, query):
    engine, documents = indexed
    expected = whoosh_ranking(engine, query, documents, "any")

    results = engine.match(query, limit=10)

    assert results.ids == [doc_id for doc_id, _ in expected[:10]]
    assert [hit.score for hit in results.hits] == pytest.approx([score for _, score in expected[:10]])
    assert results.total == len(expected)


@pytest.mark.parametrize("query", QUERIES)
def test_search_requires_every_word_and_keeps_whooshs_scores(indexed, query):
    engine, documents = indexed
    expected = whoosh_ranking(engine, query, documents, "all")

    results = engine.search(SearchQuery(text=query.text, filters=query.filters, age=query.age, page_size=200))

    assert sorted(results.ids) == sorted(doc_id for doc_id, _ in expected)
    assert {hit.id: hit.score for hit in results.hits} == pytest.approx(dict(expected))


def test_a_deleted_or_replaced_document_is_never_scored_from_its_old_postings(indexed):
    engine, _ = indexed

    renamed = engine.match(SearchQuery(text="renamed"), limit=5)

    assert renamed.ids == ["org-11"]
    assert "org-21" not in engine.match(SearchQuery(text="music drama heritage"), limit=600).ids
