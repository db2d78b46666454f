"""The default engine: Whoosh 2.7.4 (pure Python, no setup), behind :class:`BaseEngine`.

Whoosh stores and analyses the text; filtering comes from the facet table and ranking from
:mod:`marketplace.search.engines.whoosh_candidates` (Whoosh's BM25F, computed for the filtered candidates only).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any

from marketplace.search.engines.base import BaseEngine
from marketplace.search.engines.engine import FACET_FIELDS, TEXT_FIELDS, SearchQuery
from marketplace.search.engines.facets import FacetTable, bit_positions, document_ages, document_values
from marketplace.search.engines.text import STOP_WORDS
from marketplace.search.engines.whoosh_bulk import fast_terms, preload_lengths
from marketplace.search.engines.whoosh_candidates import candidate_scores
from marketplace.search.engines.whoosh_compat import (
    ID,
    KEYWORD,
    NUMERIC,
    STORED,
    TEXT,
    Schema,
    StemmingAnalyzer,
    whoosh_index,
    whoosh_reading,
)

ANALYZER = StemmingAnalyzer(stoplist=STOP_WORDS, minsize=1, maxsize=60)
BULK_LIMIT_MB = 256  # the rebuild's posting pool in memory before Whoosh sorts runs on disk


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


def analysed(words: list[str]) -> list[str]:
    """The index terms of the words, one per clause (a word may give none, e.g. a stop word)."""
    return [token.text for word in words for token in ANALYZER(word)]


@dataclass
class Handle:
    index: Any
    searcher: Any
    ids: Any  # the id column: document number -> id without loading stored fields
    _docnums: dict[str, int] | None = dataclass_field(default=None, repr=False)
    # (document number, field) -> stored field length, read as matching needs them while this reader is open
    lengths: dict[tuple[int, str], float] = dataclass_field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, index: Any) -> Handle:
        searcher = index.searcher()
        try:
            ids = searcher.reader().column_reader("id")
        except NotImplementedError:  # an empty index has no columns yet
            ids = []
        return cls(index, searcher, ids)

    def docnums(self) -> dict[str, int]:
        """Id → document number of the live documents (built on first use, once per opened index)."""
        if self._docnums is None:
            ids = list(self.ids)
            self._docnums = {ids[docnum]: docnum for docnum in self.searcher.reader().all_doc_ids()}
        return self._docnums

    def close(self) -> None:
        """Close the reader; closing it again is harmless (a failed reopen must not poison later ones)."""
        try:
            self.searcher.close()
        except whoosh_reading.ReaderClosed:
            pass


class WhooshEngine(BaseEngine):
    name = "whoosh"

    def _create(self, directory: Path) -> Handle:
        return Handle.of(whoosh_index.create_in(str(directory), schema()))

    def _open(self, directory: Path) -> Handle:
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
        """One writer, one segment, one commit; analysis and the commit's length look-ups the fast way
        (``whoosh_bulk``)."""
        writer = handle.index.writer(limitmb=BULK_LIMIT_MB)
        preload_lengths(writer)
        count = 0
        try:
            with fast_terms(writer.schema):
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
        docnums = handle.docnums()
        reader = handle.searcher.reader()
        return {doc_id: reader.stored_fields(docnums[doc_id])["doc"] for doc_id in ids if doc_id in docnums}

    def _text_search(
        self, handle: Handle, words: list[str], query: SearchQuery, limit: int | None, table: FacetTable
    ) -> tuple[list[tuple[str, float]], int]:
        """Hard filters from the facet table first, then Whoosh's BM25F for the candidates only.

        Whoosh's own query path scored every document holding a word (200-370 ms per match at 5,000
        organisations) and, with a result limit, could even miss the best documents; see whoosh_candidates.
        """
        docnums = handle.docnums()
        positions = bit_positions(table.filter_bits(query))
        candidates = [docnums[doc_id] for doc_id in (table.ids[p] for p in positions) if doc_id in docnums]
        tokens = analysed(words)
        if not tokens:  # nothing searchable left: the words do not narrow the candidates
            return [(handle.ids[docnum], 0.0) for docnum in sorted(candidates)][:limit], len(candidates)
        scores = candidate_scores(
            handle.searcher,
            tokens,
            TEXT_FIELDS,
            candidates,
            require_all=query.text_mode == "all",
            lengths=handle.lengths,
        )
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        if limit is not None:
            ranked = ranked[:limit]
        return [(handle.ids[docnum], score) for docnum, score in ranked], len(scores)
