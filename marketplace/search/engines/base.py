"""What both engines share: the index directory and its atomic swap, the writer lock, freshness across
processes, and the search flow (filters and facets from the :class:`FacetTable`, text relevance from the engine).

Layout under ``SEARCH_INDEX_DIR`` (the *root*)::

    write.lock             fcntl lock: one writer at a time across this host's processes (readers never take it)
    follower.lock          held by the one process of this host that follows the change feed (``follower``)
    <engine>.current       the name of the live index directory; replaced atomically by os.replace
    <engine>-<random>/     an index, with GENERATION (a token rewritten after each commit) and CHANGES (the
                           ids each commit wrote or deleted, one JSON line per generation) and APPLIED (the last
                           change of the database's feed applied to it: ``position``)

A reader compares (live directory, GENERATION) with what it last loaded and reopens when either moved, so a
commit or a rebuild in another process is seen by the next search. After a commit in the same directory it
updates its facet table from CHANGES with just the documents that commit touched; only a new directory (a
rebuild) or a gap in CHANGES makes it read every stored document again.

Only ``rebuild`` creates an index. A write with no live index raises :class:`IndexMissing` (the change stays in the
database's change feed), so a deleted index is never quietly replaced by one holding only the latest edits.

Within a process, searches and writes take the engine's lock: the open reader and the facet table are shared by
threads (Whoosh's searcher is not thread-safe), and the table changes in place on reload.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from marketplace.search.engines.engine import SearchHit, SearchQuery, SearchResults
from marketplace.search.engines.facets import FacetTable
from marketplace.search.engines.locks import writer_lock
from marketplace.search.engines.text import query_words, snippet

GENERATION_FILE = "GENERATION"
CHANGES_FILE = "CHANGES"
CHANGES_KEPT = 200  # generations a reader can catch up on incrementally; older readers reload in full
WRITE_LOCK_TIMEOUT = 10.0


class IndexMissing(RuntimeError):
    """There is no live index to write to: ``flask search rebuild`` creates one from the database."""


def snippet_source(document: dict) -> str:
    parts = (document.get("description"), document.get("outcomes_text"), document.get("offers_text"))
    return " ".join(part for part in parts if part)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _as_match(query: SearchQuery, limit: int) -> SearchQuery:
    """Matching's query: any of the words ranks, no facets, best first, the first ``limit``."""
    return replace(query, text_mode="any", facets=(), sort="relevance", page=1, page_size=limit)


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

    def _text_positions(
        self, handle: Any, words: list[str], query: SearchQuery, table: FacetTable
    ) -> tuple[list[int], list[float], int]:
        """Every text hit as a facet-table position with its score, best first, and the engine's total.

        Positions rather than ids, so a search with thousands of hits never makes an id string per hit; an
        engine that can map its hits straight to positions (tantivy) overrides this.
        """
        scored, total = self._text_search(handle, words, query, None, table)
        ordinal = table.ordinal
        kept = [(ordinal[doc_id], score) for doc_id, score in scored if doc_id in ordinal]
        return [position for position, _ in kept], [score for _, score in kept], total

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

    def _bump_generation(self, directory: Path, changed: Iterable[str] = (), deleted: Iterable[str] = ()) -> str:
        """A new generation token; the ids it changed go to CHANGES first, so a reader of the token finds them."""
        previous, token = self._generation(directory), uuid.uuid4().hex
        if previous:
            entry = {"after": previous, "generation": token, "put": sorted(changed), "delete": sorted(deleted)}
            self._record_changes(directory, json.dumps(entry, separators=(",", ":")))
        _write_atomically(directory / GENERATION_FILE, token)
        return token

    @staticmethod
    def _record_changes(directory: Path, line: str) -> None:
        path = directory / CHANGES_FILE
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            lines = []
        if len(lines) >= 2 * CHANGES_KEPT:  # keep the file short: rewrite it with the newest entries only
            _write_atomically(path, "".join(f"{kept}\n" for kept in lines[-CHANGES_KEPT:]) + f"{line}\n")
            return
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"{line}\n")

    @staticmethod
    def _changes_between(directory: Path, start: str, end: str) -> tuple[set[str], set[str]] | None:
        """Ids written and deleted by the commits from generation ``start`` to ``end``; None if not recorded."""
        try:
            text = (directory / CHANGES_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        following: dict[str, dict] = {}
        for line in text.splitlines():
            try:
                entry = json.loads(line)
                following[entry["after"]] = entry
            except (ValueError, KeyError, TypeError):
                continue  # a line being appended: it is after ``end``
        put: set[str] = set()
        deleted: set[str] = set()
        generation = start
        while generation != end:
            entry = following.get(generation)
            if entry is None:
                return None
            put.difference_update(entry["delete"])
            deleted.difference_update(entry["put"])
            put.update(entry["put"])
            deleted.update(entry["delete"])
            generation = entry["generation"]
        return put, deleted

    def _swap_in(self, directory: Path) -> None:
        """Point readers at ``directory`` (one atomic rename), then remove the old index."""
        old = self.live_directory()
        _write_atomically(self._pointer, directory.name)
        if old is not None and old != directory:
            shutil.rmtree(old, ignore_errors=True)

    def _state(self) -> tuple[Any, FacetTable] | None:
        """The open index and facet table, reloaded if another process committed or swapped since.

        Call with ``self._guard`` held; the pair stays valid while it is held.
        """
        live = self.live_directory()
        if live is None:
            return None
        token = (live.name, self._generation(live))
        if token != self._token:
            self._reload(live, token)
        return self._handle, self._table

    def _reload(self, live: Path, token: tuple[str, str]) -> None:
        previous, table = self._token, self._table
        self._close_handle()  # before opening: a failed open must not leave a closed handle behind
        handle = self._open(live)
        changes = None
        if previous is not None and previous[0] == live.name:
            changes = self._changes_between(live, previous[1], token[1])
        if changes is None:
            table = FacetTable(self._stored_documents(handle))
        else:
            put, deleted = changes
            stored = self._stored_by_ids(handle, sorted(put)) if put else {}
            for doc_id in deleted | (put - set(stored)):
                table.remove(doc_id)
            for document in stored.values():
                table.put(document)
        self._handle, self._table, self._token = handle, table, token

    def _close_handle(self) -> None:
        """Close the open index, if any, and forget it (a handle that fails to close is dropped all the same)."""
        handle, self._handle, self._token = self._handle, None, None
        close = getattr(handle, "close", None)
        if close is not None:
            close()

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
            state = self._state()
            if state is None:
                if not documents:
                    return  # nothing indexed to delete from; a rebuild reads the database anyway
                raise IndexMissing("There is no search index: run `flask search rebuild`")
            handle, table = state
            live = self.root / self._token[0]  # type: ignore[index]  # _state() set it
            delete_ids = {doc_id for doc_id in delete_ids if table.contains(doc_id)}
            if not documents and not delete_ids:
                return  # e.g. a draft organisation changed: nothing indexed, nothing to commit
            try:
                handle = self._write(handle, documents, delete_ids)
            except BaseException:
                self._close_handle()  # the write may have closed or moved it on: the next search reopens
                raise
            token = self._bump_generation(live, (document["id"] for document in documents), delete_ids)
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
            self._close_handle()
            self._table = FacetTable()
            self._swap_in(directory)
        return count

    def clear(self) -> None:
        self.rebuild(())

    # Reading

    def ids_and_versions(self) -> dict[str, str]:
        with self._guard:
            state = self._state()
            if state is None:
                return {}
            documents = self._stored_documents(state[0])
            return {document["id"]: str(document.get("version", "")) for document in documents}

    def has_index(self) -> bool:
        return self.live_directory() is not None

    def generation(self) -> tuple[str, str] | None:
        """Which index a search reads now: the live directory and its commit token (None without an index).
        It changes with every commit and rebuild, in any process: a key for what was worked out from the index."""
        live = self.live_directory()
        return None if live is None else (live.name, self._generation(live))

    def size_bytes(self) -> int:
        live = self.live_directory()
        if live is None:
            return 0
        return sum(path.stat().st_size for path in live.rglob("*") if path.is_file())

    def match(self, query: SearchQuery, *, limit: int = 20) -> SearchResults:
        return self.search(_as_match(query, limit))

    def match_ids(self, query: SearchQuery, *, limit: int = 20) -> list[str]:
        """The ids of :meth:`match`'s hits, in its order."""
        return self.ids(_as_match(query, limit))

    def ids(self, query: SearchQuery) -> list[str]:
        """The ids of the hits :meth:`search` gives for ``query`` without facets, in its order, without reading a
        stored document or making a snippet: matching reads only its candidates' ids (building 200 hits cost a
        regional need's matches page four times 25 ms)."""
        query = replace(query, facets=())
        with self._guard:
            state = self._state()
            if state is None:
                return []
            handle, table = state
            words = query_words(query.text)
            start, stop = query.offset, query.offset + query.safe_page_size
            if words:
                return [doc_id for doc_id, _ in self._ranked_text(handle, words, query, table)[0]]  # the page
            bits = table.filter_bits(query)
            if query.sort == "distance" and query.near is not None:
                return table.distance_ordered(bits, query.near, start, stop)
            return table.name_ordered(bits, start, stop)

    def search(self, query: SearchQuery) -> SearchResults:
        with self._guard:
            return self._search(query)

    def _search(self, query: SearchQuery) -> SearchResults:
        state = self._state()
        if state is None:
            empty = {field: {} for field in query.facets}
            return SearchResults([], 0, empty, query.safe_page, query.safe_page_size)
        handle, table = state
        words = query_words(query.text)
        start, stop = query.offset, query.offset + query.safe_page_size
        if not words:
            bits = table.filter_bits(query)
            if query.sort == "distance" and query.near is not None:
                ordered = table.distance_ordered(bits, query.near, start, stop)
            else:
                ordered = table.name_ordered(bits, start, stop)
            page = [(doc_id, 0.0) for doc_id in ordered]
            total = bits.bit_count()
        else:
            page, total, bits = self._ranked_text(handle, words, query, table)
        facets = table.facet_counts(bits, query.facets) if query.facets else {}
        return SearchResults(self._hits(handle, page, words), total, facets, query.safe_page, query.safe_page_size)

    def _ranked_text(
        self, handle: Any, words: list[str], query: SearchQuery, table: FacetTable
    ) -> tuple[list[tuple[str, float]], int, int]:
        """The page of text hits in the query's order, the total, and the bits of every hit (for facet counts).

        A page needing every hit (facets, a sort or a distance) works on facet-table positions and sorts only
        what can reach the page: at 50,000 documents a broad search has ~30,000 hits, and making an id and a
        sort key for each cost ten times the engine's own query.
        """
        start, stop = query.offset, query.offset + query.safe_page_size
        near = query.near
        if not (query.facets or query.sort != "relevance" or near is not None):
            scored, total = self._text_search(handle, words, query, stop, table)
            return scored[start:stop], total, 0
        positions, scores, total = self._text_positions(handle, words, query, table)
        if near is not None:  # an engine filtering in its own index (tantivy) leaves the distance to the table
            outcodes = table.outcodes
            kept = [
                (position, score)
                for position, score in zip(positions, scores, strict=True)
                if outcodes[position] in near
            ]
            positions, scores, total = [hit[0] for hit in kept], [hit[1] for hit in kept], len(kept)
        bits = table.bits_of(positions)
        if query.sort == "name":
            score_of = dict(zip(positions, scores, strict=True))
            page = [(doc_id, score_of[table.ordinal[doc_id]]) for doc_id in table.name_ordered(bits, start, stop)]
        elif query.sort == "distance" and near is not None:
            page = _distance_page(table, near, positions, scores, start, stop)
        else:
            page = _relevance_page(table, positions, scores, start, stop)
        return page, total, bits

    def _hits(self, handle: Any, page: list[tuple[str, float]], words: list[str]) -> list[SearchHit]:
        stored = self._stored_by_ids(handle, [doc_id for doc_id, _ in page]) if page else {}
        hits = []
        for doc_id, score in page:
            document = stored.get(doc_id, {})
            text = snippet(snippet_source(document), words)
            hits.append(SearchHit(doc_id, float(score), document.get("name", ""), text, document.get("outcode") or ""))
        return hits


def _relevance_page(
    table: FacetTable, positions: list[int], scores: list[float], start: int, stop: int
) -> list[tuple[str, float]]:
    """Hits ``start`` to ``stop`` by score, then name and id, from hits already ordered best first.

    Only the hits that can reach the page are sorted: those scoring at least the page's last score (ties
    with it included, as a tie is broken by name).
    """
    end = len(scores)
    if stop < end:
        floor, end = scores[stop - 1], stop
        while end < len(scores) and scores[end] == floor:
            end += 1
    names, ids = table.names, table.ids
    head = sorted(
        zip(positions[:end], scores[:end], strict=True), key=lambda hit: (-hit[1], names[hit[0]], ids[hit[0]])
    )
    return [(ids[position], score) for position, score in head[start:stop]]


def _distance_page(
    table: FacetTable, near: Mapping[str, float], positions: list[int], scores: list[float], start: int, stop: int
) -> list[tuple[str, float]]:
    """Hits ``start`` to ``stop`` nearest first, then by score, name and id (only hits within the distance)."""
    names, ids, outcodes = table.names, table.ids, table.outcodes
    ordered = sorted(
        zip(positions, scores, strict=True),
        key=lambda hit: (near[outcodes[hit[0]]], -hit[1], names[hit[0]], ids[hit[0]]),
    )
    return [(ids[position], score) for position, score in ordered[start:stop]]
