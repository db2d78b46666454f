"""The engine for large directories: tantivy (Rust, PyPI ``tantivy``), behind :class:`BaseEngine`.

Same documents, fields and boosts as the Whoosh engine; English stemming with tantivy's ``en_stem``
tokenizer. Each document also carries a numeric ``key`` fast field so result sets map back to ids without
reading stored documents.
"""

from __future__ import annotations

import json
import logging
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path

import tantivy

from marketplace.search.engines.base import BaseEngine
from marketplace.search.engines.encoding import encoded
from marketplace.search.engines.engine import FACET_FIELDS, TEXT_FIELDS, SearchQuery
from marketplace.search.engines.facets import FacetTable, document_ages, index_terms

logger = logging.getLogger(__name__)

KINDS = {"org": 0, "consortium": 1}
KIND_OF_TAG = {tag: kind for kind, tag in KINDS.items()}
UPDATE_HEAP = 32_000_000
BULK_HEAP = 256_000_000


def id_key(doc_id: str) -> int:
    """``org-12`` → 24, ``consortium-12`` → 25: a number unique per id, for the fast field."""
    kind, _, number = doc_id.rpartition("-")
    return int(number) * len(KINDS) + KINDS[kind]


def key_id(key: int) -> str:
    number, tag = divmod(int(key), len(KINDS))
    return f"{KIND_OF_TAG[tag]}-{number}"


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("key", indexed=False, fast=True)
    builder.add_bytes_field("doc", stored=True)
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name="en_stem")
    for name in FACET_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    for name in ("age_min", "age_max", "min_price_pence"):
        builder.add_integer_field(name, indexed=True, fast=True)
    return builder.build()


def to_document(document: dict) -> tantivy.Document:
    """The tantivy document: the stored JSON (encoded once, see ``encoding``), the text, and the filter terms."""
    result = tantivy.Document()
    add_text = result.add_text
    add_text("id", document["id"])
    result.add_integer("key", id_key(document["id"]))
    result.add_bytes("doc", encoded(document))
    for name in TEXT_FIELDS:
        add_text(name, document.get(name) or "")
    for name in FACET_FIELDS:
        for value in index_terms(document.get(name)):
            add_text(name, value)
    low, high = document_ages(document)
    result.add_integer("age_min", low)
    result.add_integer("age_max", high)
    if document.get("min_price_pence") is not None:
        result.add_integer("min_price_pence", int(document["min_price_pence"]))
    return result


def _range(schema_: tantivy.Schema, name: str, lower: int | None, upper: int | None) -> tantivy.Query:
    return tantivy.Query.range_query(schema_, name, tantivy.FieldType.Integer, lower_bound=lower, upper_bound=upper)


def filter_queries(schema_: tantivy.Schema, query: SearchQuery) -> list[tantivy.Query]:
    parts = [
        tantivy.Query.term_set_query(schema_, field, sorted(values))
        for field, values in query.normalised_filters().items()
    ]
    ages = query.age_range()
    if ages is not None:
        parts.append(_range(schema_, "age_min", None, ages[1]))
        parts.append(_range(schema_, "age_max", ages[0], None))
    if query.max_price_pence is not None:
        parts.append(_range(schema_, "min_price_pence", None, int(query.max_price_pence)))
    return parts


class TantivyEngine(BaseEngine):
    name = "tantivy"

    def __init__(self, root: str | Path) -> None:
        super().__init__(root)
        self.schema = schema()
        self._keys: tuple[weakref.ref[FacetTable] | None, dict[int, int]] = (None, {})

    def _key_positions(self, table: FacetTable) -> dict[int, int]:
        """The ``key`` fast field → facet-table position, extended as the table grows.

        A table only ever appends positions (a removed document keeps its own), so the map is built once per
        table and then only for new documents. The table is held weakly: a rebuild's old table is not kept.
        """
        known, positions = self._keys
        if known is None or known() is not table:
            positions = {}
            self._keys = (weakref.ref(table), positions)
        ids = table.ids
        for position in range(len(positions), len(ids)):
            positions[id_key(ids[position])] = position
        return positions

    def _create(self, directory: Path) -> tantivy.Index:
        return tantivy.Index(self.schema, path=str(directory), reuse=False)

    def _open(self, directory: Path) -> tantivy.Index:
        return tantivy.Index.open(str(directory))

    def _write(self, handle: tantivy.Index, documents: list[dict], delete_ids: set[str]) -> tantivy.Index:
        writer = handle.writer(heap_size=UPDATE_HEAP, num_threads=1)
        try:
            for doc_id in delete_ids | {document["id"] for document in documents}:
                writer.delete_documents_by_term("id", doc_id)
            for document in documents:
                writer.add_document(to_document(document))
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()
        handle.reload()
        return handle

    def _bulk(self, handle: tantivy.Index, documents: Iterable[dict]) -> int:
        writer = handle.writer(heap_size=BULK_HEAP)
        count = 0
        try:
            for document in documents:
                writer.add_document(to_document(document))
                count += 1
            writer.commit()
        finally:
            writer.wait_merging_threads()
        return count

    def _stored_documents(self, handle: tantivy.Index) -> Iterator[dict]:
        searcher = handle.searcher()
        if searcher.num_docs == 0:
            return
        for _, address in searcher.search(tantivy.Query.all_query(), limit=searcher.num_docs, count=False).hits:
            yield json.loads(searcher.doc(address).get_first("doc"))

    def _stored_by_ids(self, handle: tantivy.Index, ids: list[str]) -> dict[str, dict]:
        searcher = handle.searcher()
        found = {}
        for doc_id in ids:
            hits = searcher.search(tantivy.Query.term_query(self.schema, "id", doc_id), limit=1, count=False).hits
            if hits:
                found[doc_id] = json.loads(searcher.doc(hits[0][1]).get_first("doc"))
        return found

    def _text_query(self, handle: tantivy.Index, words: list[str], query: SearchQuery) -> tantivy.Query:
        # Words are plain lowercase letters and digits (see text.query_words), so they are never syntax.
        text = handle.parse_query(
            " ".join(words),
            default_field_names=list(TEXT_FIELDS),
            field_boosts=dict(TEXT_FIELDS),
            conjunction_by_default=query.text_mode == "all",
        )
        clauses = [(tantivy.Occur.Must, text)]
        for part in filter_queries(self.schema, query):
            clauses.append((tantivy.Occur.Must, tantivy.Query.const_score_query(part, 0.0)))
        return tantivy.Query.boolean_query(clauses)

    def _text_search(
        self, handle: tantivy.Index, words: list[str], query: SearchQuery, limit: int | None, table: FacetTable
    ) -> tuple[list[tuple[str, float]], int]:
        searcher = handle.searcher()
        if searcher.num_docs == 0:
            return [], 0
        try:
            compiled = self._text_query(handle, words, query)
        except ValueError:
            logger.info("Unparseable search words %r; no results", words[:5])
            return [], 0
        result = searcher.search(compiled, limit=max(1, limit or searcher.num_docs), count=True)
        addresses = [address for _, address in result.hits]
        keys = searcher.fast_field_values("key", addresses) if addresses else []
        scored = [(key_id(key), float(score)) for (score, _), key in zip(result.hits, keys, strict=True)]
        return scored, result.count

    def _text_positions(
        self, handle: tantivy.Index, words: list[str], query: SearchQuery, table: FacetTable
    ) -> tuple[list[int], list[float], int]:
        """Every hit's facet-table position straight from the ``key`` fast field: no id string per hit."""
        searcher = handle.searcher()
        if searcher.num_docs == 0:
            return [], [], 0
        try:
            compiled = self._text_query(handle, words, query)
        except ValueError:
            logger.info("Unparseable search words %r; no results", words[:5])
            return [], [], 0
        hits = searcher.search(compiled, limit=searcher.num_docs, count=False).hits
        if not hits:
            return [], [], 0
        keys = searcher.fast_field_values("key", [address for _, address in hits])
        positions = list(map(self._key_positions(table).get, keys))
        scores = [score for score, _ in hits]
        if None in positions:  # not in the table (it was loaded from this same index: not expected)
            kept = [
                (position, score) for position, score in zip(positions, scores, strict=True) if position is not None
            ]
            positions, scores = [hit[0] for hit in kept], [hit[1] for hit in kept]
        return positions, scores, len(positions)  # type: ignore[return-value]
