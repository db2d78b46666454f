"""WGS84 latitude and longitude of postcode outcode centres, for ORUK ``location`` records.

Reference data holds each outcode's centre as OSGB36 National Grid eastings and northings (EPSG:27700); ORUK
wants WGS84 degrees (EPSG:4326). pyproj does the datum change (a Helmert transformation, good to a few metres,
far finer than an outcode centre, which can be kilometres from the actual address). Precision is therefore
"somewhere in the postcode district": we round to 4 decimal places (about 10 m) and say so in the docs.
Each centre is converted once per process and kept.
"""

from __future__ import annotations

from functools import cache, lru_cache

from pyproj import Transformer

from marketplace.extensions import db
from marketplace.reference.models import Outcode
from marketplace.search.geo import outcode_of

DECIMALS = 4


@cache
def _transformer() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


@lru_cache(maxsize=10_000)
def to_wgs84(easting: int, northing: int) -> tuple[float, float]:
    """(latitude, longitude) in WGS84 degrees of an OSGB36 grid reference."""
    longitude, latitude = _transformer().transform(easting, northing)
    return round(latitude, DECIMALS), round(longitude, DECIMALS)


_positions: dict[str, tuple[float, float]] = {}


def position(postcode: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) of the postcode's outcode centre, or None when the outcode is unknown.

    Found outcodes are kept for the life of the process (reference data changes a few times a year; a restart
    picks the change up); unknown ones are asked again, so a newly loaded outcode shows at once.
    """
    outcode = outcode_of(postcode)
    if outcode is None:
        return None
    if outcode not in _positions:
        centre = db.session.get(Outcode, outcode)
        if centre is None:
            return None
        _positions[outcode] = to_wgs84(centre.easting, centre.northing)
    return _positions[outcode]
