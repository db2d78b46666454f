"""Whoosh relevance for a known set of candidate documents: the fast path behind ``match``.

Matching ORs a need's words (up to 24) over four boosted fields, and Whoosh's own query path for such a
query reads and scores every posting of every word: at 5,000 organisations a match cost 200–370 ms, nearly
all of it spent on documents that the hard filters throw away. Here the hard filters come first (the bitset
:class:`~marketplace.search.engines.facets.FacetTable`, no Whoosh queries), and then each word's postings are read one
block at a time, skipping blocks that hold no candidate, and only the candidates are scored.

The scores are Whoosh's own: the same BM25F (``whoosh.scoring.bm25``, the searcher's B and K1, the global
idf and average field length, the stored field lengths) times the field boost, summed over the words, so
the ranking is the one ``Or([Term(field, word, boost) ...])`` gives, with ties in document-number order.

Reading blocks relies on the postings reader of Whoosh 2.7.4 (pinned; the project is unmaintained), with a
plain posting-by-posting fallback for any other matcher.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from marketplace.search.engines.whoosh_compat import bm25, whoosh_reading


def _unwrapped(matcher: Any) -> Any:
    """The leaf postings reader under the deletions filter (deleted documents are never candidates anyway)."""
    while hasattr(matcher, "child") and not hasattr(matcher, "_next_block"):
        matcher = matcher.child
    return matcher


def _blocks(matcher: Any, candidates: Sequence[int], base: int) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """(local ids, weights) of each posting block that may hold a candidate; ``candidates`` are sorted."""
    leaf = _unwrapped(matcher)
    if not all(hasattr(leaf, name) for name in ("_next_block", "block_max_id", "_ids", "_weights")):
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        yield ids, weights
        return
    previous_max = -1
    while leaf.is_active():
        block_max = leaf.block_max_id()
        # A candidate in (previous_max, block_max]? Otherwise skip the block without decoding it.
        if bisect.bisect_right(candidates, base + block_max) > bisect.bisect_right(candidates, base + previous_max):
            leaf.id(), leaf.weight()  # decode the block's ids and weights
            yield leaf._ids, leaf._weights
        previous_max = block_max
        leaf._next_block()


class _Scorer:
    """Adds one term's boosted BM25F to the scores of the candidates that hold it."""

    def __init__(self, searcher: Any, candidates: Iterable[int], lengths: dict | None = None) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.leaves = list(self.reader.leaf_readers())
        self.wanted = sorted(set(candidates))
        self.allowed = frozenset(self.wanted)
        self.b = getattr(searcher.weighting, "B", 0.75)
        self.k1 = getattr(searcher.weighting, "K1", 1.2)
        # (document, field) -> length: kept with the open reader by the caller (a reopened index starts afresh)
        self.lengths: dict[tuple[int, str], float] = {} if lengths is None else lengths
        self.scores: dict[int, float] = {}
        self.held: dict[int, int] = {}  # document number -> bitmask of the tokens it holds (for "all words")

    def length(self, docnum: int, field: str) -> float:
        key = (docnum, field)
        found = self.lengths.get(key)
        if found is None:
            found = self.lengths[key] = self.reader.doc_field_length(docnum, field, 1)
        return found

    def add(self, field: str, token: str, factor: float, bit: int) -> None:
        if not self.wanted or not self.searcher.doc_frequency(field, token):
            return
        idf = self.searcher.idf(field, token)
        average = self.searcher.avg_field_length(field) or 1
        allowed, scores, held, b, k1 = self.allowed, self.scores, self.held, self.b, self.k1
        for leaf, base in self.leaves:
            try:
                postings = leaf.postings(field, token)
            except whoosh_reading.TermNotFound:
                continue
            for ids, weights in _blocks(postings, self.wanted, base):
                for local, weight in zip(ids, weights, strict=True):
                    docnum = base + local
                    if docnum in allowed:
                        earned = bm25(idf, weight, self.length(docnum, field), average, b, k1)
                        scores[docnum] = scores.get(docnum, 0.0) + factor * earned
                        held[docnum] = held.get(docnum, 0) | bit


def candidate_scores(
    searcher: Any,
    tokens: Iterable[str],
    fields: dict[str, float],
    candidates: Iterable[int],
    *,
    require_all: bool = False,
    lengths: dict | None = None,
) -> dict[int, float]:
    """Document number → summed boosted BM25F of ``tokens`` in ``fields``, for the candidates holding any token
    (``require_all``: every token, each in any field).

    ``tokens`` are analysed terms; a repeated token counts again, as a repeated clause would. ``lengths`` may be
    a dict kept for as long as ``searcher`` is open: the stored field lengths read (a regional need's match reads
    about 3,000) are then read once, not on every match.
    """
    scorer = _Scorer(searcher, candidates, lengths)
    counted = Counter(tokens)
    for index, (token, repeats) in enumerate(counted.items()):
        for field, boost in fields.items():
            scorer.add(field, token, boost * repeats, 1 << index)
    if not require_all:
        return scorer.scores
    every = (1 << len(counted)) - 1
    return {docnum: score for docnum, score in scorer.scores.items() if scorer.held[docnum] == every}
