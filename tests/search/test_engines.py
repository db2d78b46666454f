"""Contract tests: every engine behind the search interface behaves the same."""

from __future__ import annotations

import random
import threading
from dataclasses import replace

import pytest

from marketplace.search.engines.base import IndexMissing
from marketplace.search.engines.engine import FACET_FIELDS, SearchQuery, open_engine
from marketplace.search.engines.facets import document_ages, document_values

ENGINES = ["whoosh", "tantivy"]


def doc(number: int, name: str, **fields) -> dict:
    document = {
        "id": f"org-{number}",
        "kind": "organisation",
        "name": name,
        "outcomes_text": "",
        "offers_text": "",
        "description": "",
        "version": f"v{number}",
    }
    document.update(fields)
    return document


@pytest.fixture(params=ENGINES)
def engine(request, tmp_path):
    engine = open_engine(request.param, str(tmp_path / "index"))
    engine.clear()  # only a rebuild creates an index; writes need one
    return engine


def corpus(size: int = 60) -> list[dict]:
    rng = random.Random(7)
    words = ["music", "drama", "heritage", "reading", "craft", "science", "dance", "history", "poetry", "film"]
    documents = []
    for number in range(1, size + 1):
        low = rng.choice([None, 0, 5, 8, 11])
        documents.append(
            doc(
                number,
                f"{rng.choice(words).title()} Trust {number:03d}",
                description=" ".join(rng.choices(words, k=8)),
                offers_text=" ".join(rng.choices(words, k=5)),
                outcome=rng.sample(["enjoy", "safe", "healthy", "positive"], k=rng.randint(0, 2)),
                locality=rng.sample(["E1", "E2", "E3", "E4"], k=rng.randint(1, 2)),
                organisation_type=[rng.choice(["museum", "library", "archive"])],
                safeguarding_verified=rng.random() < 0.5,
                age_min=low,
                age_max=None if low is None else low + rng.randint(2, 8),
                min_price_pence=rng.choice([None, 500, 2000, 10000]),
            )
        )
    return documents


def expected_ids(documents: list[dict], query: SearchQuery) -> set[str]:
    """The filter semantics, computed plainly in Python."""
    matches = set()
    for document in documents:
        filters_ok = all(
            set(document_values(document, field)) & values for field, values in query.normalised_filters().items()
        )
        ages = query.age_range()
        low, high = document_ages(document)
        ages_ok = ages is None or (low <= ages[1] and high >= ages[0])
        if filters_ok and ages_ok:
            matches.add(document["id"])
    return matches


def all_ids(engine, query: SearchQuery) -> list[str]:
    return engine.search(query.__class__(**{**query.__dict__, "page_size": 200})).ids


def test_stemmed_text_finds_other_word_forms(engine):
    engine.index([doc(1, "Derby Museum"), doc(2, "Town Library", description="books")])

    assert engine.search(SearchQuery(text="museums")).ids == ["org-1"]
    assert engine.search(SearchQuery(text="Museum")).ids == ["org-1"]


def test_name_match_ranks_above_description_match(engine):
    engine.index(
        [
            doc(1, "Town Library", description="we hold a small pottery collection and more"),
            doc(2, "Pottery House", description="a place to visit"),
            doc(3, "Archive", offers_text="pottery workshops for groups"),
        ]
    )

    assert engine.search(SearchQuery(text="pottery")).ids == ["org-2", "org-3", "org-1"]


def test_statements_rank_above_offers_and_description(engine):
    engine.index(
        [
            doc(1, "One", description="storytelling"),
            doc(2, "Two", outcomes_text="storytelling"),
            doc(3, "Three", offers_text="storytelling"),
        ]
    )

    assert engine.search(SearchQuery(text="storytelling")).ids == ["org-2", "org-3", "org-1"]


def test_all_words_must_match_in_search_and_any_word_ranks_in_match(engine):
    engine.index([doc(1, "Music Hall", description="concerts"), doc(2, "Drama Club")])

    assert engine.search(SearchQuery(text="music drama")).ids == []
    assert set(engine.match(SearchQuery(text="music drama")).ids) == {"org-1", "org-2"}


@pytest.mark.parametrize(
    "filters, age",
    [
        ({"locality": {"E1"}}, None),
        ({"locality": {"E1", "E3"}}, None),
        ({"locality": {"E1", "E3"}, "outcome": ["enjoy"]}, None),
        ({"organisation_type": ["museum"], "safeguarding_verified": [True]}, None),
        ({}, 6),
        ({"outcome": ["safe", "healthy"]}, 12),
        ({"unknown_field": ["x"]}, None),
    ],
)
def test_filters_and_facet_counts_match_python(engine, filters, age):
    documents = corpus()
    engine.index(documents)
    query = SearchQuery(filters=filters, age=age, facets=FACET_FIELDS, page_size=200)
    expected = expected_ids(documents, query)

    for text in ("", "heritage"):
        results = engine.search(SearchQuery(**{**query.__dict__, "text": text}))
        wanted = {d["id"] for d in documents if d["id"] in expected and (not text or _mentions(d, text))}
        assert set(results.ids) == wanted
        assert results.total == len(wanted)
        chosen = [d for d in documents if d["id"] in wanted]
        for field in FACET_FIELDS:
            true_counts: dict[str, int] = {}
            for document in chosen:
                for value in document_values(document, field):
                    true_counts[value] = true_counts.get(value, 0) + 1
            assert results.facets[field] == true_counts


def _mentions(document: dict, word: str) -> bool:
    return any(word in (document.get(field) or "").lower() for field in ("name", "description", "offers_text"))


def test_age_filter_keeps_overlapping_ranges_and_unstated_ages(engine):
    engine.index(
        [
            doc(1, "Toddlers", age_min=0, age_max=4),
            doc(2, "Juniors", age_min=7, age_max=11),
            doc(3, "Everyone"),
        ]
    )

    assert set(engine.search(SearchQuery(age=9)).ids) == {"org-2", "org-3"}
    assert set(engine.search(SearchQuery(age=3, age_to=8)).ids) == {"org-1", "org-2", "org-3"}
    assert set(engine.search(SearchQuery(text="juniors", age=2)).ids) == set()


def test_max_price_keeps_cheaper_offers(engine):
    engine.index([doc(1, "Cheap", min_price_pence=100), doc(2, "Dear", min_price_pence=9000), doc(3, "Unpriced")])

    assert engine.search(SearchQuery(max_price_pence=500)).ids == ["org-1"]


def test_pagination_and_sort_by_name(engine):
    documents = corpus(30)
    engine.index(documents)
    by_name = [d["id"] for d in sorted(documents, key=lambda d: (d["name"].casefold(), d["id"]))]

    pages = [engine.search(SearchQuery(sort="name", page=page, page_size=7)) for page in range(1, 6)]

    assert [hit_id for page in pages for hit_id in page.ids] == by_name
    assert {page.total for page in pages} == {30}
    texted = engine.search(SearchQuery(text="trust", sort="name", page=2, page_size=5))
    assert texted.ids == by_name[5:10]


def test_relevance_pages_do_not_overlap(engine):
    engine.index(corpus(40))

    first = engine.search(SearchQuery(text="music", page=1, page_size=5))
    second = engine.search(SearchQuery(text="music", page=2, page_size=5))

    assert first.total == second.total > 5
    assert not set(first.ids) & set(second.ids)


def test_relevance_pages_break_score_ties_by_name_across_pages(engine):
    # Identical texts score alike: every page boundary falls inside a tie, which the name must break, the same
    # way on every page (the engine sorts only the hits that can reach the page).
    names = [f"Trust {letter}" for letter in "QWERTYUIOPASDFGHJKLZXCVBNM"]
    documents = [doc(number, name, description="music workshops") for number, name in enumerate(names, 1)]
    documents += [doc(100 + number, f"Music {name}", description="music") for number, name in enumerate(names[:9])]
    engine.index(documents)
    query = SearchQuery(text="music", facets=("kind",), page_size=4)

    pages = [engine.search(replace(query, page=page)) for page in range(1, 10)]
    whole = engine.search(replace(query, page_size=200))

    paged = [hit for page in pages for hit in page.hits]
    assert [hit.id for hit in paged] == [hit.id for hit in whole.hits]
    assert len(paged) == whole.total == len(documents)
    assert [(-hit.score, hit.name.casefold(), hit.id) for hit in paged] == sorted(
        (-hit.score, hit.name.casefold(), hit.id) for hit in paged
    )
    assert {page.facets["kind"]["organisation"] for page in pages} == {len(documents)}


def test_delete_and_replace(engine):
    engine.index([doc(1, "Old Name"), doc(2, "Other")])
    engine.index([doc(1, "New Name", version="v9")])
    engine.delete(["org-2", "org-404"])

    assert engine.search(SearchQuery(text="old")).ids == []
    assert engine.search(SearchQuery(text="new")).ids == ["org-1"]
    assert engine.ids_and_versions() == {"org-1": "v9"}


def test_clear_empties_the_index(engine):
    engine.index(corpus(5))
    engine.clear()

    assert engine.search(SearchQuery()).total == 0
    assert engine.ids_and_versions() == {}


def test_search_before_anything_is_indexed_is_empty(engine):
    results = engine.search(SearchQuery(text="anything", facets=("outcome",)))

    assert (results.ids, results.total, results.facets) == ([], 0, {"outcome": {}})


@pytest.mark.parametrize(
    "text",
    [
        '"unbalanced',
        "AND OR NOT",
        "name:(",
        "*",
        "museum*",
        "-museum +music",
        "title:[a TO z]",
        "a" * 10_000,
        "music " * 2_000,
        "ümlaut café 博物館 🎨🦖",
        "",
        "   ",
        "\x00\n\t",
        "foo_bar under_score",
        "{}[]()^~:\\/",
    ],
)
def test_any_query_text_is_safe(engine, text):
    engine.index(corpus(10) + [doc(99, "Café Ümlaut", description="博物館 music")])

    results = engine.search(SearchQuery(text=text, facets=("outcome",)))
    matched = engine.match(SearchQuery(text=text))

    assert results.total >= 0 and matched.total >= 0


def test_snippets_mark_query_words_and_escape_html(engine):
    engine.index([doc(1, "Gallery", description="<b>Bold</b> sculpture courses for families")])

    [hit] = engine.search(SearchQuery(text="sculptures")).hits

    assert "<mark>sculpture</mark>" in hit.snippet
    assert "&lt;b&gt;" in hit.snippet and "<b>" not in hit.snippet
    assert hit.name == "Gallery"


def test_another_engine_instance_sees_writes(engine, tmp_path):
    other = open_engine(engine.name, str(engine.root))
    engine.index([doc(1, "First")])
    assert other.search(SearchQuery(text="first")).ids == ["org-1"]

    engine.index([doc(2, "Second First")])
    engine.rebuild([doc(3, "Third First")])

    assert other.search(SearchQuery(text="first")).ids == ["org-3"]
    assert len([p for p in engine.root.iterdir() if p.is_dir()]) == 1


def test_without_an_index_writes_raise_and_create_nothing(tmp_path):
    for kind in ENGINES:
        engine = open_engine(kind, str(tmp_path / kind))

        with pytest.raises(IndexMissing):
            engine.index([doc(1, "Lonely Museum")])
        engine.delete(["org-1"])  # nothing to delete from: not an error

        assert engine.live_directory() is None
        assert engine.search(SearchQuery(text="museum")).total == 0


def test_a_reader_catches_up_on_another_writers_commits_without_rereading_everything(engine, monkeypatch):
    documents = corpus(30)
    engine.index(documents)
    reader = open_engine(engine.name, str(engine.root))
    assert reader.search(SearchQuery(facets=("outcome",))).total == 30  # the first load reads every document

    def read_everything(handle):
        raise AssertionError("a commit in the same index must not reload every stored document")

    monkeypatch.setattr(reader, "_stored_documents", read_everything)
    renamed = {**documents[3], "name": "Zebra Crossing Arts", "outcome": ["stay-safe"], "kitemarked": True}
    engine.update([renamed, doc(99, "Newcomer Zebra")], ["org-7"])
    engine.delete(["org-5"])
    engine.index([doc(5, "Returning Zebra")])

    query = SearchQuery(filters={"kitemarked": [True]}, facets=("outcome", "kind"))
    expected = engine.search(query)
    found = reader.search(query)
    assert (found.ids, found.total, found.facets) == (expected.ids, expected.total, expected.facets)
    assert set(reader.search(SearchQuery(text="zebra", page_size=50)).ids) == {renamed["id"], "org-5", "org-99"}
    assert reader.search(SearchQuery(page_size=200)).total == 30 + 1 - 1


def test_a_rebuild_elsewhere_reloads_the_reader_in_full(engine):
    engine.index(corpus(10))
    reader = open_engine(engine.name, str(engine.root))
    assert reader.search(SearchQuery()).total == 10

    engine.rebuild([doc(1, "Only One")])

    assert reader.search(SearchQuery(facets=("kind",))).facets["kind"] == {"organisation": 1}


def test_text_search_with_facets_after_a_rebuild_names_the_new_documents(engine):
    # Hits are mapped to facet-table positions; a rebuild's new table places documents differently.
    engine.index([doc(number, f"Music Trust {number}") for number in range(1, 6)])
    query = SearchQuery(text="music", facets=("kind",))
    assert engine.search(query).total == 5

    engine.rebuild([doc(9, "Music Hall"), doc(2, "Music Trust 2"), doc(7, "Music Barn")])
    results = engine.search(query)

    assert results.total == 3
    assert {hit.id: hit.name for hit in results.hits} == {
        "org-9": "Music Hall",
        "org-2": "Music Trust 2",
        "org-7": "Music Barn",
    }
    assert results.facets["kind"] == {"organisation": 3}


def test_concurrent_searches_in_one_process_are_safe(engine):
    """Threads share one engine (one reader) while another instance commits: no errors, no torn results."""
    documents = corpus(80)
    engine.index(documents)
    shared = open_engine(engine.name, str(engine.root))
    query = SearchQuery(text="music", facets=("outcome", "locality"), page_size=100)  # every hit: order may shift
    expected = shared.search(query)
    errors: list[BaseException] = []
    results: list[tuple] = []
    stop = threading.Event()

    def search_many() -> None:
        try:
            for number in range(25):
                found = shared.search(query if number % 2 else replace(query, page=2, page_size=10))
                if number % 2:
                    results.append((found.ids, found.total, found.facets))
        except BaseException as error:  # reported below
            errors.append(error)

    def write_many() -> None:
        number = 0
        while not stop.is_set():  # rewrites leave every document's content unchanged
            engine.index([documents[number % len(documents)]])
            number += 1

    writer = threading.Thread(target=write_many)
    threads = [threading.Thread(target=search_many) for _ in range(6)]
    writer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    stop.set()
    writer.join(timeout=60)

    assert errors == []
    assert len(results) == 6 * 12
    # Rewrites shift BM25 statistics (tantivy counts deleted documents until a merge), so equal-scored hits may
    # swap places; what must never change is which documents match and the counts.
    assert {(tuple(sorted(ids)), total, repr(facets)) for ids, total, facets in results} == {
        (tuple(sorted(expected.ids)), expected.total, repr(expected.facets))
    }


def test_near_keeps_only_documents_in_the_outcodes_and_sorts_nearest_first(engine):
    documents = [
        doc(1, "Alpha Arts", outcode="DE1", description="drama"),
        doc(2, "Beta Books", outcode="DE4", description="drama"),
        doc(3, "Gamma Galleries", outcode="LA1", description="drama"),
        doc(4, "Delta Dance", description="drama"),  # no postcode: never within a distance
        doc(5, "Epsilon Events", outcode="DE1", description="drama drama drama"),
    ]
    engine.index(documents)
    near = {"DE4": 20.0, "DE1": 2.5}

    for text in ("", "drama"):
        found = engine.search(SearchQuery(text=text, near=near, facets=("kind",), page_size=10))
        assert set(found.ids) == {"org-1", "org-2", "org-5"}
        assert found.total == 3
        assert found.facets["kind"] == {"organisation": 3}
        by_distance = engine.search(SearchQuery(text=text, near=near, sort="distance", page_size=10))
        assert by_distance.ids[-1] == "org-2"
        assert {hit.outcode for hit in by_distance.hits} == {"DE1", "DE4"}
    second_page = engine.search(SearchQuery(near=near, sort="distance", page=2, page_size=2))
    assert second_page.ids == ["org-2"]
    assert engine.search(SearchQuery(text="drama", near={})).total == 0
