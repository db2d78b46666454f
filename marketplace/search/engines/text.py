"""Query text handling shared by every engine: safe word extraction and HTML snippets.

User input is never handed to an engine's query parser as syntax: it is reduced to plain words (letters and
digits, lowercased, stop words removed), so quotes, operators, field prefixes and wildcards are just text and
no input can raise. Engines stem the words with their own analysers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from html import escape

MAX_QUERY_CHARS = 1000
MAX_QUERY_WORDS = 24
MAX_WORD_CHARS = 40

# The same list for every engine so "all words must match" means the same thing everywhere.
STOP_WORDS = frozenset(
    "a an and are as at be by can for from have if in is it may not of on or tbd that the this to us we when "
    "will with yet you your".split()
)

_WORD = re.compile(r"\w+", re.UNICODE)


def query_words(text: str | None) -> list[str]:
    """The distinct plain words of ``text``, in order; never raises, whatever the input."""
    if not text:
        return []
    words: list[str] = []
    for match in _WORD.finditer(str(text)[:MAX_QUERY_CHARS].lower()):
        word = match.group().strip("_")[:MAX_WORD_CHARS]
        if word and word not in STOP_WORDS and word not in words:
            words.append(word)
        if len(words) >= MAX_QUERY_WORDS:
            break
    return words


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    from marketplace.search.engines.whoosh_compat import porter_stem

    return porter_stem(word)


def _marked(text: str, stems: set[str], start: int, end: int) -> Iterator[re.Match]:
    # Only words sharing a stem's first letters are stemmed: the snippet stays cheap on long texts.
    prefixes = tuple(stem[:3] for stem in stems)
    for token in _WORD.finditer(text, start, end):
        word = token.group().lower()
        if word.startswith(prefixes) and _stem(word) in stems:
            yield token


def snippet(text: str, words: list[str], *, width: int = 200) -> str:
    """An HTML-escaped extract of ``text`` around the first query word, each query word wrapped in <mark>."""
    if not text:
        return ""
    stems = {_stem(word) for word in words}
    first = next(_marked(text, stems, 0, len(text)), None) if stems else None
    start = 0
    if first is not None:
        start = max(0, first.start() - width // 4)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + width)
    parts: list[str] = ["…" if start else ""]
    cursor = start
    for token in _marked(text, stems, start, end) if stems else ():
        if token.end() > end:
            break
        parts.append(escape(text[cursor : token.start()]))
        parts.append(f"<mark>{escape(token.group())}</mark>")
        cursor = token.end()
    parts.append(escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts)
