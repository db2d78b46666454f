"""Reading an import file record by record, so a file of 50,000 organisations is never held in memory whole.

A file that cannot be read at all must import nothing (exit code 2), but a streamed import writes as it reads.
So the file is read twice: first a quick pass that only checks it (UTF-8, JSON syntax or CSV cells, the JSON
shape; for JSON it also keeps the consortia, which are few), then the import streams its records. When the first
pass finds a problem the file is read the old way, whole, only to give the same message as before (``json``'s
line and column, the byte that is not UTF-8). JSON is parsed incrementally by ijson (its C backend, which builds
nothing but what is asked for), one record at a time.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import ijson

from marketplace.directory.importer.schema import InterchangeFileError

SHAPE = 'The file must be a JSON object with an "organisations" list (and optionally "consortia")'
VALUE_STARTS = frozenset({"start_array", "start_map", "string", "number", "boolean", "null"})


class Utf8Bytes:
    """A binary file without its byte order mark, whose bytes are checked as UTF-8 as they are read."""

    def __init__(self, raw: IO[bytes], *, check: bool = True) -> None:
        self.raw = raw
        self.decoder = codecs.getincrementaldecoder("utf-8")() if check else None
        self.started = False

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        chunk = self.raw.read(size)
        if not self.started:
            self.started = True
            chunk = chunk.removeprefix(codecs.BOM_UTF8)
        if self.decoder is not None:
            self.decoder.decode(chunk, final=not chunk)  # raises UnicodeDecodeError
        return chunk


def read_text(path: Path) -> str:
    """The file's text, or :class:`InterchangeFileError` saying clearly why it cannot be read."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as error:
        raise InterchangeFileError(f"File not found: {path}") from error
    except IsADirectoryError as error:
        raise InterchangeFileError(f"{path} is a folder, not a file") from error
    except OSError as error:
        raise InterchangeFileError(f"{path} cannot be read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise InterchangeFileError(
            f"{path} is not UTF-8 text (byte {error.start} cannot be read): save it as UTF-8 and try again"
        ) from error


def _open(path: Path) -> IO[bytes]:
    try:
        return path.open("rb")
    except OSError:
        read_text(path)  # raises the message for it
        raise


def json_loads(path: Path) -> Any:
    """The whole file parsed, or :class:`InterchangeFileError` with ``json``'s own message (line and column)."""
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as error:
        raise InterchangeFileError(
            f"{path} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from error


@dataclass
class JsonFile:
    """What the check of a JSON file found: the consortia (read whole: a few per hundred organisations), or
    ``data``, the whole file, where only ``json`` could read it (say ``NaN``): the import then runs on that."""

    consortia: list[Any] = field(default_factory=list)
    data: Any = None


def _organisations_shape(path: Path) -> tuple[str | None, str | None]:
    """The type of the top-level value and of its ``organisations`` value (None if absent), reading only as far
    as needed (the first events, in the usual file)."""
    with path.open("rb") as raw:
        top = None
        for prefix, event, _value in ijson.parse(Utf8Bytes(raw, check=False)):
            top = top or event
            if top != "start_map":
                break
            if prefix == "organisations" and event in VALUE_STARTS:
                return top, event
    return top, None


def check_json(path: Path) -> JsonFile:
    """Check the whole file without loading it, and read its consortia.

    Raises :class:`InterchangeFileError` when it cannot be read, is not JSON or is not the interchange shape,
    with the whole-file reader's messages, in its order. One pass in ijson's C parser builds nothing but the
    consortia; the organisations list is only looked at to see that it is one.
    """
    with _open(path) as raw:
        try:
            consortia = list(ijson.items(Utf8Bytes(raw), "consortia", use_float=True))
        except (UnicodeDecodeError, ijson.JSONError):
            return JsonFile(data=json_loads(path))  # raises with json's message unless only ijson failed
    top, organisations = _organisations_shape(path)
    if top != "start_map" or (organisations is None and not consortia):
        raise InterchangeFileError(SHAPE)
    if organisations not in (None, "start_array"):
        raise InterchangeFileError('"organisations" must be a list of records')
    if consortia and not isinstance(consortia[-1], list):  # a key given twice: the last one counts, as in json
        raise InterchangeFileError('"consortia" must be a list of records')
    items = consortia[-1] if consortia else []
    return JsonFile(consortia=[(f"consortia[{index}]", index, item) for index, item in enumerate(items)])


def json_records(path: Path, key: str) -> Iterator[tuple[str, int, Any]]:
    """``(where, index, item)`` for each item of the top-level list ``key``, read one at a time."""
    with path.open("rb") as raw:
        items = ijson.items(Utf8Bytes(raw, check=False), f"{key}.item", use_float=True)
        for index, item in enumerate(items):
            yield f"{key}[{index}]", index, item


def check_csv(path: Path) -> None:
    """Read every cell once (UTF-8 and CSV syntax), or raise :class:`InterchangeFileError` as the import would."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as text:
            for _row in csv.reader(text):
                pass
    except UnicodeDecodeError:
        read_text(path)  # raises with the byte offset
        raise
    except csv.Error as error:
        raise InterchangeFileError(f"The CSV file cannot be read: {error}") from error
    except OSError:
        read_text(path)
        raise
