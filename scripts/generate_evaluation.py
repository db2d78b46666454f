#!/usr/bin/env python3
"""Write the matching evaluation set (tests/search/evaluation/*.json) deterministically: no randomness, no clock.

Why a script: the set must be large and hard (about 190 organisations in 21 authorities, 30 needs) yet readable
and reviewable, so it is built from a few tables a reader can check — THEMES (what a service is), PLACES (where a
need is, which authority is just over its border, which is far away) — and one function that grades every
provider for every need the way a commissioner would, with the reason for each grade.

For each need the script writes these providers (all in the directory interchange format):

  lead        in the need's area, its service, groups and outcomes, described in the need's own terms   grade 3
  generalist  in the area, right service area and groups, a generic description                         grade 2
  border      the lead's twin based just over the border (a neighbour, or the city/county around it)    grade 2
  adjacent    in the area, same group and an outcome but a different service (related work)              grade 1
  adult       adult-only (or older people's) provider offering the same service in the same words      excluded
  decoy       in the area, shares only generic words ("children", "people", "support")                  grade 0
  far         (every third need) the lead's twin far away in another region                            grade 0

Grades of providers written for *other* needs follow the same rules (same theme, in or near the area), so a
ranker is never rewarded or punished for a pair nobody judged. Nearness for grading is the real geography: the
ceremonial county (marketplace/reference/data/ceremonial.csv) and neighbouring authorities
(neighbours.csv, derived from the postcode directory). A third of the needs (spread over the themes) is held
out: tuning must never look at it (tests/search/evaluation/test_matching_quality.py reports it separately).

Run: python3 scripts/generate_evaluation.py  (then commit the three JSON files it rewrites).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "marketplace" / "reference" / "data"
OUT = ROOT / "tests" / "search" / "evaluation"

# key: (service area, outcomes, target group, need ages, what the lead does (need's own words), title, org type)
THEMES = {
    "short-breaks": (
        "short-breaks-for-disabled-children",
        ["enjoy-and-achieve", "be-healthy"],
        "disabled-children-send",
        (5, 17),
        "sensory short breaks for disabled children with complex needs, giving parents respite",
        "Sensory short breaks",
        "theatre",
    ),
    "early-years": (
        "early-years-and-childrens-centres",
        ["enjoy-and-achieve", "be-healthy"],
        "families",
        (0, 4),
        "rhyme time, storytelling and messy play for babies and toddlers at children's centres",
        "Rhyme and play for under-fives",
        "library",
    ),
    "young-carers": (
        "positive-activities",
        ["be-healthy", "enjoy-and-achieve"],
        "young-carers",
        (8, 17),
        "respite arts clubs and peer groups for young carers who look after a relative",
        "Young carers' arts clubs",
        "combined-arts",
    ),
    "children-in-care": (
        "children-in-care",
        ["enjoy-and-achieve", "make-a-positive-contribution"],
        "looked-after-children-and-care-leavers",
        (11, 17),
        "creative mentoring and portfolio building for looked after children in foster and residential care",
        "Creative mentoring for children in care",
        "visual-arts",
    ),
    "youth-justice": (
        "youth-offending",
        ["stay-safe", "make-a-positive-contribution"],
        "young-offenders",
        (12, 17),
        "restorative street art and music projects diverting young offenders from reoffending",
        "Diversion through street art",
        "music",
    ),
    "neet": (
        "14-19",
        ["achieve-economic-well-being", "enjoy-and-achieve"],
        "neet-or-at-risk",
        (16, 18),
        "film and digital media traineeships leading to qualifications and apprenticeships for NEET young people",
        "Digital media traineeships",
        "film-and-media",
    ),
    "emotional-health": (
        "emotional-health-and-well-being-camhs",
        ["be-healthy"],
        "disengaged-hard-to-reach",
        (11, 16),
        "arts on prescription groups for teenagers with anxiety and low mood referred by CAMHS",
        "Arts on prescription for teenagers",
        "gallery",
    ),
    "teenage-parents": (
        "integrated-youth-support",
        ["be-healthy", "achieve-economic-well-being"],
        "teenage-parents",
        (14, 19),
        "baby and me creative groups for teenage parents, with a creche and routes back into learning",
        "Baby and me groups for teenage parents",
        "museum",
    ),
    "substance-misuse": (
        "substance-misuse",
        ["be-healthy", "stay-safe"],
        "disengaged-hard-to-reach",
        (12, 17),
        "theatre in education about drugs, alcohol and risk-taking, with follow-up drama workshops",
        "Drugs and alcohol theatre in education",
        "theatre",
    ),
    "refugee-welcome": (
        "schools-support",
        ["enjoy-and-achieve", "make-a-positive-contribution"],
        "asylum-seeking-and-refugee-children",
        (5, 15),
        "English language through storytelling and puppetry for newly arrived refugee and asylum-seeking children",
        "Storytelling welcome for new arrivals",
        "literature",
    ),
    "ks2-heritage": (
        "extended-services-in-and-around-schools",
        ["enjoy-and-achieve"],
        "children-in-low-income-families",
        (7, 11),
        "key stage 2 history sessions with handling collections and after-school heritage clubs",
        "Key stage 2 heritage clubs",
        "heritage-site",
    ),
    "gifted-music": (
        "inclusive-and-special-education",
        ["enjoy-and-achieve"],
        "gifted-and-talented",
        (11, 16),
        "composition masterclasses and orchestra coaching for gifted and talented young musicians",
        "Music masterclasses for gifted pupils",
        "music",
    ),
}

# need area: (name, just over the border (a real neighbour or the county/city around it), far away, a postcode)
PLACES = {
    "E10000014": ("Hampshire", "E06000045", "E06000052", "SO23 8UJ"),
    "E06000045": ("Southampton", "E07000086", "E06000057", "SO14 7DU"),
    "E06000014": ("York", "E06000065", "E06000052", "YO1 7HH"),
    "E06000065": ("North Yorkshire", "E06000014", "E06000052", "HG1 2RS"),
    "E06000043": ("Brighton and Hove", "E07000063", "E06000063", "BN1 1GE"),
    "E10000011": ("East Sussex", "E06000043", "E06000057", "BN21 4TW"),
    "E06000015": ("Derby", "E07000032", "E06000052", "DE1 3AR"),
    "E10000007": ("Derbyshire", "E06000015", "E06000063", "DE4 3AG"),
    "E06000018": ("Nottingham", "E07000172", "E06000052", "NG1 2DR"),
    "E06000016": ("Leicester", "E10000018", "E06000057", "LE1 6ZG"),
    "E06000044": ("Portsmouth", "E07000087", "E06000063", "PO1 2AL"),
    "E07000032": ("Amber Valley", "E07000172", "E06000057", "DE5 3BT"),
}
EXTRA_POSTCODES = {
    "E07000086": "SO50 9YN",
    "E07000087": "PO16 7AZ",
    "E07000063": "BN7 2QS",
    "E07000172": "NG9 1AB",
    "E10000018": "LE11 3DZ",
    "E06000052": "TR1 2AA",
    "E06000057": "NE61 1AA",
    "E06000063": "CA1 1AA",
}
KINDS = ["short-breaks", "locality-services", "spot-purchase", "call-for-input", "service-contract", "grant"]
LEVELS = ["locality", "strategic", "individual", "regional"]
NEEDS = 30


def _geography() -> tuple[dict[str, str], dict[str, str], set[tuple[str, str]]]:
    names, parents = {}, {}
    with (DATA / "localities.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names[row["ons_code"]] = row["name"]
            parents[row["ons_code"]] = row["parent_ons_code"]
    near = set()
    with (DATA / "neighbours.csv").open(encoding="utf-8") as handle:
        near.update((row["ons_code"], row["neighbour_ons_code"]) for row in csv.DictReader(handle))
    with (DATA / "ceremonial.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            near.update(
                {
                    (row["ons_code"], row["ceremonial_county_ons_code"]),
                    (row["ceremonial_county_ons_code"], row["ons_code"]),
                }
            )
    return names, parents, near


NAMES, PARENTS, NEAR = _geography()


def postcode(area: str) -> str:
    return PLACES[area][3] if area in PLACES else EXTRA_POSTCODES[area]


def where(need_area: str, org_area: str) -> str:
    """'in' (the area, its county or one of its districts), 'near' (ceremonial county or neighbour) or 'far'."""
    if org_area in (need_area, PARENTS.get(need_area)) or PARENTS.get(org_area) == need_area:
        return "in"
    return "near" if (need_area, org_area) in NEAR else "far"


def need_specs() -> list[dict]:
    """Need i: theme i mod 12, place (i + i // 12) mod 12, so no (theme, place) pair repeats."""
    themes, places = list(THEMES), list(PLACES)
    return [
        {"i": i, "theme": themes[i % len(themes)], "area": places[(i + i // len(themes)) % len(places)]}
        for i in range(NEEDS)
    ]


def _org(ref: str, name: str, theme: str, area: str, role: str, description: str, **extra) -> dict:
    service_area, outcomes, group, (low, high), _, title, kind = THEMES[theme]
    offer_area = extra.pop("service_area", service_area)
    offer_outcomes = extra.pop("outcomes", outcomes)
    record = {
        "ref": ref,
        "name": name,
        "organisation_type": extra.pop("organisation_type", kind),
        "description": description,
        "postcode": postcode(area),
        "contact_email": f"hello@{ref}.example.org",
        "localities": [area],
        "age_min": extra.pop("age_min", max(0, low - 1)),
        "age_max": extra.pop("age_max", high + 1),
        "target_groups": extra.pop("target_groups", [group]),
        "outcomes": [{"outcome": code, "aims": [], "statement": description} for code in offer_outcomes],
        "offers": [
            {
                "ref": f"{ref}-offer",
                "title": extra.pop("offer_title", title),
                "description": description,
                "price_pence": extra.pop("price_pence", 400_000),
                "outcomes": offer_outcomes,
                "service_areas": [offer_area],
            }
        ],
        "status": "published",
        **extra,
    }
    record["_eval"] = {"theme": theme, "area": area, "role": role}
    return record


def providers_for(spec: dict) -> list[dict]:
    theme, area, i = spec["theme"], spec["area"], spec["i"]
    place, border, far, _ = PLACES[area]
    service_area, outcomes, group, (low, high), focus, title, kind = THEMES[theme]
    base = f"n{i:02d}-{theme}"
    lead_text = f"We deliver {focus} across {place}."
    other_area = "positive-activities" if service_area != "positive-activities" else "schools-support"
    orgs = [
        _org(f"{base}-lead", f"{place} {title}", theme, area, "lead", lead_text),
        _org(
            f"{base}-generalist",
            f"{place} Community Arts Trust {i}",
            theme,
            area,
            "generalist",
            f"A {kind} offering a broad programme of activities for children, young people and families in {place}.",
            offer_title="Holiday and weekend programme",
        ),
        _org(
            f"{base}-border",
            f"{NAMES[border]} {title}",
            theme,
            border,
            "border",
            f"We deliver {focus} in {NAMES[border]}.",
        ),
        _org(
            f"{base}-adjacent",
            f"{place} Open Studio {i}",
            theme,
            area,
            "adjacent",
            f"Open studio sessions in {place}; some of our participants are {group.replace('-', ' ')}.",
            service_area=other_area,
            outcomes=outcomes[:1],
            offer_title="Open studio",
        ),
        _org(
            f"{base}-adult",
            f"{place} {'Older People' if i % 2 else 'Adult'} {title}",
            theme,
            area,
            "adult",
            f"For {'people over 65' if i % 2 else 'adults'}: {focus.replace('children', 'adults')} in {place}.",
            adults_only=not i % 2,
            age_min=65 if i % 2 else 18,
            age_max=100 if i % 2 else None,
        ),
        _org(
            f"{base}-decoy",
            f"{place} Garden Café {i}",
            theme,
            area,
            "decoy",
            "Coffee mornings and gardening for local people. No provision for children; families welcome in the café.",
            service_area=other_area,
            outcomes=["achieve-economic-well-being"],
            target_groups=["families"] if group != "families" else ["gifted-and-talented"],
            organisation_type="other",
            offer_title="Café and garden",
            age_min=None,
            age_max=None,
        ),
    ]
    if i % 3 == 0:
        orgs.append(
            _org(f"{base}-far", f"{NAMES[far]} {title} {i}", theme, far, "far", f"We deliver {focus} in {NAMES[far]}.")
        )
    return orgs


def grade(spec: dict, org: dict) -> tuple[int, str]:
    """A commissioner's judgement of one provider for one need, with the reason; 0 means not relevant."""
    meta = org["_eval"]
    need_low, need_high = THEMES[spec["theme"]][3]
    if meta["role"] == "adult":
        return 0, "works only with adults or older people: none of the need's ages"
    place = where(spec["area"], meta["area"])
    if place == "far":
        return 0, f"based in {NAMES[meta['area']]}, far from {NAMES[spec['area']]}"
    same = meta["theme"] == spec["theme"]
    if same and meta["role"] in ("lead", "border", "far"):
        if place == "in":
            return 3, "the service asked for, for the need's group, in the need's area"
        return 2, "the service asked for, just over the border"
    if same and meta["role"] == "generalist":
        return (
            (2, "right service and group in the area, but a generic offer") if place == "in" else (1, "generic, nearby")
        )
    if same and meta["role"] == "adjacent" and place == "in":
        return 1, "works with the need's group in the area, but offers a different service"
    return 0, "a different service"


def need_record(spec: dict) -> dict:
    theme, area, i = spec["theme"], spec["area"], spec["i"]
    service_area, outcomes, group, (low, high), focus, title, _ = THEMES[theme]
    place = PLACES[area][0]
    return {
        "ref": f"eval-{i:02d}-{theme}",
        "body": f"eval-body-{area.lower()}",
        "title": f"{title} in {place}",
        "summary": f"{place} wants {focus}.",
        "description": f"For {group.replace('-', ' ')} aged {low} to {high} in {place}; outcomes monitored quarterly.",
        "level": LEVELS[i % len(LEVELS)],
        "kind": KINDS[i % len(KINDS)],
        "service_area": service_area,
        "localities": [area],
        "target_groups": [group],
        "age_min": low,
        "age_max": high,
        "outcomes": outcomes,
        "budget_max_pence": 1_000_000 if i % 2 else None,
        "deadline": "2099-12-31",
        "requirements": {"consortium_welcome": True, "localities_required": False},
        "status": "open",
    }


def main() -> None:
    specs = need_specs()
    organisations = [org for spec in specs for org in providers_for(spec)]
    judgements, held_out = {}, []
    for spec in specs:
        ref = need_record(spec)["ref"]
        graded = {org["ref"]: grade(spec, org) for org in organisations}
        judgements[ref] = {org: [g, reason] for org, (g, reason) in sorted(graded.items()) if g}
        if spec["i"] % 3 == (2 - spec["i"] // 12) % 3:  # a third of the needs, spread over every theme
            held_out.append(ref)
    meta = {org["ref"]: org.pop("_eval") for org in organisations}
    needs = [need_record(spec) for spec in specs]
    for need in needs:
        if need["budget_max_pence"] is None:
            del need["budget_max_pence"]
    bodies = {
        f"eval-body-{a.lower()}": f"{PLACES[a][0]} Children's Services" for a in sorted({s["area"] for s in specs})
    }

    def write(name: str, data: dict) -> None:
        (OUT / name).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    write("directory.json", {"organisations": organisations, "consortia": []})
    write("needs.json", {"bodies": bodies, "needs": needs})
    write("judgements.json", {"held_out": held_out, "providers": meta, "grades": judgements})
    print(f"{len(organisations)} organisations, {len(needs)} needs ({len(held_out)} held out)")


if __name__ == "__main__":
    main()
