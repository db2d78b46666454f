"""The side-by-side comparison of a need's shortlisted providers (for the comparison page and the CSV export).

One column per shortlisted provider, one row per criterion. Each cell has the text a reader (or spreadsheet)
sees and an optional ``mark`` the page shows as a tag: ``yes`` (meets it), ``no`` (does not) or ``warning``
(partly, out of date, expired). A consortium is judged on its lead and accepted members for outcomes,
localities and evidence, and on its lead organisation for safeguarding and accreditations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask import Flask, current_app

from marketplace.commissioning.contributions.services import for_body
from marketplace.commissioning.models import Need, Response, ShortlistEntry
from marketplace.commissioning.shortlists.services import entries_of, entry_name, live_response_for_entry
from marketplace.core.clock import today
from marketplace.core.templating import format_date, format_pence
from marketplace.directory.models import MembershipStatus, Organisation
from marketplace.directory.readiness import lead_training_is_current
from marketplace.kitemark.status import kitemark_status
from marketplace.reference.geography import served_localities
from marketplace.reference.models import Locality, Term

POLICY_MAX_AGE_MONTHS = 12
TRACK_RECORD_KEY = "commissioning.comparison_track_record"

# A shortlist entry's published track record lines. Close-out reviews live in monitoring, which sits above
# commissioning (it imports it), so monitoring's function is handed over by ``create_app``.
TrackRecord = Callable[[ShortlistEntry], list[str]]
YES, NO, WARNING = "yes", "no", "warning"


@dataclass(frozen=True)
class Cell:
    text: str
    mark: str | None = None


@dataclass
class ComparisonRow:
    heading: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class ComparisonTable:
    need: Need
    columns: list[str]
    entries: list[ShortlistEntry]
    rows: list[ComparisonRow]

    def as_lists(self) -> list[list[str]]:
        """Header row then one row per criterion, as plain text (for CSV)."""
        return [["Criterion", *self.columns]] + [[row.heading, *(c.text for c in row.cells)] for row in self.rows]


# What one provider brings -------------------------------------------------------------------------------------------


def organisations_of(entry: ShortlistEntry) -> list[Organisation]:
    """The organisations a shortlisted provider brings: itself, or a consortium's lead then accepted members."""
    if entry.consortium is None:
        return [entry.organisation]
    members = [
        membership.organisation
        for membership in entry.consortium.memberships
        if membership.status == MembershipStatus.ACCEPTED
    ]
    lead = entry.consortium.lead_organisation
    return [lead, *(org for org in members if org.id != lead.id)]


def _outcomes(organisations: list[Organisation], response: Response | None) -> list[Term]:
    found: dict[int, Term] = {}
    for organisation in organisations:
        for contribution in organisation.outcome_contributions:
            found[contribution.outcome.id] = contribution.outcome
        for offer in organisation.offers:
            found.update((term.id, term) for term in offer.outcomes)
    if response is not None:
        found.update((term.id, term) for term in response.outcomes)
    return sorted(found.values(), key=lambda term: (term.position, term.label))


def _localities(organisations: list[Organisation]) -> list[Locality]:
    found: dict[int, Locality] = {}
    for organisation in organisations:
        found.update((locality.id, locality) for locality in organisation.localities)
        for offer in organisation.offers:
            found.update((locality.id, locality) for locality in offer.localities)
    return sorted(found.values(), key=lambda locality: locality.name)


def serves(served: list[Locality], locality: Locality) -> bool:
    """Serving a county means serving its districts (see :func:`marketplace.reference.geography.served_localities`)."""
    return locality in served_localities(served)


def _months_ago(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


# Cells ------------------------------------------------------------------------------------------------------------


def _locality_cell(need: Need, served: list[Locality]) -> Cell:
    if not need.localities:
        return Cell("The need names no localities")
    missing = [locality.name for locality in need.localities if not serves(served, locality)]
    if not missing:
        return Cell("Yes", YES)
    if len(missing) == len(need.localities):
        return Cell("No", NO)
    return Cell(f"Partly (not {', '.join(missing)})", WARNING)


def safeguarding_cell(organisation: Organisation, *, on: date | None = None) -> Cell:
    record = organisation.safeguarding
    if record is None or record.policy_reviewed_on is None:
        return Cell("No safeguarding policy", NO)
    reviewed = record.policy_reviewed_on
    current = reviewed >= _months_ago(on or today(), POLICY_MAX_AGE_MONTHS)
    verified = "verified" if record.verified_at is not None else "not verified"
    state = "current" if current else "out of date"
    return Cell(f"Policy reviewed {format_date(reviewed)} ({state}), {verified}", YES if current else WARNING)


def accreditations_cell(organisation: Organisation, *, on: date | None = None) -> Cell:
    if not organisation.accreditations:
        return Cell("None")
    day = on or today()
    parts, any_expired = [], False
    for accreditation in sorted(organisation.accreditations, key=lambda a: a.scheme.label):
        name = accreditation.scheme_other_name or accreditation.scheme.label
        if accreditation.expires_on is None:
            parts.append(f"{name} (no expiry date)")
        elif accreditation.expires_on < day:
            any_expired = True
            parts.append(f"{name} (expired {format_date(accreditation.expires_on)})")
        else:
            parts.append(f"{name} (expires {format_date(accreditation.expires_on)})")
    return Cell("; ".join(parts), WARNING if any_expired else None)


def price_cell(organisations: list[Organisation], response: Response | None) -> Cell:
    if response is not None and response.price_pence is not None:
        return Cell(f"{format_pence(response.price_pence)} (response)")
    prices = [
        (offer.price_pence, offer)
        for organisation in organisations
        for offer in organisation.offers
        if offer.price_pence is not None
    ]
    if not prices:
        return Cell("No price given")
    price, offer = min(prices, key=lambda pair: pair[0])
    basis = f" {offer.cost_basis.label.lower()}" if offer.cost_basis is not None else ""
    return Cell(f"From {format_pence(price)}{basis} (offer: {offer.title})")


def unit_cost_cell(organisation: Organisation) -> Cell:
    """What a unit of the service costs and whether the price covers full costs (value for money, IDeA)."""
    if organisation.unit_cost_pence is None:
        return Cell("Not given")
    basis = f" {organisation.unit_cost_basis}" if organisation.unit_cost_basis else ""
    recovery = {True: ", recovers full costs", False: ", does not recover full costs"}.get(
        organisation.full_cost_recovery, ""
    )
    return Cell(f"{format_pence(organisation.unit_cost_pence)}{basis}{recovery}")


def added_value_cell(organisation: Organisation) -> Cell:
    """Match funding and what else comes with the service, with the social return where the provider gives one."""
    parts = [organisation.added_value] if organisation.added_value else []
    if organisation.social_return_ratio is not None:
        parts.append(f"Social return: £{organisation.social_return_ratio} for every £1")
    return Cell(". ".join(parts) or "Not given")


def vetting_cell(organisation: Organisation) -> Cell:
    """DBS checks and vetting practice: the share of people checked, and the training they get."""
    record = organisation.safeguarding
    if record is None or record.dbs_coverage_percent is None:
        return Cell("Not given", NO)
    text = f"{record.dbs_coverage_percent}% have an enhanced DBS check"
    if record.training:
        text += f". Training: {record.training}"
    return Cell(text, YES if record.dbs_coverage_percent == 100 else WARNING)


def lead_training_cell(organisation: Organisation, *, on: date | None = None) -> Cell:
    record = organisation.safeguarding
    if record is None or record.lead_trained_on is None:
        return Cell("No training date given", NO)
    name = f"{record.lead_name}, " if record.lead_name else ""
    if lead_training_is_current(record, on or today()):
        return Cell(f"{name}trained {format_date(record.lead_trained_on)}", YES)
    return Cell(f"{name}trained {format_date(record.lead_trained_on)} (more than 3 years ago)", WARNING)


def _evidence_cell(organisations: list[Organisation]) -> Cell:
    records = sum(len(organisation.impact_evidence) for organisation in organisations)
    documents = sum(len(organisation.documents) for organisation in organisations)
    return Cell(
        f"{records + documents} ({_plural(records, 'impact evidence record')}, {_plural(documents, 'document')})"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _contribution_row(need: Need, providers: list[_Provider]) -> ComparisonRow:
    """What each provider wrote for this need's body's own framework (its statements for other bodies are not
    shown here: the comparison is about this body's priorities)."""
    cells = []
    for provider in providers:
        statements = for_body(provider.organisations, need.body_id)
        text = " ".join(f"{item.target_title}: {item.statement}" for item in statements)
        cells.append(Cell(text or "None written"))
    return ComparisonRow(f"Contribution to {need.body.name}'s framework", cells)


def init_comparison_track_record(app: Flask, track_record: TrackRecord) -> None:
    """Name the function giving an entry's published track record; without one the row is left out."""
    app.extensions[TRACK_RECORD_KEY] = track_record


def _track_record_row(providers: list[_Provider]) -> list[ComparisonRow]:
    """Published close-out reviews, shown as facts beside the rest (the rank is the commissioner's own)."""
    track_record: TrackRecord | None = current_app.extensions.get(TRACK_RECORD_KEY)
    if track_record is None:
        return []
    cells = [Cell(". ".join(lines) if (lines := track_record(p.entry)) else "None published") for p in providers]
    return [ComparisonRow("Track record (published close-out reviews)", cells)]


# The table --------------------------------------------------------------------------------------------------------


@dataclass
class _Provider:
    entry: ShortlistEntry
    organisations: list[Organisation]
    response: Response | None
    outcomes: list[Term]
    localities: list[Locality]


def _provider(entry: ShortlistEntry) -> _Provider:
    organisations = organisations_of(entry)
    response = live_response_for_entry(entry)
    return _Provider(entry, organisations, response, _outcomes(organisations, response), _localities(organisations))


def _outcome_rows(need: Need, providers: list[_Provider]) -> list[ComparisonRow]:
    rows = [
        ComparisonRow(
            "ECM outcomes covered", [Cell(", ".join(t.label for t in p.outcomes) or "None") for p in providers]
        )
    ]
    for outcome in need.outcomes:
        cells = [
            Cell("Covered", YES) if outcome.id in {t.id for t in p.outcomes} else Cell("Not covered", NO)
            for p in providers
        ]
        rows.append(ComparisonRow(f"Need outcome: {outcome.label}", cells))
    return rows


def compare(need: Need) -> ComparisonTable:
    """The comparison of ``need``'s shortlist, in rank order."""
    providers = [_provider(entry) for entry in entries_of(need)]
    lead = [p.organisations[0] for p in providers]
    rows = [
        ComparisonRow("Rank", [Cell(str(p.entry.rank)) for p in providers]),
        *_outcome_rows(need, providers),
        ComparisonRow("Serves the need's localities", [_locality_cell(need, p.localities) for p in providers]),
        ComparisonRow(
            "Localities served", [Cell(", ".join(loc.name for loc in p.localities) or "None") for p in providers]
        ),
        ComparisonRow("Safeguarding", [safeguarding_cell(org) for org in lead]),
        ComparisonRow("Accreditations", [accreditations_cell(org) for org in lead]),
        ComparisonRow("Kitemark", [Cell(kitemark_status(org)) for org in lead]),
        ComparisonRow("DBS checks and vetting", [vetting_cell(org) for org in lead]),
        ComparisonRow("Safeguarding lead training", [lead_training_cell(org) for org in lead]),
        ComparisonRow("Price", [price_cell(p.organisations, p.response) for p in providers]),
        ComparisonRow("Unit cost", [unit_cost_cell(org) for org in lead]),
        ComparisonRow("Match funding and added value", [added_value_cell(org) for org in lead]),
        ComparisonRow("Evidence", [_evidence_cell(p.organisations) for p in providers]),
        _contribution_row(need, providers),
        *_track_record_row(providers),
        ComparisonRow(
            "Response", [Cell(p.response.status.capitalize() if p.response else "Not responded") for p in providers]
        ),
        ComparisonRow("Notes", [Cell(p.entry.notes) for p in providers]),
    ]
    return ComparisonTable(need, [entry_name(p.entry) for p in providers], [p.entry for p in providers], rows)
