"""What both engines share: the index directory and its atomic swap, the writer lock, freshness across
processes, and the search flow (filters and facets from the :class:`FacetTable`, text relevance from the engine).

Layout under ``SEARCH_INDEX_DIR`` (the *root*)::

    write.lock             fcntl lock: one writer at a time across processes (readers never take it)
    pending.jsonl          ids whose index write failed, retried later (see ``pending``)
    <engine>.current       the name of the live index directory; replaced atomically by os.replace
    <engine>-<random>/     an index, with GENERATION (a token rewritten after each commit)

A reader compares (live directory, GENERATION) with what it last loaded and reopens when either moved, so a
commit or a rebuild in another process is seen by the next search.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from marketplace.search.engine import SearchHit, SearchQuery, SearchResults
from marketplace.search.facets import FacetTable
from marketplace.search.locks import writer_lock
from marketplace.search.text import query_words, snippet

GENERATION_FILE = "GENERATION"
WRITE_LOCK_TIMEOUT = 10.0


def snippet_source(document: dict) -> str:
    parts = (document.get("description"), document.get("outcomes_text"), document.get("offers_text"))
    return " ".join(part for part in parts if part)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


class BaseEngine:
    name = "base"
    lock_timeout = WRITE_LOCK_TIMEOUT

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.lock = writer_lock(self.root)
        self._guard = threading.RLock()
        self._token: tuple[str, str] | None = None
        self._handle: Any = None
        self._table = FacetTable()

    # Engine-specific hooks

    def _create(self, directory: Path) -> Any:
        raise NotImplementedError

    def _open(self, directory: Path) -> Any:
        raise NotImplementedError

    def _write(self, handle: Any, documents: list[dict], delete_ids: set[str]) -> Any:
        """Apply and commit; return the handle to read with from now on."""
        raise NotImplementedError

    def _bulk(self, handle: Any, documents: Iterable[dict]) -> int:
        raise NotImplementedError

    def _stored_documents(self, handle: Any) -> Iterator[dict]:
        raise NotImplementedError

    def _stored_by_ids(self, handle: Any, ids: list[str]) -> dict[str, dict]:
        raise NotImplementedError

    def _text_search(
        self, handle: Any, words: list[str], query: SearchQuery, limit: int | None, table: FacetTable
    ) -> tuple[list[tuple[str, float]], int]:
        """Documents matching the words and the query's filters, best first, with the total count.

        ``table`` is the facet table loaded with ``handle``: an engine may take the filters from it.
        """
        raise NotImplementedError

    # Directories

    @property
    def _pointer(self) -> Path:
        return self.root / f"{self.name}.current"

    def live_directory(self) -> Path | None:
        try:
            name = self._pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        directory = self.root / name
        return directory if name and directory.is_dir() else None

    def _new_directory(self) -> Path:
        directory = self.root / f"{self.name}-{uuid.uuid4().hex[:12]}"
        directory.mkdir(parents=True)
        return directory

    @staticmethod
    def _generation(directory: Path) -> str:
        try:
            return (directory / GENERATION_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def _bump_generation(self, directory: Path) -> str:
        token = uuid.uuid4().hex
        _write_atomically(directory / GENERATION_FILE, token)
        return token

    def _swap_in(self, directory: Path) -> None:
        """Point readers at ``directory`` (one atomic rename), then remove the old index."""
        old = self.live_directory()
        _write_atomically(self._pointer, directory.name)
        if old is not None and old != directory:
            shutil.rmtree(old, ignore_errors=True)

    def _ensure_live(self) -> Path:
        live = self.live_directory()
        if live is None:
            live = self._new_directory()
            self._create(live)
            self._bump_generation(live)
            self._swap_in(live)
        return live

    def _state(self) -> tuple[Any, FacetTable] | None:
        """The open index and facet table, reloaded if another process committed or swapped since."""
        live = self.live_directory()
        if live is None:
            return None
        token = (live.name, self._generation(live))
        with self._guard:
            if token != self._token:
                handle = self._open(live)
                self._table = FacetTable(self._stored_documents(handle))
                self._handle, self._token = handle, token
            return self._handle, self._table

    # Writing

    def index(self, documents: Iterable[dict]) -> None:
        self.update(documents, ())

    def delete(self, ids: Iterable[str]) -> None:
        self.update((), ids)

    def update(self, documents: Iterable[dict], delete_ids: Iterable[str]) -> None:
        documents = list(documents)
        delete_ids = set(delete_ids) - {document["id"] for document in documents}
        if not documents and not delete_ids:
            return
        with self.lock.hold(self.lock_timeout), self._guard:
            if not documents and self.live_directory() is None:
                return
            live = self._ensure_live()
            handle, table = self._state() or (None, self._table)
            delete_ids = {doc_id for doc_id in delete_ids if table.contains(doc_id)}
            if not documents and not delete_ids:
                return  # e.g. a draft organisation changed: nothing indexed, nothing to commit
            handle = self._write(handle, documents, delete_ids)
            token = self._bump_generation(live)
            for document in documents:
                table.put(document)
            for doc_id in delete_ids:
                table.remove(doc_id)
            self._handle, self._table, self._token = handle, table, (live.name, token)

    def rebuild(self, documents: Iterable[dict]) -> int:
        with self.lock.hold(None), self._guard:
            directory = self._new_directory()
            try:
                count = self._bulk(self._create(directory), documents)
                self._bump_generation(directory)
            except BaseException:
                shutil.rmtree(directory, ignore_errors=True)
                raise
            self._release()
            self._swap_in(directory)
        return count

    def clear(self) -> None:
        self.rebuild(())

    def _release(self) -> None:
        close = getattr(self._handle, "close", None)
        if close is not None:
            close()
        self._handle, self._token, self._table = None, None, FacetTable()

    # Reading

    def ids_and_versions(self) -> dict[str, str]:
        state = self._state()
        if state is None:
            return {}
        return {document["id"]: str(document.get("version", "")) for document in self._stored_documents(state[0])}

    def size_bytes(self) -> int:
        live = self.live_directory()
        if live is None:
            return 0
        return sum(path.stat().st_size for path in live.rglob("*") if path.is_file())

    def match(self, query: SearchQuery, *, limit: int = 20) -> SearchResults:
        narrowed = replace(query, text_mode="any", facets=(), sort="relevance", page=1, page_size=limit)
        return self.search(narrowed)

    def search(self, query: SearchQuery) -> SearchResults:
        state = self._state()
        if state is None:
            empty = {field: {} for field in query.facets}
            return SearchResults([], 0, empty, query.safe_page, query.safe_page_size)
        handle, table = state
        words = query_words(query.text)
        start, stop = query.offset, query.offset + query.safe_page_size
        bits = 0
        if not words:
            bits = table.filter_bits(query)
            page = [(doc_id, 0.0) for doc_id in table.name_ordered(bits, start, stop)]
            total = bits.bit_count()
        else:
            need_all = bool(query.facets) or query.sort == "name"
            scored, total = self._text_search(handle, words, query, None if need_all else stop, table)
            if need_all:
                bits = table.bits_of_ids(doc_id for doc_id, _ in scored)
                if query.sort == "name":
                    scored.sort(key=lambda hit: table.name_rank_key(hit[0]))
                else:
                    scored.sort(key=lambda hit: (-hit[1], table.name_rank_key(hit[0])))
            page = scored[start:stop]
        facets = table.facet_counts(bits, query.facets) if query.facets else {}
        return SearchResults(self._hits(handle, page, words), total, facets, query.safe_page, query.safe_page_size)

    def _hits(self, handle: Any, page: list[tuple[str, float]], words: list[str]) -> list[SearchHit]:
        stored = self._stored_by_ids(handle, [doc_id for doc_id, _ in page]) if page else {}
        hits = []
        for doc_id, score in page:
            document = stored.get(doc_id, {})
            text = snippet(snippet_source(document), words)
            hits.append(SearchHit(doc_id, float(score), document.get("name", ""), text))
        return hits
