"""Many-to-many link tables, declared the same way in every domain."""

from sqlalchemy import Column, ForeignKey, Table

from marketplace.extensions import db


def link_table(name: str, left: str, right: str, *, index_right: bool = False) -> Table:
    """A table joining ``left`` ids to ``right`` ids (a column ``x_id`` refers to table ``x``); rows go with
    either side. The primary key (left, right) serves look-ups by ``left``; ``index_right`` adds an index for
    tables also read by ``right`` (e.g. every organisation serving a locality)."""
    return Table(
        name,
        db.metadata,
        Column(left, ForeignKey(f"{left.removesuffix('_id')}.id", ondelete="CASCADE"), primary_key=True),
        Column(
            right,
            ForeignKey(f"{right.removesuffix('_id')}.id", ondelete="CASCADE"),
            primary_key=True,
            index=index_right,
        ),
    )
