#!/usr/bin/env python3
"""Generate a synthetic, realistic-looking directory in the interchange format (deterministic for a seed).

    python scripts/generate_directory.py --count 1000 --seed 1 > directory.json
    FLASK_APP=wsgi.py .venv/bin/flask directory import directory.json

Organisations get 1-4 offers each; every vocabulary value is a real code from
``marketplace/reference/data/vocabularies.json`` and every locality a real ONS code from ``localities.csv``.
A few consortia (about one per 40 organisations) group organisations of the same region. Used by the import
tests and for search benchmarks (5,000 and 50,000 organisations): records are produced one at a time, so the
command line streams them without holding the whole directory in memory. As a module: ``generate(count, seed)``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "marketplace" / "reference" / "data"
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
STREETS = ("High Street", "Market Place", "Church Lane", "Station Road", "Mill Lane", "Castle Street", "Queen Street")
FIRST_NAMES = ("Amira", "Ben", "Chloe", "Dev", "Eleanor", "Femi", "Grace", "Hannah", "Imran", "Jess", "Kofi", "Laura")
LAST_NAMES = ("Ahmed", "Brown", "Clarke", "Davies", "Evans", "Foster", "Green", "Hughes", "Iqbal", "Jones", "Khan")
NAME_PATTERNS = {
    "museum": ("{place} Museum", "{place} Museums and Galleries", "Museum of {place} Life"),
    "library": ("{place} Libraries", "{place} Library Service"),
    "archive": ("{place} Record Office", "{place} Archives"),
    "gallery": ("{place} Art Gallery", "The {word} Gallery, {place}"),
    "theatre": ("{place} Playhouse", "{word} Theatre Company"),
    "dance": ("{word} Dance", "{place} Youth Dance"),
    "music": ("{place} Music Hub", "{word} Music Trust"),
    "literature": ("{place} Writers' House", "{word} Words"),
    "visual-arts": ("{word} Arts Studio", "{place} Print Workshop"),
    "film-and-media": ("{place} Film Centre", "{word} Media Collective"),
    "heritage-site": ("{place} Castle Trust", "{word} Hall and Gardens"),
    "combined-arts": ("{place} Arts Centre", "{word} Arts"),
    "other": ("{place} Cultural Partnership", "{word} Creative Learning"),
}
WORDS = ("Lantern", "Riverside", "Northern Light", "Kite", "Spiral", "Orchard", "Beacon", "Mosaic", "Compass", "Ember")
OFFER_PATTERNS = (
    "{word} workshops for {group}",
    "Holiday {activity} club",
    "{activity} in schools",
    "Family {activity} days",
    "{word} youth panel",
    "Outreach {activity} sessions",
    "Online {activity} course",
)
ACTIVITIES = ("storytelling", "object handling", "drama", "music making", "digital art", "dance", "heritage trail")
GROUPS = ("young carers", "children in care", "teenage parents", "primary pupils", "young people not in school")


@cache
def _vocabularies() -> dict[str, Any]:
    data = json.loads((DATA_DIR / "vocabularies.json").read_text(encoding="utf-8"))
    codes: dict[str, Any] = {}
    for vocabulary in data["vocabularies"]:
        codes[vocabulary["key"]] = [term["code"] for term in vocabulary["terms"]]
        if vocabulary["key"] == "ecm_outcome":
            codes["aims_of"] = {t["code"]: [a["code"] for a in t.get("children", [])] for t in vocabulary["terms"]}
            codes["outcome_label"] = {t["code"]: t["label"] for t in vocabulary["terms"]}
    return codes


@cache
def _localities() -> tuple[list[dict[str, str]], dict[str, list[dict[str, str]]]]:
    with (DATA_DIR / "localities.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_region: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_region.setdefault(row["region"], []).append(row)
    return rows, by_region


@cache
def _outcodes() -> list[str]:
    with (DATA_DIR / "outcodes.csv").open(encoding="utf-8", newline="") as handle:
        return [row["outcode"] for row in csv.DictReader(handle)]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50].strip("-")


def _ages(rng: random.Random) -> tuple[int, int]:
    low = rng.choice((0, 0, 3, 5, 7, 11, 13, 14, 16))
    return low, rng.choice([age for age in (5, 11, 13, 16, 18, 19, 25) if age > low])


def _aims(rng: random.Random, outcomes: list[str]) -> list[str]:
    aims_of = _vocabularies()["aims_of"]
    return sorted({aim for outcome in outcomes for aim in rng.sample(aims_of[outcome], rng.randint(1, 3))})


def _offer(rng: random.Random, org_ref: str, number: int, localities: list[str]) -> dict[str, Any]:
    vocab = _vocabularies()
    title = rng.choice(OFFER_PATTERNS).format(
        word=rng.choice(WORDS), group=rng.choice(GROUPS), activity=rng.choice(ACTIVITIES)
    )
    title = title[0].upper() + title[1:]
    outcomes = sorted(rng.sample(vocab["ecm_outcome"], rng.randint(1, 2)))
    age_min, age_max = _ages(rng)
    group_min = rng.choice((1, 4, 6, 10))
    cost_basis = rng.choice(vocab["cost_basis"])
    return {
        "ref": f"{org_ref}-offer-{number}",
        "title": title,
        "description": f"{title}: a programme led by experienced practitioners, shaped with young people and "
        f"their families, with clear outcomes agreed with the commissioner at the start.",
        "delivery_modes": sorted(rng.sample(vocab["delivery_mode"], rng.randint(1, 2))),
        "venue": rng.choice(("Our main building", "In your school", "Community venues", "Online")),
        "age_min": age_min,
        "age_max": age_max,
        "group_size_min": group_min,
        "group_size_max": group_min + rng.choice((4, 8, 14, 24)),
        "capacity_per_year": rng.choice((30, 60, 120, 400, 1500)),
        "price_pence": 0 if cost_basis == "free" else rng.randrange(500, 800_000, 500),
        "cost_basis": cost_basis,
        "localities": sorted(rng.sample(localities, rng.randint(1, len(localities)))),
        "outcomes": outcomes,
        "aims": _aims(rng, outcomes),
        "service_areas": sorted(rng.sample(vocab["service_area"], rng.randint(1, 2))),
        "send_suitable": rng.random() < 0.4,
    }


def _place_and_localities(rng: random.Random) -> tuple[str, str, list[str]]:
    rows, by_region = _localities()
    home = rng.choice(rows)
    neighbours = [
        row["ons_code"] for row in rng.sample(by_region[home["region"]], min(3, len(by_region[home["region"]])))
    ]
    return home["name"], home["region"], sorted({home["ons_code"], *neighbours[: rng.randint(0, 3)]})


def _outcomes(rng: random.Random, name: str) -> list[dict[str, Any]]:
    vocab = _vocabularies()
    outcomes = sorted(rng.sample(vocab["ecm_outcome"], rng.randint(1, 3)))
    return [
        {
            "outcome": outcome,
            "aims": _aims(rng, [outcome]),
            "statement": f"{name} contributes to {vocab['outcome_label'][outcome]} by working with children, young "
            f"people and families over time, so that they take part, build confidence and succeed.",
        }
        for outcome in outcomes
    ]


def _contact(rng: random.Random, slug: str, place: str) -> dict[str, str]:
    outcode = rng.choice(_outcodes())
    postcode = f"{outcode} {rng.randint(1, 9)}{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
    return {
        "address": f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {place}",
        "postcode": postcode,
        "website": f"https://www.{slug}.example.org",
        "contact_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "contact_email": f"learning@{slug}.example.org",
        "contact_phone": f"0{rng.randint(1100, 1999)} {rng.randint(100000, 999999)}",
    }


def _organisation(rng: random.Random, index: int) -> tuple[dict[str, Any], str]:
    vocab = _vocabularies()
    place, region, localities = _place_and_localities(rng)
    organisation_type = rng.choice(vocab["organisation_type"])
    name = rng.choice(NAME_PATTERNS[organisation_type]).format(place=place, word=rng.choice(WORDS))
    ref = f"{_slug(name)}-{index:05d}"
    legal_form = rng.choice(vocab["legal_form"])
    registration = {"charity": str(rng.randint(1_000_000, 1_199_999)), "cic": f"{rng.randint(10_000_000, 15_999_999)}"}
    age_min, age_max = _ages(rng)
    record = {
        "ref": ref,
        "name": name,
        "organisation_type": organisation_type,
        "legal_form": legal_form,
        "registration_number": registration.get(legal_form, ""),
        "description": f"{name} is a {organisation_type.replace('-', ' ')} organisation in {place} ({region}) "
        f"working with schools, children's centres and youth services across the area.",
        **_contact(rng, _slug(name)[:30].strip("-"), place),
        "localities": localities,
        "age_min": age_min,
        "age_max": age_max,
        "target_groups": sorted(rng.sample(vocab["target_group"], rng.randint(1, 4))),
        "outcomes": _outcomes(rng, name),
        "framework_statements": [
            {
                "framework": framework,
                "statement": f"{name} contributes to the {framework.replace('-', ' ')} priorities.",
            }
            for framework in sorted(rng.sample(vocab["contribution_framework"], rng.randint(0, 3)))
        ],
        "indicators": sorted(rng.sample(vocab["national_indicator"], rng.randint(1, 5))),
        "value_for_money": {
            "full_cost_recovery": rng.random() < 0.6,
            "unit_cost_pence": rng.randrange(300, 5000, 50),
            "unit_cost_basis": "per participant per session",
            "social_return_ratio": round(rng.uniform(1.5, 6.0), 2),
            "added_value": "Volunteers, free venue space and match funding add to every pound commissioned.",
        },
        "offers": [_offer(rng, ref, number, localities) for number in range(1, rng.randint(1, 4) + 1)],
        "status": "published" if rng.random() < 0.8 else "draft",
    }
    return record, region


def iter_directory(count: int, seed: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``("organisations", record)`` for each organisation, then ``("consortia", record)`` for a few."""
    rng = random.Random(seed)
    by_region: dict[str, list[str]] = {}
    for index in range(1, count + 1):
        record, region = _organisation(rng, index)
        refs = by_region.setdefault(region, [])
        if len(refs) < 200:  # enough to draw consortium members from, without holding every ref
            refs.append(record["ref"])
        yield "organisations", record
    regions = sorted(region for region, refs in by_region.items() if len(refs) >= 2)
    for number in range(1, count // 40 + 1 if regions else 1):
        region = rng.choice(regions)
        members = sorted(rng.sample(by_region[region], min(len(by_region[region]), rng.randint(2, 5))))
        yield (
            "consortia",
            {
                "ref": f"{_slug(region)}-consortium-{number}",
                "name": f"{region} Cultural Consortium {number}",
                "legal_form": rng.choice(("cic", "unincorporated", "charity")),
                "description": f"Cultural organisations in the {region} bidding jointly for children's services.",
                "lead": members[0],
                "members": members,
            },
        )


def generate(count: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    """The whole synthetic directory as one ``{"organisations": [...], "consortia": [...]}`` object."""
    data: dict[str, list[dict[str, Any]]] = {"organisations": [], "consortia": []}
    for kind, record in iter_directory(count, seed):
        data[kind].append(record)
    return data


def write(count: int, seed: int, out) -> None:
    """Stream the directory as JSON to ``out`` one record at a time."""
    current = None
    for kind, record in iter_directory(count, seed):
        if kind != current:
            out.write("{" if current is None else "\n  ],")
            out.write(f'\n  "{kind}": [\n    ')
            current, first = kind, True
        out.write(("" if first else ",\n    ") + json.dumps(record, ensure_ascii=False))
        first = False
    out.write("\n  ]\n}\n" if current else '{"organisations": []}\n')


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="how many organisations (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same file")
    args = parser.parse_args(argv)
    write(args.count, args.seed, sys.stdout)


if __name__ == "__main__":
    main()
