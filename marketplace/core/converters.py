"""URL converters. ``int`` is bounded to what the database can hold, so ``/organisations/99999999999999999999``
is a plain 404 instead of an ``OverflowError`` (a 500) when the id reaches the database driver."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, Map

DATABASE_INT_MAX = 2**31 - 1  # every id column is an INTEGER (32 bits on PostgreSQL): a larger value names no row


class DatabaseIntConverter(IntegerConverter):
    """Werkzeug's ``int`` with ``max`` defaulting to a signed 32-bit integer: a larger value matches no route."""

    def __init__(self, map: Map, *args: object, max: int | None = None, **kwargs: object) -> None:
        super().__init__(map, *args, max=DATABASE_INT_MAX if max is None else max, **kwargs)  # type: ignore[arg-type]
