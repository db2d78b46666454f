"""Close-out: at contract end the body records outcomes achieved against targets; the provider may publish it.

A target counts as met when the measure's latest rating (the manager's override if there is one) is green;
measures with no target yet or new measures are not counted either way. The summary becomes track record on
the provider's profile only once the provider consents, and is then shown as a fact, never as a ranking boost.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from marketplace.audit.services import record_event
from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.monitoring import rating
from marketplace.monitoring.models import CloseOutReview, Contract, ContractStatus
from marketplace.monitoring.ratings import latest_statuses


class ReviewError(ValueError):
    """A close-out the rules refuse; the message is shown as it is."""


def targets_tally(contract: Contract) -> tuple[int, int]:
    """(met, judged): measures whose latest status is green, of those with a red/amber/green status."""
    statuses = [item.status for item in latest_statuses(contract).values() if item is not None]
    judged = [status for status in statuses if status in rating.RAG]
    return sum(status == rating.GREEN for status in judged), len(judged)


def close_out(contract: Contract, *, summary: str, actor: Any) -> CloseOutReview:
    """Close the contract with its review. Commits; audited; the provider is asked for consent on their page."""
    if contract.review is not None:
        raise ReviewError("This contract has already been closed out")
    if not summary.strip():
        raise ReviewError("Enter a summary of the outcomes achieved")
    met, total = targets_tally(contract)
    review = CloseOutReview(
        contract=contract, summary=summary.strip(), targets_met=met, targets_total=total, reviewed_by_id=actor.id
    )
    contract.status = ContractStatus.CLOSED
    contract.closed_at = utcnow()
    db.session.add(review)
    db.session.flush()
    record_event(
        "contract.closed_out",
        obj=contract,
        actor=actor,
        summary=f"Closed out {contract.title}: {met} of {total} targets met",
        before={"status": ContractStatus.ACTIVE},
        after={"status": ContractStatus.CLOSED, "targets_met": met, "targets_total": total},
    )
    db.session.commit()
    return review


def consent_to_publish(review: CloseOutReview, *, actor: Any) -> CloseOutReview:
    """The provider agrees that the review's summary is shown as track record on its profile. Commits; audited."""
    if review.is_published:
        raise ReviewError("You have already agreed to show this review")
    review.provider_consented_at = utcnow()
    review.consented_by_id = actor.id
    record_event(
        "contract.track_record_published",
        obj=review.contract,
        actor=actor,
        summary=f"{review.contract.provider_name} agreed to show the review of {review.contract.title}",
        after={"published": True},
    )
    db.session.commit()
    return review


def track_record_of(organisation_id: int) -> list[CloseOutReview]:
    """Published reviews of contracts the organisation led: verified track record, newest first."""
    query = (
        select(CloseOutReview)
        .join(Contract)
        .where(Contract.organisation_id == organisation_id, CloseOutReview.provider_consented_at.is_not(None))
        .order_by(CloseOutReview.reviewed_at.desc())
    )
    return list(db.session.scalars(query))


def published_reviews(*, organisation_id: int | None = None, consortium_id: int | None = None) -> list[CloseOutReview]:
    """Published reviews of contracts a consortium held, or an organisation led (as on its profile's track
    record), newest first. Unpublished reviews never leave the body that wrote them."""
    query = select(CloseOutReview).join(Contract).where(CloseOutReview.provider_consented_at.is_not(None))
    if consortium_id is not None:
        query = query.where(Contract.consortium_id == consortium_id)
    else:
        query = query.where(Contract.organisation_id == organisation_id)
    return list(db.session.scalars(query.order_by(CloseOutReview.reviewed_at.desc(), CloseOutReview.id.desc())))


def track_record_reason(*, organisation_id: int | None = None, consortium_id: int | None = None) -> str | None:
    """The matching reason line: the newest published review, and how many more there are. A fact shown to the
    commissioner, never a ranking boost (matching adds it after scoring)."""
    key = ("consortium", consortium_id) if consortium_id is not None else ("organisation", organisation_id)
    return track_record_reasons([key]).get(key)


def track_record_reasons(keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """:func:`track_record_reason` for many ("organisation" | "consortium", id) keys in one query (a page of
    matches), so the page's query count does not grow with its results."""
    keys = set(keys)
    organisation_ids = sorted(i for kind, i in keys if kind == "organisation")
    consortium_ids = sorted(i for kind, i in keys if kind == "consortium")
    if not keys:
        return {}
    query = (
        select(CloseOutReview)
        .join(Contract)
        .where(
            CloseOutReview.provider_consented_at.is_not(None),
            or_(Contract.organisation_id.in_(organisation_ids), Contract.consortium_id.in_(consortium_ids)),
        )
        .options(selectinload(CloseOutReview.contract).selectinload(Contract.body))
        .order_by(CloseOutReview.reviewed_at.desc(), CloseOutReview.id.desc())
    )
    found: dict[tuple[str, int], list[CloseOutReview]] = {}
    for review in db.session.scalars(query):
        for key in (("organisation", review.contract.organisation_id), ("consortium", review.contract.consortium_id)):
            if key in keys:
                found.setdefault(key, []).append(review)
    return {key: _reason(reviews) for key, reviews in found.items()}


def _reason(found: list[CloseOutReview]) -> str:
    line = track_record_line(found[0])
    more = f" (and {len(found) - 1} more published reviews)" if len(found) > 1 else ""
    return f"Track record: {line[0].lower()}{line[1:]}{more}"


def entry_track_record(entry: Any) -> list[str]:
    """A shortlist entry's published track record lines, for the shortlist comparison (wired in ``create_app``)."""
    if entry.consortium_id is not None:
        found = published_reviews(consortium_id=entry.consortium_id)
    else:
        found = published_reviews(organisation_id=entry.organisation_id)
    return [track_record_line(review) for review in found]


def track_record_line(review: CloseOutReview) -> str:
    """ "Delivered Short breaks for Central Bedfordshire Council; 2 of 3 targets met." """
    contract = review.contract
    tally = (
        f"{review.targets_met} of {review.targets_total} targets met" if review.targets_total else "no targets judged"
    )
    return f"Delivered {contract.title} for {contract.body.name}; {tally}"
