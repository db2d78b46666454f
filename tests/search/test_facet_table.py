"""The facet table: loading many documents at once gives the same table as putting them one by one."""

from __future__ import annotations

from marketplace.search.engines.engine import SearchQuery
from marketplace.search.engines.facets import FacetTable
from tests.search.test_engines import corpus


def _state(table: FacetTable) -> tuple:
    bits = {field: {value: found for value, found in values.items() if found} for field, values in table.bits.items()}
    buckets = (table._by_age_min, table._by_age_max, table._by_outcode)
    return (
        table.ids,
        table.names,
        table.ages,
        table.prices,
        table.outcodes,
        table.alive,
        bits,
        [{key: found for key, found in bucket.items() if found} for bucket in buckets],
    )


def test_loading_at_once_matches_putting_one_by_one_with_a_repeated_id():
    documents = [{**document, "outcode": f"DE{number % 7}"} for number, document in enumerate(corpus(200))]
    repeated = {**documents[3], "name": "Renamed Trust", "outcome": ["safe"], "outcode": "NG1", "age_min": 3}
    documents.append(repeated)
    one_by_one = FacetTable()
    for document in documents:
        one_by_one.put(document)

    loaded = FacetTable(documents)

    assert _state(loaded) == _state(one_by_one)
    query = SearchQuery(filters={"outcome": {"safe"}}, age=4, near={"NG1": 1.0, "DE2": 5.0})
    assert loaded.filter_bits(query) == one_by_one.filter_bits(query) != 0


def test_removing_a_loaded_document_clears_every_bit_it_set():
    documents = corpus(50)
    table = FacetTable(documents)

    for document in documents[:10]:
        table.remove(document["id"])

    removed = table.bits_of(range(10))
    assert all(not found & removed for values in table.bits.values() for found in values.values())
    assert not table._by_outcode.get("", 0) & removed and not table.alive & removed
    fresh = FacetTable(documents[10:])
    assert table.facet_counts(table.alive, ["outcome", "locality", "organisation_type"]) == fresh.facet_counts(
        fresh.alive, ["outcome", "locality", "organisation_type"]
    )
    assert len(table) == 40
