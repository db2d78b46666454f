"""Approximate distances between postcodes, from the centres of their outcodes (OSGB grid metres)."""

from __future__ import annotations

import math

from sqlalchemy import select

from marketplace.directory.models import Organisation, OrganisationStatus
from marketplace.extensions import db
from marketplace.reference.models import Outcode
from marketplace.reference.postcodes import outcode_of


def outcode_centre(postcode: str | None) -> Outcode | None:
    """The centre of the postcode's outcode, or None when it is malformed or unknown."""
    outcode = outcode_of(postcode)
    return db.session.get(Outcode, outcode) if outcode else None


def distance_km(first: Outcode, second: Outcode) -> float:
    return math.hypot(first.easting - second.easting, first.northing - second.northing) / 1000


def organisations_within(centre: Outcode, km: float) -> set[int]:
    """Ids of published organisations whose postcode's outcode centre lies within ``km`` of ``centre``."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.postcode).where(Organisation.status == OrganisationStatus.PUBLISHED)
    )
    by_outcode: dict[str, list[int]] = {}
    for organisation_id, postcode in rows:
        outcode = outcode_of(postcode)
        if outcode:
            by_outcode.setdefault(outcode, []).append(organisation_id)
    if not by_outcode:
        return set()
    centres = db.session.scalars(select(Outcode).where(Outcode.outcode.in_(by_outcode)))
    return {
        organisation_id
        for place in centres
        if distance_km(centre, place) <= km
        for organisation_id in by_outcode[place.outcode]
    }
