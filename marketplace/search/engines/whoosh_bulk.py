"""Whoosh's analysis, done the fast way for a rebuild: the same terms, frequencies and weights, a third of the time.

Whoosh 2.7.4 analyses text through a chain of generators passing one ``Token`` object along (tokenizer → lowercase →
stop words → stemmer), and keyword fields the same way; that was over a quarter of a Whoosh rebuild. While a
rebuild's writer adds documents, :func:`fast_terms` gives the writer's own copy of the schema an ``index`` per text
and keyword field that computes the same postings directly (a regular expression, a set lookup and a stem cache),
built from the field's own analyser so that the two cannot drift apart; ``tests/search/test_whoosh_bulk.py`` holds
them to Whoosh's output. The schema is restored before the writer commits (the commit stores the schema).
An analyser of another shape is left to Whoosh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from marketplace.search.engines.whoosh_compat import whoosh_analysis, whoosh_formats, whoosh_system


def _items(field: Any) -> list:
    """The parts of the field's analyser, or none if the field does not count term frequencies only."""
    if type(getattr(field, "format", None)) is not whoosh_formats.Frequency:
        return []  # positions or anything else: Whoosh encodes those itself
    return list(getattr(getattr(field, "analyzer", None), "items", ()))


def _text_index(field: Any, stems: dict[str, str]) -> Callable[..., Any] | None:
    """``field.index`` for a tokenizer | lowercase | stop words | stemmer analyser, or None for any other."""
    items = _items(field)
    kinds = (
        whoosh_analysis.RegexTokenizer,
        whoosh_analysis.LowercaseFilter,
        whoosh_analysis.StopFilter,
        whoosh_analysis.StemFilter,
    )
    if len(items) != 4 or not all(type(item) is kind for item, kind in zip(items, kinds, strict=True)):
        return None
    tokenizer, _, stop, stemmer = items
    if tokenizer.gaps:
        return None
    finditer, stops, shortest, longest = tokenizer.expression.finditer, stop.stops, stop.min, stop.max
    stem, unstemmed, boost, pack = stemmer._stem, stemmer.ignore, field.format.field_boost, whoosh_system.pack_uint

    def index(value: Any, **kwargs: Any) -> Any:
        if value.__class__ is not str:
            return type(field).index(field, value, **kwargs)
        counts: dict[str, int] = {}
        for match in finditer(value):
            word = match.group(0).lower()
            if len(word) < shortest or (longest is not None and len(word) > longest) or word in stops:
                continue
            if word not in unstemmed:
                stemmed = stems.get(word)
                if stemmed is None:
                    stemmed = stems[word] = stem(word)
                word = stemmed
            counts[word] = counts.get(word, 0) + 1
        return [(word.encode("utf-8"), freq, freq * boost, pack(freq)) for word, freq in counts.items()]

    return index


def _keyword_index(field: Any) -> Callable[..., Any] | None:
    """``field.index`` for a comma-separated keyword field (``KEYWORD(commas=True, lowercase=False)``)."""
    items = _items(field)
    if (
        len(items) != 2
        or type(items[0]) is not whoosh_analysis.RegexTokenizer
        or items[0].expression.pattern != "[^,]+"
        or items[0].gaps
        or type(items[1]) is not whoosh_analysis.StripFilter
    ):
        return None
    boost, pack = field.format.field_boost, whoosh_system.pack_uint

    def index(value: Any, **kwargs: Any) -> Any:
        if value.__class__ is not str:
            return type(field).index(field, value, **kwargs)
        counts: dict[str, int] = {}
        for part in value.split(","):
            if part:  # the tokenizer's "[^,]+" never yields an empty run; a blank one strips to ""
                word = part.strip()
                counts[word] = counts.get(word, 0) + 1
        return [(word.encode("utf-8"), freq, freq * boost, pack(freq)) for word, freq in counts.items()]

    return index


@contextmanager
def fast_terms(schema: Any) -> Iterator[None]:
    """Within the block, ``schema``'s text and keyword fields analyse the fast way (see the module docstring)."""
    stems: dict[str, str] = {}  # every word's stem, for this rebuild: a vocabulary of tens of thousands at most
    patched = []
    for name in schema.names():
        field = schema[name]
        index = _text_index(field, stems) or _keyword_index(field)
        if index is not None:
            field.index = index
            patched.append(field)
    try:
        yield
    finally:
        for field in patched:
            del field.index


class _PreloadedLengths:
    """The segment's per-document reader as the commit uses it: asked a document's field length for every posting
    (about 130 per document), which Whoosh answers with a seek and read in the lengths file each time; here each
    field's lengths are read once (a document's length is the same for every one of its postings)."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._lengths: dict[tuple[str, int], list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._lengths.get((fieldname, default))
        if lengths is None:
            read = self._reader.doc_field_length
            lengths = [read(number, fieldname, default) for number in range(self._reader.doc_count_all())]
            self._lengths[fieldname, default] = lengths
        return lengths[docnum]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)


def preload_lengths(writer: Any) -> None:
    """Give ``writer``'s commit the per-document reader above."""
    per_document_reader = writer.per_document_reader
    writer.per_document_reader = lambda: _PreloadedLengths(per_document_reader())
