"""A Whoosh rebuild analyses text the fast way (``whoosh_bulk``): the postings must be exactly Whoosh's own."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.directory.importer import import_directory
from marketplace.directory.models import Consortium, Organisation
from marketplace.extensions import db
from marketplace.search.engines.engine import FACET_FIELDS, TEXT_FIELDS, SearchQuery, engine_for
from marketplace.search.engines.whoosh_bulk import fast_terms
from marketplace.search.engines.whoosh_compat import KEYWORD, TEXT, Schema, whoosh_index
from marketplace.search.engines.whoosh_engine import index_fields, schema
from marketplace.search.index.documents import (
    all_documents,
    consortium_doc_id,
    documents_for_ids,
    organisation_doc_id,
)
from scripts.generate_directory import generate

AWKWARD_TEXTS = [
    "",
    "   ",
    "The Museum's after-school club, e.g. for 5-11s (and their families) — free!",
    "İstanbul ÇOCUK Ölçüm straße naïve café CAFÉ Ünïcödé",
    "a " + "x" * 59 + " " + "y" * 60 + " " + "z" * 61,
    "v1.2.3 3.14 www.example.org under_score __init__ 10,000 £25.50",
    "is the of and a an to in running runs runner ran easily fairly",
    "tab\tnew\nline\r\nend",
]
AWKWARD_KEYWORDS = ["", "a", "b,a,a", "museum,library", " spaced , values ", ",,x,,", "true", "e10000017,E10000017"]


def postings(field, value) -> list:
    return sorted(field.index(value))


@pytest.mark.parametrize("text", AWKWARD_TEXTS)
def test_text_terms_are_whooshs_own(text):
    fields = schema()
    whoosh = {name: postings(fields[name], text) for name in TEXT_FIELDS}

    with fast_terms(fields):
        fast = {name: postings(fields[name], text) for name in TEXT_FIELDS}

    assert fast == whoosh


@pytest.mark.parametrize("value", AWKWARD_KEYWORDS)
def test_keyword_terms_are_whooshs_own(value):
    fields = schema()
    whoosh = {name: postings(fields[name], value) for name in FACET_FIELDS}

    with fast_terms(fields):
        fast = {name: postings(fields[name], value) for name in FACET_FIELDS}

    assert fast == whoosh


def test_the_schema_is_whooshs_own_again_after_the_block():
    fields = schema()

    with fast_terms(fields):
        assert "index" in vars(fields["name"])

    assert all("index" not in vars(fields[name]) for name in fields.names())


def test_fields_analysed_another_way_are_left_to_whoosh():
    fields = Schema(
        phrase=TEXT(phrase=True), spaced=KEYWORD(commas=False), lowered=KEYWORD(commas=True, lowercase=True)
    )

    with fast_terms(fields):
        assert all("index" not in vars(fields[name]) for name in fields.names())


@pytest.fixture
def directory(app):
    import_directory(generate(40, seed=33))
    return [organisation_doc_id(i) for i in db.session.scalars(select(Organisation.id))] + [
        consortium_doc_id(i) for i in db.session.scalars(select(Consortium.id))
    ]


def test_every_field_of_the_directorys_documents_gives_whooshs_postings(app, directory):
    fields = schema()
    documents = [index_fields(document) for document in all_documents(db.session)]
    analysed = [name for name in (*TEXT_FIELDS, *FACET_FIELDS)]
    whoosh = [
        [postings(fields[name], document[name]) for name in analysed if name in document] for document in documents
    ]

    with fast_terms(fields):
        fast = [
            [postings(fields[name], document[name]) for name in analysed if name in document] for document in documents
        ]

    assert len(documents) > 25 and fast == whoosh


QUERIES = [
    SearchQuery(text="museum children"),
    SearchQuery(text="arts", text_mode="any", sort="relevance", page_size=50),
    SearchQuery(text="library reading families", text_mode="any", facets=("outcome", "locality")),
    SearchQuery(filters={"organisation_type": ["museum", "library"]}, facets=("aim",), page_size=50),
]


def test_a_rebuilt_index_answers_exactly_as_one_written_document_by_document(app, directory):
    app.config["SEARCH_ENGINE"] = "whoosh"
    engine = engine_for(app)
    engine.rebuild(all_documents(db.session))
    rebuilt = [engine.search(query) for query in QUERIES]

    engine.clear()
    documents, gone = documents_for_ids(db.session, directory)
    engine.update(documents, gone)  # Whoosh's own analysis
    written = [engine.search(query) for query in QUERIES]

    assert [r.total for r in rebuilt] == [w.total for w in written] and rebuilt[0].total > 0
    assert [[(h.id, round(h.score, 9)) for h in r.hits] for r in rebuilt] == [
        [(h.id, round(h.score, 9)) for h in w.hits] for w in written
    ]
    assert [r.facets for r in rebuilt] == [w.facets for w in written]


def _terms(directory) -> dict:
    """Every term's statistics (weight, document frequency, shortest and longest field, top weight) and postings."""
    found = {}
    with whoosh_index.open_dir(str(directory)).reader() as reader:
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight())
            matcher = reader.postings(fieldname, text)
            found[fieldname, text] = (stats, list(zip(matcher.all_ids(), [1] * info.doc_frequency(), strict=True)))
        lengths = {
            name: [reader.doc_field_length(n, name) for n in range(reader.doc_count_all())] for name in TEXT_FIELDS
        }
    return {"terms": found, "lengths": lengths}


def test_a_rebuild_writes_the_terms_and_lengths_a_plain_whoosh_writer_writes(app, directory, tmp_path):
    documents = [dict(document) for document in all_documents(db.session)]
    plain = whoosh_index.create_in(str(tmp_path), schema())
    writer = plain.writer()
    for document in documents:
        writer.add_document(**index_fields(document))
    writer.commit()
    app.config["SEARCH_ENGINE"] = "whoosh"
    engine = engine_for(app)

    engine.rebuild(documents)

    assert _terms(engine.live_directory()) == _terms(tmp_path)
