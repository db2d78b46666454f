"""A document is encoded once: its version is hashed from the same JSON the engine stores, in the format it always had.

A rebuild and the incremental sync must write the same documents and versions into either engine, or ``flask
search check`` would call a freshly rebuilt index stale.
"""

from __future__ import annotations

import hashlib
import json
import pickle

import orjson
import pytest
from sqlalchemy import select

from marketplace.directory.importer import import_directory
from marketplace.directory.models import Consortium, Organisation
from marketplace.extensions import db
from marketplace.search.engines.encoding import EncodedDocument, encoded, versioned
from marketplace.search.engines.engine import FACET_FIELDS, engine_for
from marketplace.search.engines.facets import document_values, index_terms
from marketplace.search.index import maintenance
from marketplace.search.index.documents import (
    all_documents,
    consortium_doc_id,
    documents_for_ids,
    organisation_doc_id,
)
from scripts.generate_directory import generate

DOCUMENT = {"id": "org-7", "name": "Café Gallery", "kind": "organisation", "outcome": ["be-healthy"], "age_min": None}


def test_the_version_is_the_hash_of_the_sorted_json_and_the_stored_json_is_the_versioned_document():
    document = versioned(dict(DOCUMENT))

    payload = orjson.dumps(DOCUMENT, option=orjson.OPT_SORT_KEYS)
    assert document["version"] == hashlib.sha256(payload).hexdigest()[:20]
    assert encoded(document) == orjson.dumps(document, option=orjson.OPT_SORT_KEYS)
    assert json.loads(encoded(document)) == document


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.__setitem__("name", "Tampered"),
        lambda d: d.update(name="Tampered"),
        lambda d: d.pop("outcome"),
        lambda d: d.__delitem__("outcome"),
        lambda d: d.setdefault("extra", 1),
    ],
)
def test_a_changed_document_is_encoded_afresh(change):
    document = versioned(dict(DOCUMENT))

    change(document)

    assert json.loads(encoded(document)) == document


def test_an_encoded_document_pickles_as_a_plain_dict():
    document = versioned(dict(DOCUMENT))

    restored = pickle.loads(pickle.dumps(document))

    assert type(restored) is dict and restored == document


def test_a_plain_dict_is_encoded_when_the_engine_needs_it():
    assert json.loads(encoded(dict(DOCUMENT))) == DOCUMENT
    assert isinstance(versioned(dict(DOCUMENT)), EncodedDocument)


@pytest.mark.parametrize(
    "value", [None, [], ["b", "a", "a"], [True, "x", 3], ("b", "a"), {"a"}, True, False, "museum", 2026]
)
def test_index_terms_are_the_document_values_in_any_order(value):
    document = {"field": value}

    assert sorted(set(index_terms(value))) == document_values(document, "field")


@pytest.fixture
def directory(app):
    import_directory(generate(40, seed=15))
    return [organisation_doc_id(i) for i in db.session.scalars(select(Organisation.id))] + [
        consortium_doc_id(i) for i in db.session.scalars(select(Consortium.id))
    ]


@pytest.mark.parametrize("engine_name", ["whoosh", "tantivy"])
def test_a_rebuild_stores_the_documents_and_versions_the_incremental_sync_writes(app, directory, engine_name):
    app.config["SEARCH_ENGINE"] = engine_name
    engine = engine_for(app)
    maintenance.rebuild(app)
    with engine._guard:
        rebuilt = {document["id"]: document for document in engine._stored_documents(engine._state()[0])}

    engine.clear()
    synced, gone = documents_for_ids(db.session, directory)  # what an index update writes
    engine.update(synced, gone)
    with engine._guard:
        written = {document["id"]: document for document in engine._stored_documents(engine._state()[0])}

    assert len(rebuilt) > 25
    assert rebuilt == written == {document["id"]: document for document in all_documents(db.session)}
    assert maintenance.check(app).is_clean


def test_every_facet_field_of_a_built_document_gives_the_same_terms(app, directory):
    documents = list(all_documents(db.session))

    for field in FACET_FIELDS:
        assert [sorted(set(index_terms(d.get(field)))) for d in documents] == [
            document_values(d, field) for d in documents
        ]
