"""Shortlists: a need's list of providers with notes and ranking, invitations to respond, and the award.

One shortlist per need (created on the first addition). An entry is an organisation, or a consortium (then
``organisation`` is its lead organisation). Ranks are positions 1…n: every change renumbers the list, so the
order is always a clean sequence. Only published organisations (a consortium through its published lead) or
organisations/consortia that responded to the need can be shortlisted. Awarding lives here: a need is awarded
only to a live response whose responder is on the need's shortlist.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.audit.services import record_event, record_status_change
from marketplace.commissioning.models import Need, NeedStatus, Response, ResponseStatus, Shortlist, ShortlistEntry
from marketplace.commissioning.signals import need_awarded
from marketplace.core.clock import long_date, utcnow
from marketplace.core.links import external_url
from marketplace.directory.models import Consortium, Organisation
from marketplace.extensions import db
from marketplace.notifications.services import notify, send_email

MAX_NOTES = 5000
AWARD_REFUSED = "You can only award to a provider that responded and is on the shortlist"
LOCKED_STATUSES = (NeedStatus.AWARDED, NeedStatus.CANCELLED)


class ShortlistError(ValueError):
    """A shortlist change that the rules refuse; the message is shown to the commissioner as it is."""


# Reading ------------------------------------------------------------------------------------------------------------


def shortlist_for(need: Need) -> Shortlist | None:
    return db.session.scalar(select(Shortlist).where(Shortlist.need_id == need.id))


def entries_of(need: Need) -> list[ShortlistEntry]:
    shortlist = shortlist_for(need)
    return list(shortlist.entries) if shortlist is not None else []


def candidate_states(need: Need) -> dict[tuple[str, int], str]:
    """What a page listing candidates shows instead of "Add to shortlist": "Awarded" or "On the shortlist".

    Keyed ("consortium", id) or ("organisation", id), as a match is. Adding one of these again would only be
    refused, so pages show the state and no button.
    """
    states: dict[tuple[str, int], str] = {}
    for entry in entries_of(need):
        states[_candidate_key(entry.organisation_id, entry.consortium_id)] = "On the shortlist"
    awarded = need.awarded_response if need.status == NeedStatus.AWARDED else None
    if awarded is not None:
        states[_candidate_key(awarded.organisation_id, awarded.consortium_id)] = "Awarded"
    return states


def _candidate_key(organisation_id: int, consortium_id: int | None) -> tuple[str, int]:
    return ("consortium", consortium_id) if consortium_id is not None else ("organisation", organisation_id)


def shortlist_can_change(need: Need) -> bool:
    return need.status not in LOCKED_STATUSES


def live_response(need: Need, organisation_id: int, consortium_id: int | None) -> Response | None:
    """The responder's response to ``need`` that has not been withdrawn (there is at most one)."""
    query = select(Response).where(
        Response.need_id == need.id,
        Response.organisation_id == organisation_id,
        Response.consortium_id.is_(None) if consortium_id is None else Response.consortium_id == consortium_id,
        Response.status != ResponseStatus.WITHDRAWN,
    )
    return db.session.scalars(query.order_by(Response.id.desc())).first()


def live_response_for_entry(entry: ShortlistEntry) -> Response | None:
    return live_response(entry.shortlist.need, entry.organisation_id, entry.consortium_id)


def responses_not_on_shortlist(need: Need) -> list[Response]:
    """Live responses to ``need`` whose responder is not on its shortlist yet."""
    listed = {(entry.organisation_id, entry.consortium_id) for entry in entries_of(need)}
    return [
        response
        for response in need.responses
        if response.status != ResponseStatus.WITHDRAWN
        and (response.organisation_id, response.consortium_id) not in listed
    ]


def entry_name(entry: ShortlistEntry) -> str:
    return entry.consortium.name if entry.consortium is not None else entry.organisation.name


def need_link(need: Need) -> str:
    """An absolute link to the need's page, for emails."""
    return external_url("needs.need", need_id=need.id)


# Adding -------------------------------------------------------------------------------------------------------------


@dataclass
class Candidate:
    """Who the commissioner asked to shortlist, as submitted (ids not yet checked)."""

    organisation_id: int | None
    consortium_id: int | None = None
    response_id: int | None = None


def _ensure_changeable(need: Need) -> None:
    if need.status in LOCKED_STATUSES:
        raise ShortlistError(f"This need is {need.status}: its shortlist can no longer change")


def _resolve_response(need: Need, response_id: int | None) -> Response | None:
    if response_id is None:
        return None
    response = db.session.get(Response, response_id)
    if response is None or response.need_id != need.id:
        raise ShortlistError("That response is not a response to this need")
    if response.status == ResponseStatus.WITHDRAWN:
        raise ShortlistError("That response has been withdrawn")
    return response


def _resolve_consortium(consortium_id: int | None, response: Response | None) -> Consortium | None:
    """The named consortium; without one, a consortium's response shortlists that consortium."""
    if consortium_id is None:
        return response.consortium if response is not None else None
    consortium = db.session.get(Consortium, consortium_id)
    if consortium is None:
        raise ShortlistError("That consortium was not found")
    return consortium


def _resolve_responder(candidate: Candidate, response: Response | None) -> tuple[Organisation, Consortium | None]:
    """The organisation and (optional) consortium to shortlist; they must agree with the response if one is given."""
    consortium = _resolve_consortium(candidate.consortium_id, response)
    organisation_id = candidate.organisation_id
    if organisation_id is None:
        organisation_id = consortium.lead_organisation_id if consortium is not None else None
    if organisation_id is None and response is not None:
        organisation_id = response.organisation_id
    organisation = db.session.get(Organisation, organisation_id) if organisation_id is not None else None
    if organisation is None:
        raise ShortlistError("That organisation was not found")
    if consortium is not None and consortium.lead_organisation_id != organisation.id:
        raise ShortlistError("A consortium is shortlisted through its lead organisation")
    if response is not None and (response.organisation_id, response.consortium_id) != (
        organisation.id,
        consortium.id if consortium is not None else None,
    ):
        raise ShortlistError("That response was not made by this provider")
    return organisation, consortium


def add_to_shortlist(need: Need, candidate: Candidate, *, actor: User) -> ShortlistEntry:
    """Add an organisation or consortium to the need's shortlist, linking (and shortlisting) its live response.

    Raises :class:`ShortlistError` for unknown or unpublished non-responders, a response to another need, or a
    provider already on the shortlist.
    """
    entry = _add_entry(need, candidate, actor=actor)
    db.session.commit()
    return entry


def add_several_to_shortlist(need: Need, candidates: list[Candidate], *, actor: User) -> list[ShortlistEntry]:
    """Add several candidates at once (ticked on the matches page): all of them, or none if one is refused.

    One commit for the lot, so a refused candidate (already shortlisted since the page was loaded, unpublished)
    leaves the shortlist as it was and the commissioner's selection can simply be sent again.
    """
    if not candidates:
        raise ShortlistError("Select at least one provider to add to the shortlist")
    try:
        entries = [_add_entry(need, candidate, actor=actor) for candidate in candidates]
    except ShortlistError:
        db.session.rollback()
        raise
    db.session.commit()
    return entries


def _add_entry(need: Need, candidate: Candidate, *, actor: User) -> ShortlistEntry:
    """One addition, audited but not committed (the callers commit)."""
    _ensure_changeable(need)
    response = _resolve_response(need, candidate.response_id)
    organisation, consortium = _resolve_responder(candidate, response)
    consortium_id = consortium.id if consortium is not None else None
    response = response or live_response(need, organisation.id, consortium_id)
    if response is None and not organisation.is_published:
        raise ShortlistError("Only published providers, or providers that responded to this need, can be shortlisted")
    name = consortium.name if consortium is not None else organisation.name
    shortlist = shortlist_for(need)
    if shortlist is None:
        shortlist = Shortlist(body_id=need.body_id, need=need, name=need.title, created_by_id=actor.id)
        db.session.add(shortlist)
    elif any(e.organisation_id == organisation.id and e.consortium_id == consortium_id for e in shortlist.entries):
        raise ShortlistError(f"{name} is already on the shortlist")
    entry = ShortlistEntry(
        organisation=organisation,
        consortium=consortium,
        response=response,
        rank=len(shortlist.entries) + 1,
        added_by_id=actor.id,
    )
    shortlist.entries.append(entry)
    if response is not None and response.status == ResponseStatus.SUBMITTED:
        _set_response_status(response, ResponseStatus.SHORTLISTED, actor=actor, reason="shortlisted")
    db.session.flush()
    record_event(
        "shortlist.entry_added",
        obj=entry,
        actor=actor,
        summary=f"{name} added to the shortlist for {need.title}",
        after={
            "need_id": need.id,
            "organisation_id": organisation.id,
            "consortium_id": consortium_id,
            "response_id": response.id if response is not None else None,
        },
    )
    return entry


def _set_response_status(response: Response, status: str, *, actor: User, reason: str) -> None:
    """Change a response's status with its own audit event, so each response's history reads in one place."""
    if response.status != status:
        summary = f"{response.responder_name}: {reason}"
        record_status_change(response, status, "response.status_changed", actor=actor, summary=summary)


# Notes, ranking and removal --------------------------------------------------------------------------------------


def _renumber(entries: list[ShortlistEntry]) -> None:
    for position, entry in enumerate(entries, start=1):
        entry.rank = position


def _ordered(shortlist: Shortlist) -> list[ShortlistEntry]:
    return sorted(shortlist.entries, key=lambda e: (e.rank, e.id))


def update_entry(entry: ShortlistEntry, *, rank: int, notes: str, actor: User) -> ShortlistEntry:
    """Change an entry's notes and move it to position ``rank`` (clamped to the list's length)."""
    _ensure_changeable(entry.shortlist.need)
    if rank < 1:
        raise ShortlistError("Rank must be 1 or more")
    if len(notes) > MAX_NOTES:
        raise ShortlistError(f"Notes must be {MAX_NOTES:,} characters or fewer")
    before = {"rank": entry.rank, "notes": entry.notes}
    others = [e for e in _ordered(entry.shortlist) if e is not entry]
    others.insert(min(rank, len(others) + 1) - 1, entry)
    _renumber(others)
    entry.notes = notes
    record_event(
        "shortlist.entry_updated",
        obj=entry,
        actor=actor,
        before=before,
        after={"rank": entry.rank, "notes": entry.notes},
    )
    db.session.commit()
    return entry


def move_entry(entry: ShortlistEntry, offset: int, *, actor: User) -> ShortlistEntry:
    """Move an entry up (``offset`` -1) or down (+1) one place; at either end nothing changes."""
    _ensure_changeable(entry.shortlist.need)
    entries = _ordered(entry.shortlist)
    index = entries.index(entry)
    target = index + offset
    before = {"rank": entry.rank}
    if 0 <= target < len(entries):
        entries[index], entries[target] = entries[target], entries[index]
    _renumber(entries)
    record_event("shortlist.entry_moved", obj=entry, actor=actor, before=before, after={"rank": entry.rank})
    db.session.commit()
    return entry


def remove_entry(entry: ShortlistEntry, *, actor: User) -> None:
    """Take an entry off the shortlist; its response (if shortlisted) goes back to submitted."""
    shortlist = entry.shortlist
    _ensure_changeable(shortlist.need)
    response = entry.response or live_response_for_entry(entry)
    if response is not None and response.status == ResponseStatus.SHORTLISTED:
        _set_response_status(response, ResponseStatus.SUBMITTED, actor=actor, reason="removed from the shortlist")
    record_event(
        "shortlist.entry_removed",
        obj=entry,
        actor=actor,
        summary=f"{entry_name(entry)} removed from the shortlist for {shortlist.name}",
        before={"organisation_id": entry.organisation_id, "consortium_id": entry.consortium_id, "rank": entry.rank},
    )
    shortlist.entries.remove(entry)
    _renumber(_ordered(shortlist))
    db.session.commit()


# Invitation to respond ------------------------------------------------------------------------------------------


def account_managers(organisation: Organisation) -> list[User]:
    """The organisation's active org-admins: the people told about invitations and results."""
    return [user for user in organisation.members if user.is_org_admin and user.is_active]


def _deadline_text(need: Need) -> str:
    deadline = need.response_deadline
    return long_date(deadline) if deadline is not None else "no deadline set"


def invite_to_respond(entry: ShortlistEntry, *, actor: User) -> ShortlistEntry:
    """Invite a shortlisted provider to respond to the (open) need: notification and email to its org-admins."""
    need = entry.shortlist.need
    if need.status != NeedStatus.OPEN:
        raise ShortlistError("You can only invite providers to respond to an open need")
    name = entry_name(entry)
    if live_response_for_entry(entry) is not None:
        raise ShortlistError(f"{name} has already responded to this need")
    lead = entry.consortium.lead_organisation if entry.consortium is not None else entry.organisation
    recipients = account_managers(lead)
    if not recipients:
        raise ShortlistError(f"{name} has no account manager on the marketplace to invite")
    link = need_link(need)
    deadline = _deadline_text(need)
    for user in recipients:
        notify(
            user.id, f"{need.body.name} invites {name} to respond to ‘{need.title}’ by {deadline}", urlsplit(link).path
        )
        send_email(
            user.email,
            f"Invitation to respond: {need.title}",
            f"Hello {user.name},\n\n{need.body.name} has shortlisted {name} and invites you to respond to "
            f"‘{need.title}’.\n\nThe deadline for responses is {deadline}.\n\nRead the need and respond: {link}\n",
        )
    before = {"invited_at": entry.invited_at.isoformat() if entry.invited_at else None}
    entry.invited_at = utcnow()
    record_event(
        "shortlist.invited",
        obj=entry,
        actor=actor,
        summary=f"{name} invited to respond to {need.title}",
        before=before,
        after={"invited_at": entry.invited_at.isoformat()},
    )
    db.session.commit()
    return entry


# Award --------------------------------------------------------------------------------------------------------------


def awardable_entries(need: Need) -> list[tuple[ShortlistEntry, Response]]:
    """Shortlisted providers that have a live response: the only ones a need can be awarded to."""
    pairs = [(entry, live_response_for_entry(entry)) for entry in entries_of(need)]
    return [(entry, response) for entry, response in pairs if response is not None]


def _check_award(need: Need, response: Response | None) -> Response:
    if need.status not in (NeedStatus.OPEN, NeedStatus.CLOSED):
        raise ShortlistError(f"This need is {need.status}: only an open or closed need can be awarded")
    if response is None or response.need_id != need.id or response.status == ResponseStatus.WITHDRAWN:
        raise ShortlistError(AWARD_REFUSED)
    on_shortlist = any(
        entry.organisation_id == response.organisation_id and entry.consortium_id == response.consortium_id
        for entry in entries_of(need)
    )
    if not on_shortlist:
        raise ShortlistError(AWARD_REFUSED)
    return response


def _notify_result(need: Need, response: Response, *, successful: bool) -> None:
    link = need_link(need)
    name = response.responder_name
    if successful:
        message = f"{need.body.name} has awarded ‘{need.title}’ to {name}"
        subject = f"Your response was successful: {need.title}"
        body = (
            f"{need.body.name} has chosen {name}'s response to ‘{need.title}’. They will be in touch about next steps."
        )
    else:
        message = f"{name}'s response to ‘{need.title}’ was not successful"
        subject = f"Outcome of your response: {need.title}"
        body = (
            f"Thank you for responding to ‘{need.title}’. {need.body.name} has awarded it to another provider, "
            f"so {name}'s response was not successful this time."
        )
    for user in account_managers(response.organisation):
        notify(user.id, message, urlsplit(link).path)
        send_email(user.email, subject, f"Hello {user.name},\n\n{body}\n\nThe need: {link}\n")


def check_award(need: Need, response: Response | None) -> Response:
    """Whether ``need`` can be awarded to ``response`` (raises :class:`ShortlistError`), before asking to confirm."""
    return _check_award(need, response)


def award_need(need: Need, response: Response | None, *, commissioner: User, note: str) -> Need:
    """Award ``need`` to ``response`` and tell every responder the result.

    The need must be open or closed; the response must be a live response to this need from a provider on the
    need's shortlist. Every other live response becomes unsuccessful.
    """
    response = _check_award(need, response)
    if not note.strip():
        raise ShortlistError("Enter a decision note")
    before = {"status": need.status, "awarded_response_id": need.awarded_response_id}
    need.status = NeedStatus.AWARDED
    need.awarded_response = response
    need.decision_note = note.strip()
    need.decided_by = commissioner
    need.awarded_at = utcnow()
    for other in need.responses:
        if other.status == ResponseStatus.WITHDRAWN:
            continue
        won = other is response
        status, reason = (ResponseStatus.AWARDED, "awarded") if won else (ResponseStatus.UNSUCCESSFUL, "not successful")
        _set_response_status(other, status, actor=commissioner, reason=f"{reason} ({need.title})")
        _notify_result(need, other, successful=other is response)
    record_event(
        "need.awarded",
        obj=need,
        actor=commissioner,
        summary=f"{need.title} awarded to {response.responder_name}",
        before=before,
        after={"status": need.status, "awarded_response_id": response.id, "decision_note": need.decision_note},
    )
    need_awarded.send(need, response=response, commissioner=commissioner)
    db.session.commit()
    return need
