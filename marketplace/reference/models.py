"""Vocabularies are data, never enums: every controlled list is a :class:`Vocabulary` of :class:`Term` rows."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.extensions import db


class Vocabulary(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    parent_key: Mapped[str | None] = mapped_column(String(60))

    terms: Mapped[list[Term]] = relationship(back_populates="vocabulary", order_by="Term.position")


class Term(db.Model):
    __table_args__ = (UniqueConstraint("vocabulary_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vocabulary_id: Mapped[int] = mapped_column(ForeignKey("vocabulary.id"), index=True)
    code: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)

    vocabulary: Mapped[Vocabulary] = relationship(back_populates="terms")
    parent: Mapped[Term | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Term]] = relationship(back_populates="parent", order_by="Term.position")

    def __repr__(self) -> str:
        return f"<Term {self.code}>"


TIER_LABELS = {
    "county": "county",
    "district": "district",
    "unitary": "unitary authority",
    "metropolitan_district": "metropolitan borough",
    "london_borough": "London borough",
}

# Derived from the postcode directory (see scripts/derive_localities.py); stored both ways round.
locality_neighbour = Table(
    "locality_neighbour",
    db.metadata,
    Column("locality_id", ForeignKey("locality.id", ondelete="CASCADE"), primary_key=True),
    Column("neighbour_id", ForeignKey("locality.id", ondelete="CASCADE"), primary_key=True),
)


class Locality(db.Model):
    """An English local authority area; a district's ``parent`` is its county (two-tier areas).

    ``easting``/``northing`` is the centre of its postcodes (OSGB metres); ``ceremonial_county`` links a unitary
    city to the county around it (Southampton → Hampshire); ``neighbours`` are the authorities next to it.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    ons_code: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    tier: Mapped[str] = mapped_column(String(30))
    region: Mapped[str] = mapped_column(String(60), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"), index=True)

    easting: Mapped[int | None]
    northing: Mapped[int | None]
    ceremonial_county_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"))

    parent: Mapped[Locality | None] = relationship(
        remote_side=[id], back_populates="districts", foreign_keys=[parent_id]
    )
    districts: Mapped[list[Locality]] = relationship(
        back_populates="parent", order_by="Locality.name", foreign_keys=[parent_id]
    )
    ceremonial_county: Mapped[Locality | None] = relationship(remote_side=[id], foreign_keys=[ceremonial_county_id])
    neighbours: Mapped[list[Locality]] = relationship(
        secondary=locality_neighbour,
        primaryjoin=lambda: Locality.id == locality_neighbour.c.locality_id,
        secondaryjoin=lambda: Locality.id == locality_neighbour.c.neighbour_id,
        order_by="Locality.name",
    )

    @property
    def tier_label(self) -> str:
        """The tier in the words council officers use, never the stored code."""
        return TIER_LABELS.get(self.tier, self.tier.replace("_", " "))

    def __repr__(self) -> str:
        return f"<Locality {self.ons_code} {self.name}>"


class Outcode(db.Model):
    """Centre of a postcode district (e.g. DE1) in OSGB grid metres, for approximate distances."""

    outcode: Mapped[str] = mapped_column(String(4), primary_key=True)
    easting: Mapped[int]
    northing: Mapped[int]
    ons_code: Mapped[str | None] = mapped_column(String(9))  # the authority holding most of its postcodes
