"""Flatten organisations (and consortia) into engine-neutral search documents.

A document is a plain dict: ``id`` ("org-<id>" / "consortium-<id>"), ``kind``, free text (``name``,
``outcomes_text``, ``offers_text``, ``description``), keyword lists for filters and facets (see
``engine.FACET_FIELDS``; ``confirmed_on`` is the ISO day the listing was last confirmed), ``age_min``/``age_max``,
``min_price_pence``, ``outcode`` (of the postcode, for the distance filter) and ``version``: a hash of everything
else, so ``check`` finds a stale document by comparing it with a document freshly built from the database.
Only published organisations are indexed, and not those out of date (``directory.freshness``).

Documents are built in bulk (:class:`DocumentBatch`): one query per related kind for a whole batch of
organisations and consortia, kitemarks and consortium membership looked up once for all of them, each member's
document built once however many consortia it is in. Built one at a time (``organisation_document`` alone) the
same document cost about 25 queries, which made a rebuild and a broad need's matches slow; the bulk path gives the
same documents (a test builds both ways and compares them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from marketplace.core.clock import today
from marketplace.directory.models import (
    Consortium,
    ConsortiumMembership,
    MembershipStatus,
    Offer,
    Organisation,
    OrganisationStatus,
    OutcomeContribution,
)
from marketplace.kitemark.status import is_kitemarked
from marketplace.reference.geography import served_localities
from marketplace.reference.models import Locality
from marketplace.reference.postcodes import outcode_of
from marketplace.search.engines.encoding import versioned
from marketplace.search.index.document_rows import (
    ConsortiumRows,
    OrganisationRows,
    Reference,
    accreditation_codes,
    load_consortia,
    load_organisations,
)

ORGANISATION_PREFIX = "org-"
CONSORTIUM_PREFIX = "consortium-"


def organisation_doc_id(organisation_id: int) -> str:
    return f"{ORGANISATION_PREFIX}{organisation_id}"


def consortium_doc_id(consortium_id: int) -> str:
    return f"{CONSORTIUM_PREFIX}{consortium_id}"


def _codes(terms: Iterable) -> set[str]:
    return {term.code for term in terms if term is not None}


def _ages(organisation: Organisation) -> tuple[int | None, int | None]:
    offers = organisation.offers
    return _age_range(organisation.age_min, organisation.age_max, offers, bool(organisation.adults_only))


def _age_range(age_min: int | None, age_max: int | None, offers: Iterable, adults_only: bool) -> tuple:
    offers = list(offers)
    lows = [v for v in [age_min, *(offer.age_min for offer in offers)] if v is not None]
    highs = [v for v in [age_max, *(offer.age_max for offer in offers)] if v is not None]
    low, high = (min(lows) if lows else None), (max(highs) if highs else None)
    if adults_only:  # an adult-only provider never works below 18, whatever an offer says
        low = max(low or 0, 18)
    return low, high


def _by_id(row) -> int:
    return row.id or 0


def _offer_text(offer: Offer) -> str:
    return " ".join(part for part in (offer.title, offer.description) if part)


def _in_consortium(session: Session, organisation: Organisation) -> bool:
    led = select(Consortium.id).where(Consortium.lead_organisation_id == organisation.id)
    member = (
        select(ConsortiumMembership.id)
        .where(ConsortiumMembership.organisation_id == organisation.id)
        .where(ConsortiumMembership.status == MembershipStatus.ACCEPTED)
    )
    return session.scalar(led.limit(1)) is not None or session.scalar(member.limit(1)) is not None


def _versioned(document: dict) -> dict:
    """The document with its version, and the JSON it was hashed from kept for the engine (``encoding``)."""
    return versioned(document)


def organisation_document(
    organisation: Organisation, *, session: Session | None = None, kitemarked: bool | None = None
) -> dict:
    """The search document of one organisation (whatever its status: callers index published ones only).

    ``kitemarked`` may be given by a caller that looked up many organisations' kitemarks in one query. Many
    documents at once: :class:`DocumentBatch`, which gives the same documents for a fraction of the queries.
    """
    from marketplace.extensions import db

    session = session or db.session
    # In id order, whatever order the database returned the rows in (PostgreSQL gives no order without ORDER BY):
    # the version hash covers the texts, so the same rows must always give the same document.
    offers = sorted(organisation.offers, key=_by_id)
    contributions = sorted(organisation.outcome_contributions, key=_by_id)
    current = today()
    age_min, age_max = _ages(organisation)
    prices = [offer.price_pence for offer in offers if offer.price_pence is not None]
    safeguarding = organisation.safeguarding
    document = {
        "id": organisation_doc_id(organisation.id),
        "kind": "organisation",
        "name": organisation.name,
        "outcomes_text": " ".join(c.statement for c in contributions if c.statement),
        "offers_text": " ".join(_offer_text(offer) for offer in offers),
        "description": organisation.description or "",
        # What the organisation says it contributes to the LAA, CYPP, NIs …: matching reads it as fit text.
        "frameworks_text": " ".join(
            s.statement for s in sorted(organisation.framework_statements, key=_by_id) if s.statement
        ),
        "outcome": sorted(_codes(c.outcome for c in contributions) | _codes(t for o in offers for t in o.outcomes)),
        "aim": sorted(_codes(a for c in contributions for a in c.aims) | _codes(a for o in offers for a in o.aims)),
        "locality": sorted(
            served.ons_code
            for served in served_localities(
                [*organisation.localities, *(loc for offer in offers for loc in offer.localities)]
            )
        ),
        "organisation_type": sorted(_codes([organisation.organisation_type])),
        "service_area": sorted(_codes(area for offer in offers for area in offer.service_areas)),
        "target_group": sorted(_codes(organisation.target_groups)),
        "accreditation": sorted(
            _codes(a.scheme for a in organisation.accreditations if a.expires_on is None or a.expires_on >= current)
        ),
        "kitemarked": is_kitemarked(organisation) if kitemarked is None else kitemarked,
        "safeguarding_verified": bool(safeguarding is not None and safeguarding.verified_at is not None),
        "in_consortium": _in_consortium(session, organisation),
        "send_suitable": any(offer.send_suitable for offer in offers),
        "age_min": age_min,
        "age_max": age_max,
        "adults_only": bool(organisation.adults_only),
        "indicator": sorted(_codes(organisation.indicators)),
        "problem_area": sorted(_codes(organisation.problem_areas)),
        # The day the listing was last confirmed accurate: the search page's "confirmed in the last N months".
        "confirmed_on": organisation.confirmed_at.date().isoformat() if organisation.confirmed_at else None,
        "offer_prices": _offer_prices(offers),
        "min_price_pence": min(prices) if prices else None,
        "outcode": outcode_of(organisation.postcode) or "",
    }
    return _versioned(document)


def _offer_prices(offers: Iterable[Offer]) -> list[dict]:
    """Each priced offer's price with its service areas and outcomes, so matching prices the relevant offers."""
    return [
        {
            "price_pence": offer.price_pence,
            "service_area": sorted(_codes(offer.service_areas)),
            "outcome": sorted(_codes(offer.outcomes)),
        }
        for offer in offers
        if offer.price_pence is not None
    ]


def consortium_document(consortium: Consortium, members: list[Organisation], *, session: Session | None = None) -> dict:
    """A consortium: its own name and description, and the union of its published members' reach."""
    member_documents = [organisation_document(member, session=session) for member in sorted(members, key=_by_id)]
    lead = consortium.lead_organisation
    return _consortium_fields(
        consortium.id,
        consortium.name,
        consortium.description,
        member_documents,
        [member.name for member in members],
        lead.postcode if lead is not None else None,
    )


def _consortium_fields(
    consortium_id: int,
    name: str,
    description: str | None,
    member_documents: list[dict],
    member_names: list[str],
    lead_postcode: str | None,
    versioned: bool = True,
) -> dict:
    """The consortium document from its members' documents (in id order) and names (lead first)."""

    def union(field: str) -> list[str]:
        return sorted({value for document in member_documents for value in document[field]})

    lows = [d["age_min"] for d in member_documents if d["age_min"] is not None]
    highs = [d["age_max"] for d in member_documents if d["age_max"] is not None]
    prices = [d["min_price_pence"] for d in member_documents if d["min_price_pence"] is not None]
    document = {
        "id": consortium_doc_id(consortium_id),
        "kind": "consortium",
        "name": name,
        "outcomes_text": " ".join(d["outcomes_text"] for d in member_documents if d["outcomes_text"]),
        "offers_text": " ".join(member_names),
        "description": description or "",
        "frameworks_text": " ".join(d["frameworks_text"] for d in member_documents if d["frameworks_text"]),
        **{field: union(field) for field in ("outcome", "aim", "locality", "service_area", "target_group")},
        "organisation_type": [],
        "accreditation": union("accreditation"),
        "kitemarked": False,
        "safeguarding_verified": bool(member_documents) and all(d["safeguarding_verified"] for d in member_documents),
        "in_consortium": True,
        "send_suitable": any(d["send_suitable"] for d in member_documents),
        "age_min": min(lows) if lows else None,
        "age_max": max(highs) if highs else None,
        "adults_only": bool(member_documents) and all(d["adults_only"] for d in member_documents),
        "indicator": union("indicator"),
        "problem_area": union("problem_area"),
        # As fresh as its least recently confirmed member: "confirmed in the last 6 months" holds for all of them.
        "confirmed_on": min((d["confirmed_on"] for d in member_documents if d["confirmed_on"]), default=None),
        "offer_prices": [price for d in member_documents for price in d["offer_prices"]],
        "min_price_pence": min(prices) if prices else None,
        # A consortium is as near as its lead organisation (what the postcode filter has always meant).
        "outcode": outcode_of(lead_postcode) or "",
    }
    return _versioned(document) if versioned else document


def _published_members(consortium: Consortium) -> list[Organisation]:
    memberships = sorted(consortium.memberships, key=_by_id)  # id order, as the bulk path reads them
    members = [consortium.lead_organisation] + [
        m.organisation for m in memberships if m.status == MembershipStatus.ACCEPTED
    ]
    unique = {member.id: member for member in members if member is not None and member.is_published}
    return list(unique.values())


def _organisation_loader():
    return (
        selectinload(Organisation.offers).selectinload(Offer.localities).selectinload(Locality.districts),
        selectinload(Organisation.offers).selectinload(Offer.outcomes),
        selectinload(Organisation.offers).selectinload(Offer.aims),
        selectinload(Organisation.offers).selectinload(Offer.service_areas),
        selectinload(Organisation.outcome_contributions).selectinload(OutcomeContribution.outcome),
        selectinload(Organisation.outcome_contributions).selectinload(OutcomeContribution.aims),
        selectinload(Organisation.localities).selectinload(Locality.districts),
        selectinload(Organisation.target_groups),
        selectinload(Organisation.indicators),
        selectinload(Organisation.problem_areas),
        selectinload(Organisation.framework_statements),
        selectinload(Organisation.accreditations),
        selectinload(Organisation.safeguarding),
        selectinload(Organisation.organisation_type),
    )


def _split_ids(ids: Iterable[str]) -> tuple[set[int], set[int]]:
    org_ids = {int(i.removeprefix(ORGANISATION_PREFIX)) for i in ids if i.startswith(ORGANISATION_PREFIX)}
    consortium_ids = {int(i.removeprefix(CONSORTIUM_PREFIX)) for i in ids if i.startswith(CONSORTIUM_PREFIX)}
    return org_ids, consortium_ids


def rows_document(organisation: OrganisationRows, reference: Reference, *, versioned: bool = True) -> dict:
    """:func:`organisation_document`, from the plain rows of :mod:`marketplace.search.index.document_rows`; without its
    ``version`` when the caller only reads it (matching: the hash is a fifth of the cost of a document)."""
    offers = organisation.offers  # in id order
    contributions = organisation.contributions  # in id order
    age_min, age_max = _age_range(organisation.age_min, organisation.age_max, offers, organisation.adults_only)
    prices = [offer.price_pence for offer in offers if offer.price_pence is not None]
    picked = organisation.localities.union(*(offer.localities for offer in offers))
    document = {
        "id": organisation_doc_id(organisation.id),
        "kind": "organisation",
        "name": organisation.name,
        "outcomes_text": " ".join(text for _, text, _, _ in contributions if text),
        "offers_text": " ".join(_offer_text(offer) for offer in offers),
        "description": organisation.description,
        "frameworks_text": " ".join(text for _, text in organisation.frameworks if text),
        "outcome": sorted(
            {code for _, _, code, _ in contributions if code is not None}.union(*(o.outcomes for o in offers))
        ),
        "aim": sorted(set().union(*(aims for _, _, _, aims in contributions), *(o.aims for o in offers))),
        "locality": sorted(reference.served_codes(picked)),
        "organisation_type": [organisation.organisation_type] if organisation.organisation_type else [],
        "service_area": sorted(set().union(*(offer.service_areas for offer in offers))),
        "target_group": sorted(organisation.target_groups),
        "accreditation": sorted(accreditation_codes(organisation)),
        "kitemarked": organisation.kitemarked,
        "safeguarding_verified": organisation.safeguarding_verified,
        "in_consortium": organisation.in_consortium,
        "send_suitable": any(offer.send_suitable for offer in offers),
        "age_min": age_min,
        "age_max": age_max,
        "adults_only": organisation.adults_only,
        "indicator": sorted(organisation.indicators),
        "problem_area": sorted(organisation.problem_areas),
        "confirmed_on": organisation.confirmed_at.date().isoformat() if organisation.confirmed_at else None,
        "offer_prices": [
            {"price_pence": o.price_pence, "service_area": sorted(o.service_areas), "outcome": sorted(o.outcomes)}
            for o in offers
            if o.price_pence is not None
        ],
        "min_price_pence": min(prices) if prices else None,
        "outcode": outcode_of(organisation.postcode) or "",
    }
    return _versioned(document) if versioned else document


class DocumentBatch:
    """The documents for a set of ids, built in bulk from plain rows (one query per related kind), and the facts
    matching reads besides them (each provider's own localities and postcode), kept from the same rows."""

    def __init__(
        self, session: Session, ids: Iterable[str], reference: Reference | None = None, *, versioned: bool = True
    ) -> None:
        self.ids = set(ids)
        org_ids, consortium_ids = _split_ids(self.ids)
        reference = reference or Reference(session)
        self._reference = reference
        self.consortia = load_consortia(session, consortium_ids)
        members = {
            organisation_id
            for consortium in self.consortia.values()
            for organisation_id in (consortium.lead_organisation_id, *consortium.member_ids)
            if organisation_id is not None
        }
        self.organisations = load_organisations(session, org_ids | members, reference)
        built = {
            organisation.id: rows_document(organisation, reference, versioned=versioned)
            for organisation in self.organisations.values()
            if organisation.is_published  # consortia list published members only, and the index only those
        }
        self.documents: list[dict] = [
            built[i] for i in sorted(org_ids) if i in built and not self.organisations[i].is_stale
        ]
        for consortium_id in sorted(self.consortia):
            consortium = self.consortia[consortium_id]
            published = self.published_members(consortium)
            if published:
                lead = self.organisations.get(consortium.lead_organisation_id)
                self.documents.append(
                    _consortium_fields(
                        consortium.id,
                        consortium.name,
                        consortium.description,
                        [built[member.id] for member in sorted(published, key=_by_id)],
                        [member.name for member in published],
                        lead.postcode if lead is not None else None,
                        versioned,
                    )
                )

    @property
    def gone(self) -> set[str]:
        """The ids that must leave the index (unpublished, out of date, deleted, unknown)."""
        return self.ids - {document["id"] for document in self.documents}

    def published_members(self, consortium: ConsortiumRows) -> list[OrganisationRows]:
        """:func:`_published_members` on rows: the lead, then accepted members, published ones once each."""
        found: dict[int, OrganisationRows] = {}
        for organisation_id in (consortium.lead_organisation_id, *consortium.member_ids):
            member = self.organisations.get(organisation_id)
            if member is not None and member.is_published:
                found.setdefault(member.id, member)
        return list(found.values())

    def provider_facts(self, doc_id: str) -> tuple[set[str], str | None]:
        """The localities a provider picked itself (not their districts) and its base postcode (a consortium's:
        its lead organisation's)."""
        codes = self._reference.locality_codes
        if doc_id.startswith(ORGANISATION_PREFIX):
            organisation = self.organisations.get(int(doc_id.removeprefix(ORGANISATION_PREFIX)))
            if organisation is None:
                return set(), None
            return {codes[i] for i in _picked(organisation)}, organisation.postcode or None
        consortium = self.consortia.get(int(doc_id.removeprefix(CONSORTIUM_PREFIX)))
        if consortium is None:
            return set(), None
        direct = {codes[i] for member in self.published_members(consortium) for i in _picked(member)}
        lead = self.organisations.get(consortium.lead_organisation_id)
        return direct, (lead.postcode or None) if lead is not None else None


def _picked(organisation: OrganisationRows) -> set[int]:
    return organisation.localities.union(*(offer.localities for offer in organisation.offers))


def documents_for_ids(session: Session, ids: Iterable[str]) -> tuple[list[dict], set[str]]:
    """Fresh documents for ``ids`` and the ids that must leave the index (unpublished, deleted, unknown)."""
    batch = DocumentBatch(session, ids)
    return batch.documents, batch.gone


def with_related_ids(session: Session, ids: Iterable[str]) -> set[str]:
    """``ids`` plus the consortia of the organisations among them (a consortium shows its members' reach)."""
    ids = set(ids)
    org_ids = {int(i.removeprefix(ORGANISATION_PREFIX)) for i in ids if i.startswith(ORGANISATION_PREFIX)}
    if org_ids:
        led = select(Consortium.id).where(Consortium.lead_organisation_id.in_(org_ids))
        joined = select(ConsortiumMembership.consortium_id).where(ConsortiumMembership.organisation_id.in_(org_ids))
        ids.update(consortium_doc_id(i) for i in session.scalars(led.union(joined)))
    return ids


def all_documents(session: Session, *, batch: int = 2000) -> Iterator[dict]:
    """Every document the index should hold, built from the database in batches (see :class:`DocumentBatch`)."""
    published = select(Organisation.id).where(
        Organisation.status == OrganisationStatus.PUBLISHED, Organisation.is_stale.is_(False)
    )
    reference = Reference(session)
    org_ids = [organisation_doc_id(i) for i in session.scalars(published.order_by(Organisation.id))]
    consortium_ids = [consortium_doc_id(i) for i in session.scalars(select(Consortium.id).order_by(Consortium.id))]
    for ids in (org_ids, consortium_ids):
        for start in range(0, len(ids), batch):
            yield from DocumentBatch(session, ids[start : start + batch], reference).documents
