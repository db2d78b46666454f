"""A search document's JSON, encoded once (with orjson).

A document's ``version`` is a hash of its JSON (keys sorted), and tantivy stores each document as JSON too. Encoding
with the standard library twice was a fifth of a rebuild's CPU time, so :func:`versioned` encodes once with orjson
(a quarter of the time), keeps the bytes it hashed, with the version spliced in, on the document
(:class:`EncodedDocument`), and :func:`encoded` hands the engine those bytes. "version" sorts after every other key of
a document, so the spliced bytes are exactly what encoding the versioned document with sorted keys gives.

The versions are not those of the standard library's encoding that came before: an index built before this change
reads as stale to ``flask search check`` until ``flask search rebuild`` has run once (searches are unaffected).
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson


class EncodedDocument(dict):
    """A plain document (it compares equal to, and serialises like, a dict) that also carries its JSON encoding.

    Any change to its keys drops the encoding (it no longer matches), and an engine then encodes it afresh.
    """

    __slots__ = ("encoding",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.encoding: bytes | None = None

    def __reduce__(self) -> tuple:
        return dict, (dict(self),)  # pickled (Whoosh's stored fields) as the plain dict it is


def _dropping_encoding(name: str):
    method = getattr(dict, name)

    def changed(self: EncodedDocument, *args: Any, **kwargs: Any) -> Any:
        self.encoding = None
        return method(self, *args, **kwargs)

    changed.__name__ = name
    return changed


for _name in ("__setitem__", "__delitem__", "__ior__", "update", "pop", "popitem", "setdefault", "clear"):
    setattr(EncodedDocument, _name, _dropping_encoding(_name))


def _encode(document: dict) -> bytes:
    return orjson.dumps(document, default=str, option=orjson.OPT_SORT_KEYS)


def versioned(document: dict) -> EncodedDocument:
    """``document`` with its ``version`` (a hash of its sorted JSON) and the JSON of the result, encoded once."""
    payload = _encode(document)
    version = hashlib.sha256(payload).hexdigest()[:20]
    result = EncodedDocument(document)
    result["version"] = version  # before the encoding is kept: a write drops it
    if payload != b"{}":
        result.encoding = b'%s,"version":"%s"}' % (payload[:-1], version.encode())
    return result


def encoded(document: dict) -> bytes:
    """The document as JSON bytes: those kept by :func:`versioned` when it has them, else encoded now."""
    encoding = getattr(document, "encoding", None)
    if encoding is not None:
        return encoding
    return _encode(document)
