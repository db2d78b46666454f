"""Load reference data from the files in ``reference/data`` (idempotent) and import locality CSVs.

Loading matches rows by stable keys (vocabulary ``key`` + term ``code``; locality ``ons_code``; ``outcode``),
so running it again updates labels and adds new rows without duplicating or breaking references.
Terms no longer in the file are marked inactive, not deleted, because profiles and needs may use them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.reference.geography import ONS_CODE, forget_outcodes
from marketplace.reference.models import Locality, Outcode, Term, Vocabulary, locality_neighbour

DATA_DIR = Path(__file__).resolve().parent / "data"
LOCALITY_TIERS = ("county", "district", "unitary", "metropolitan_district", "london_borough")
LOCALITY_COLUMNS = ("ons_code", "name", "tier", "parent_ons_code", "region")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {len(self.errors)} rejected" if self.errors else "")


def _assign(obj: object, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


# Vocabularies -------------------------------------------------------------------------------------------------


def _upsert_vocabulary(key: str, label: str, description: str = "", parent_key: str | None = None) -> Vocabulary:
    vocabulary = db.session.scalar(select(Vocabulary).where(Vocabulary.key == key))
    if vocabulary is None:
        vocabulary = Vocabulary(key=key)
        db.session.add(vocabulary)
    _assign(vocabulary, {"label": label, "description": description, "parent_key": parent_key})
    db.session.flush()
    return vocabulary


def _upsert_terms(
    vocabulary: Vocabulary,
    rows: Iterable[dict],
    report: ImportReport,
    parent: Term | None = None,
    seen: set[int] | None = None,
) -> None:
    existing = {term.code: term for term in db.session.scalars(select(Term).where(Term.vocabulary_id == vocabulary.id))}
    for position, row in enumerate(rows):
        term = existing.get(row["code"])
        values = {
            "label": row["label"],
            "description": row.get("description", ""),
            "position": position,
            "parent_id": parent.id if parent else None,
            "is_active": True,
        }
        if term is None:
            term = Term(vocabulary_id=vocabulary.id, code=row["code"], **values)
            db.session.add(term)
            existing[row["code"]] = term
            report.created += 1
        elif _assign(term, values):
            report.updated += 1
        else:
            report.unchanged += 1
        db.session.flush()
        if seen is not None:
            seen.add(term.id)


def _deactivate_missing(vocabulary: Vocabulary, seen: set[int]) -> None:
    for term in db.session.scalars(select(Term).where(Term.vocabulary_id == vocabulary.id)):
        if term.id not in seen and term.is_active:
            term.is_active = False


def load_vocabularies(path: Path = DATA_DIR / "vocabularies.json") -> ImportReport:
    report = ImportReport()
    data = json.loads(path.read_text(encoding="utf-8"))
    for spec in data["vocabularies"]:
        vocabulary = _upsert_vocabulary(spec["key"], spec["label"], spec.get("description", ""))
        seen: set[int] = set()
        _upsert_terms(vocabulary, spec["terms"], report, seen=seen)
        _deactivate_missing(vocabulary, seen)
        child_spec = spec.get("child_vocabulary")
        if child_spec:
            child = _upsert_vocabulary(
                child_spec["key"], child_spec["label"], child_spec.get("description", ""), parent_key=vocabulary.key
            )
            child_seen: set[int] = set()
            terms = {term.code: term for term in vocabulary.terms}
            for parent_row in spec["terms"]:
                _upsert_terms(
                    child, parent_row.get("children", []), report, parent=terms[parent_row["code"]], seen=child_seen
                )
            _deactivate_missing(child, child_seen)
    db.session.commit()
    return report


# Localities ---------------------------------------------------------------------------------------------------


def _validate_locality_row(row: dict, line: int, known_codes: set[str]) -> str | None:
    code = (row.get("ons_code") or "").strip()
    if not ONS_CODE.match(code):
        return f"Line {line}: ons_code {code!r} is not an English ONS code like E06000015"
    if not (row.get("name") or "").strip():
        return f"Line {line}: name is missing"
    if len(row["name"].strip()) > 120:
        return f"Line {line}: name must be 120 characters or fewer"
    tier = (row.get("tier") or "").strip()
    if tier not in LOCALITY_TIERS:
        return f"Line {line}: tier {tier!r} must be one of {', '.join(LOCALITY_TIERS)}"
    parent = (row.get("parent_ons_code") or "").strip()
    if parent and tier != "district":
        return f"Line {line}: only a district can have a parent_ons_code"
    if parent and parent not in known_codes:
        return f"Line {line}: parent_ons_code {parent} is not a county in the file or the database"
    return None


def _valid_locality_rows(rows: list[tuple[int, dict]], report: ImportReport) -> list[dict]:
    """Check each row; report the bad ones (with line numbers) and return the good ones, stripped."""
    existing_counties = set(db.session.scalars(select(Locality.ons_code).where(Locality.tier == "county")))
    counties = existing_counties | {
        (row.get("ons_code") or "").strip() for _, row in rows if (row.get("tier") or "").strip() == "county"
    }
    valid: list[dict] = []
    seen_codes: set[str] = set()
    for line, row in rows:
        problem = _validate_locality_row(row, line, counties)
        code = (row.get("ons_code") or "").strip()
        if problem is None and code in seen_codes:
            problem = f"Line {line}: ons_code {code} appears more than once"
        if problem:
            report.errors.append(problem)
            continue
        seen_codes.add(code)
        valid.append({name: (row.get(name) or "").strip() for name in LOCALITY_COLUMNS})
    return valid


def _upsert_localities(valid: list[dict], report: ImportReport) -> None:
    existing = {loc.ons_code: loc for loc in db.session.scalars(select(Locality))}
    for row in valid:
        values = {"name": row["name"], "tier": row["tier"], "region": row["region"]}
        locality = existing.get(row["ons_code"])
        if locality is None:
            locality = Locality(ons_code=row["ons_code"], **values)
            db.session.add(locality)
            existing[row["ons_code"]] = locality
            report.created += 1
        elif _assign(locality, values):
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()
    # Second pass: a county may come after its districts in the file.
    for row in valid:
        locality = existing[row["ons_code"]]
        parent = existing.get(row["parent_ons_code"]) if row["parent_ons_code"] else None
        if locality.parent_id != (parent.id if parent else None):
            locality.parent = parent


def import_localities_csv(stream: io.TextIOBase | Iterable[str]) -> ImportReport:
    """Import localities from CSV (columns: ons_code,name,tier,parent_ons_code,region); bad rows are reported."""
    report = ImportReport()
    try:
        reader = csv.DictReader(stream)
        missing = [column for column in LOCALITY_COLUMNS if column not in (reader.fieldnames or [])]
        rows = [] if missing else list(enumerate(reader, start=2))
    except (csv.Error, UnicodeDecodeError) as error:
        report.errors.append(f"The file could not be read as CSV: {error}")
        return report
    if missing:
        report.errors.append(
            f"The file must have the columns {', '.join(LOCALITY_COLUMNS)}; missing {', '.join(missing)}"
        )
        return report
    _upsert_localities(_valid_locality_rows(rows, report), report)
    db.session.commit()
    return report


def load_outcodes(path: Path = DATA_DIR / "outcodes.csv") -> ImportReport:
    report = ImportReport()
    existing = {row.outcode: row for row in db.session.scalars(select(Outcode))}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            values = {
                "easting": int(row["easting"]),
                "northing": int(row["northing"]),
                "ons_code": row.get("ons_code") or None,
            }
            outcode = existing.get(row["outcode"])
            if outcode is None:
                db.session.add(Outcode(outcode=row["outcode"], **values))
                report.created += 1
            elif _assign(outcode, values):
                report.updated += 1
            else:
                report.unchanged += 1
    db.session.commit()
    forget_outcodes()  # distances in this process read the new centres
    return report


def _rows(name: str) -> list[dict]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _load_centres_and_counties(existing: dict[str, Locality], report: ImportReport) -> None:
    centres = {row["ons_code"]: (int(row["easting"]), int(row["northing"])) for row in _rows("centres.csv")}
    counties = {row["ons_code"]: row["ceremonial_county_ons_code"] for row in _rows("ceremonial.csv")}
    for code, locality in existing.items():
        easting, northing = centres.get(code, (None, None))
        county = existing.get(counties.get(code, ""))
        values = {"easting": easting, "northing": northing, "ceremonial_county_id": county.id if county else None}
        if _assign(locality, values):
            report.updated += 1
        else:
            report.unchanged += 1


def _load_neighbours(existing: dict[str, Locality], report: ImportReport) -> None:
    ids = {code: locality.id for code, locality in existing.items()}
    wanted = {
        (ids[row["ons_code"]], ids[row["neighbour_ons_code"]])
        for row in _rows("neighbours.csv")
        if row["ons_code"] in ids and row["neighbour_ons_code"] in ids
    }
    held = set(db.session.execute(select(locality_neighbour.c.locality_id, locality_neighbour.c.neighbour_id)).all())
    for pair in held - wanted:
        db.session.execute(
            locality_neighbour.delete().where(
                (locality_neighbour.c.locality_id == pair[0]) & (locality_neighbour.c.neighbour_id == pair[1])
            )
        )
    added = sorted(wanted - held)
    if added:
        db.session.execute(locality_neighbour.insert(), [{"locality_id": a, "neighbour_id": b} for a, b in added])
    report.created += len(added)
    report.unchanged += len(wanted & held)


def load_geography() -> ImportReport:
    """Authority centres, ceremonial counties and neighbours (the derived and attributed files in ``data``).

    Idempotent like the rest: rows are matched by ONS code, and neighbour pairs no longer in the file go.
    """
    report = ImportReport()
    existing = {locality.ons_code: locality for locality in db.session.scalars(select(Locality))}
    _load_centres_and_counties(existing, report)
    db.session.flush()
    _load_neighbours(existing, report)
    db.session.commit()
    return report


def load_all() -> dict[str, ImportReport]:
    with (DATA_DIR / "localities.csv").open(encoding="utf-8", newline="") as handle:
        localities = import_localities_csv(handle)
    return {
        "vocabularies": load_vocabularies(),
        "localities": localities,
        "outcodes": load_outcodes(),
        "geography": load_geography(),
    }


# Queries ------------------------------------------------------------------------------------------------------


def vocabulary_summaries() -> list[tuple[Vocabulary, int]]:
    counts = dict(db.session.execute(select(Term.vocabulary_id, func.count()).group_by(Term.vocabulary_id)).all())
    vocabularies = db.session.scalars(select(Vocabulary).order_by(Vocabulary.label))
    return [(vocab, counts.get(vocab.id, 0)) for vocab in vocabularies]


def terms_by_code(vocabulary_key: str) -> dict[str, Term]:
    query = select(Term).join(Vocabulary).where(Vocabulary.key == vocabulary_key)
    return {term.code: term for term in db.session.scalars(query)}


def localities(*, region: str | None = None, tier: str | None = None, text: str = "") -> list[Locality]:
    query = select(Locality).order_by(Locality.name)
    if region:
        query = query.where(Locality.region == region)
    if tier:
        query = query.where(Locality.tier == tier)
    if text:
        query = query.where(Locality.name.ilike(f"%{text[:100]}%"))
    return list(db.session.scalars(query))


def regions() -> list[str]:
    return [r for r in db.session.scalars(select(Locality.region).distinct().order_by(Locality.region)) if r]
