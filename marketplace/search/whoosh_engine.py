"""The default engine: Whoosh 2.7.4 (pure Python, no setup), behind :class:`BaseEngine`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marketplace.search.base import BaseEngine
from marketplace.search.engine import FACET_FIELDS, TEXT_FIELDS, SearchQuery
from marketplace.search.facets import document_ages, document_values
from marketplace.search.text import STOP_WORDS
from marketplace.search.whoosh_compat import (
    ID,
    KEYWORD,
    NUMERIC,
    STORED,
    TEXT,
    Schema,
    StemmingAnalyzer,
    whoosh_index,
    whoosh_query,
)

ANALYZER = StemmingAnalyzer(stoplist=STOP_WORDS, minsize=1, maxsize=60)


def schema() -> Schema:
    fields: dict[str, Any] = {
        "id": ID(stored=True, unique=True, sortable=True),
        "doc": STORED(),
        "age_min": NUMERIC(int, bits=32),
        "age_max": NUMERIC(int, bits=32),
        "min_price_pence": NUMERIC(int, bits=64),
    }
    for name in TEXT_FIELDS:
        fields[name] = TEXT(analyzer=ANALYZER, phrase=False)
    for name in FACET_FIELDS:
        fields[name] = KEYWORD(commas=True, lowercase=False, scorable=False)
    return Schema(**fields)


def index_fields(document: dict) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": document["id"], "doc": document}
    for name in TEXT_FIELDS:
        fields[name] = document.get(name) or ""
    for name in FACET_FIELDS:
        values = document_values(document, name)
        if values:
            fields[name] = ",".join(values)
    fields["age_min"], fields["age_max"] = document_ages(document)
    if document.get("min_price_pence") is not None:
        fields["min_price_pence"] = int(document["min_price_pence"])
    return fields


def text_query(words: list[str], mode: str) -> Any:
    clauses = []
    for word in words:
        for token in ANALYZER(word):
            alternatives = [whoosh_query.Term(name, token.text, boost=boost) for name, boost in TEXT_FIELDS.items()]
            clauses.append(whoosh_query.Or(alternatives))
    if not clauses:
        return whoosh_query.Every()
    return whoosh_query.And(clauses) if mode == "all" else whoosh_query.Or(clauses)


def filter_query(query: SearchQuery) -> Any:
    parts = [
        whoosh_query.Or([whoosh_query.Term(field, value) for value in sorted(values)])
        for field, values in query.normalised_filters().items()
    ]
    ages = query.age_range()
    if ages is not None:
        parts.append(whoosh_query.NumericRange("age_min", None, ages[1]))
        parts.append(whoosh_query.NumericRange("age_max", ages[0], None))
    if query.max_price_pence is not None:
        parts.append(whoosh_query.NumericRange("min_price_pence", None, int(query.max_price_pence)))
    return whoosh_query.And(parts) if parts else None


@dataclass
class Handle:
    index: Any
    searcher: Any
    ids: Any  # the id column: document number -> id without loading stored fields

    @classmethod
    def of(cls, index: Any) -> Handle:
        searcher = index.searcher()
        try:
            ids = searcher.reader().column_reader("id")
        except NotImplementedError:  # an empty index has no columns yet
            ids = []
        return cls(index, searcher, ids)

    def close(self) -> None:
        self.searcher.close()


class WhooshEngine(BaseEngine):
    name = "whoosh"

    def _create(self, directory: Path) -> Handle:
        return Handle.of(whoosh_index.create_in(str(directory), schema()))

    def _open(self, directory: Path) -> Handle:
        if self._handle is not None:
            self._handle.close()
        return Handle.of(whoosh_index.open_dir(str(directory)))

    def _write(self, handle: Handle, documents: list[dict], delete_ids: set[str]) -> Handle:
        writer = handle.index.writer()
        try:
            for document in documents:
                writer.update_document(**index_fields(document))
            for doc_id in delete_ids:
                writer.delete_by_term("id", doc_id)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        handle.close()
        return Handle.of(handle.index)

    def _bulk(self, handle: Handle, documents: Iterable[dict]) -> int:
        writer = handle.index.writer(limitmb=256)
        count = 0
        try:
            for document in documents:
                writer.add_document(**index_fields(document))
                count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        handle.close()
        return count

    def _stored_documents(self, handle: Handle) -> Iterator[dict]:
        for fields in handle.searcher.reader().all_stored_fields():
            yield fields["doc"]

    def _stored_by_ids(self, handle: Handle, ids: list[str]) -> dict[str, dict]:
        found = {}
        for doc_id in ids:
            fields = handle.searcher.document(id=doc_id)
            if fields:
                found[doc_id] = fields["doc"]
        return found

    def _text_search(
        self, handle: Handle, words: list[str], query: SearchQuery, limit: int | None
    ) -> tuple[list[tuple[str, float]], int]:
        # Filters are a zero-scoring conjunct, not a post-filter: the intersection skips the text postings
        # straight to the candidates instead of scoring every document that mentions a word.
        compiled = text_query(words, query.text_mode)
        filters = filter_query(query)
        if filters is not None:
            compiled = whoosh_query.And([compiled, whoosh_query.ConstantScoreQuery(filters, 0.0)])
        results = handle.searcher.search(compiled, limit=limit, terms=False)
        scored = [(handle.ids[docnum], score) for score, docnum in results.top_n]
        total = len(scored) if limit is None else len(results)
        return scored, total
