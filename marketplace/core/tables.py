"""Many-to-many link tables, declared the same way in every domain."""

from sqlalchemy import Column, ForeignKey, Table

from marketplace.extensions import db


def link_table(name: str, left: str, right: str) -> Table:
    """A table joining ``left`` ids to ``right`` ids (a column ``x_id`` refers to table ``x``); rows go with
    either side."""
    return Table(
        name,
        db.metadata,
        Column(left, ForeignKey(f"{left.removesuffix('_id')}.id", ondelete="CASCADE"), primary_key=True),
        Column(right, ForeignKey(f"{right.removesuffix('_id')}.id", ondelete="CASCADE"), primary_key=True),
    )
