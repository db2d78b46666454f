"""The interchange format's shape: its keys, limits and vocabularies, and what an import reports back.

See ``docs/`` for the format; :mod:`.checks` validates records against it and :mod:`.writer` writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from marketplace.directory.models import OrganisationStatus

BATCH_SIZE = 500  # records checked, written and committed together, with one search index update
MAX_AGE = 120  # any age range: adult and older people's services state theirs too
STATUSES = (OrganisationStatus.DRAFT, OrganisationStatus.PUBLISHED)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LONG_TEXT = 10_000

# Trust a provider cannot claim: kitemark and safeguarding verification are an assessor's decisions (on the
# pages, or ``flask kitemark import-register``), so a directory file naming them is refused with this reason.
ASSESSOR_ONLY_KEYS = frozenset(
    {
        "kitemark",
        "kitemarked",
        "kitemark_awarded_on",
        "kitemark_expires_on",
        "kitemark_status",
        "verified",
        "verified_at",
        "verified_on",
        "safeguarding_verified",
        "safeguarding_verified_at",
        "safeguarding_verified_on",
        "verification_status",
    }
)
ASSESSOR_ONLY = "providers cannot import kitemark or verified status: only an assessor records it"

ORGANISATION_KEYS = (
    "ref",
    "name",
    "organisation_type",
    "legal_form",
    "registration_number",
    "description",
    "address",
    "postcode",
    "website",
    "contact_name",
    "contact_email",
    "contact_phone",
    "localities",
    "age_min",
    "age_max",
    "adults_only",
    "target_groups",
    "outcomes",
    "framework_statements",
    "indicators",
    "problem_areas",
    "value_for_money",
    "offers",
    "status",
)
OFFER_KEYS = (
    "ref",
    "title",
    "description",
    "delivery_modes",
    "venue",
    "age_min",
    "age_max",
    "group_size_min",
    "group_size_max",
    "capacity_per_year",
    "price_pence",
    "cost_basis",
    "localities",
    "outcomes",
    "aims",
    "service_areas",
    "send_suitable",
)
VALUE_FOR_MONEY_KEYS = (
    "full_cost_recovery",
    "unit_cost_pence",
    "unit_cost_basis",
    "social_return_ratio",
    "added_value",
)
CONSORTIUM_KEYS = ("ref", "name", "legal_form", "description", "lead", "members")
CSV_COLUMNS = ORGANISATION_KEYS[:15] + ("status",)
TEXT_LIMITS = {
    "name": 200,
    "registration_number": 40,
    "description": LONG_TEXT,
    "address": 300,
    "website": 300,
    "contact_name": 120,
    "contact_phone": 40,
    "title": 200,
    "venue": 200,
}
# The vocabulary each coded field draws on.
VOCABULARY_OF = {
    "organisation_type": "organisation_type",
    "legal_form": "legal_form",
    "target_groups": "target_group",
    "indicators": "national_indicator",
    "problem_areas": "problem_area",
    "outcome": "ecm_outcome",
    "outcomes": "ecm_outcome",
    "aims": "ecm_aim",
    "framework": "contribution_framework",
    "delivery_modes": "delivery_mode",
    "cost_basis": "cost_basis",
    "service_areas": "service_area",
}


class InterchangeFileError(Exception):
    """The file cannot be read at all (missing, not UTF-8, not JSON/CSV, wrong shape): nothing was imported."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def __str__(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {self.removed} removed" if self.removed else "")


@dataclass
class Rejection:
    """A record and every reason it was not imported (in ``drafted``: not published). ``where``: ``line 4``…"""

    where: str
    index: int
    ref: str | None
    reasons: list[str]

    def __str__(self) -> str:
        name = f'ref "{self.ref}"' if self.ref else "(no ref)"
        return f"{self.where} {name}: " + "; ".join(self.reasons)


@dataclass
class ImportReport:
    organisations: Counts = field(default_factory=Counts)
    offers: Counts = field(default_factory=Counts)
    consortia: Counts = field(default_factory=Counts)
    rejected: list[Rejection] = field(default_factory=list)
    drafted: list[Rejection] = field(default_factory=list)  # imported, but as a draft: why it could not publish
    seconds: float = 0.0

    def summary_lines(self) -> list[str]:
        lines = [f"organisations: {self.organisations}", f"offers: {self.offers}", f"consortia: {self.consortia}"]
        if self.drafted:
            lines.append(f"imported as drafts (could not be published): {len(self.drafted)}")
        lines.append(f"rejected: {len(self.rejected)} record(s); took {self.seconds:.1f} s")
        return lines


@dataclass
class Candidate:
    """One record of the file on its way in: where it was, its normalised form and what is wrong with it."""

    where: str
    index: int
    record: dict
    reasons: list[str]
    fingerprint: str = ""  # of the record as read (see ``fingerprint``); empty for what is not a record at all
    unchanged: bool = False  # its fingerprint matched: not checked again (``record`` is as read) nor written

    @property
    def ref(self) -> str:
        return self.record.get("ref") or ""

    def rejection(self) -> Rejection:
        return Rejection(self.where, self.index, self.ref or None, self.reasons)
