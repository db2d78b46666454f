"""Saved searches: a signed-in user's bookmarked directory search, with optional email alerts for new matches.

The first alert run for a search records the providers already matching (the baseline) without emailing;
later runs email the owner about providers that match now and did not before.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl, urlencode

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from marketplace.audit.services import record_event
from marketplace.core.clock import utcnow
from marketplace.core.links import external_url
from marketplace.extensions import db
from marketplace.notifications.services import send_email
from marketplace.search.engines.engine import MAX_PAGE_SIZE, SearchHit, engine_for
from marketplace.search.models import SavedSearch
from marketplace.search.presenters import engine_query, parse_params

MAX_NAME = 120
MAX_QUERY_STRING = 2000
MAX_ALERT_RESULTS = 2000


def clean_query_string(query_string: str) -> str:
    """The query string re-encoded from its validated parameters (no page), so junk is never stored."""
    params = parse_params(as_multidict(query_string or ""))
    params.page = 1
    encoded = urlencode(params.as_args(), doseq=True)
    return encoded[:MAX_QUERY_STRING]


def saved_searches_of(user) -> list[SavedSearch]:
    query = select(SavedSearch).where(SavedSearch.user_id == user.id).order_by(SavedSearch.created_at.desc())
    return list(db.session.scalars(query))


def owned_saved_search(user, saved_search_id: int) -> SavedSearch | None:
    """The saved search if ``user`` owns it (None otherwise, so callers answer 404)."""
    saved = db.session.get(SavedSearch, saved_search_id)
    return saved if saved is not None and saved.user_id == user.id else None


def save_search(user, name: str, query_string: str) -> SavedSearch:
    """Save the search under ``name`` for ``user``."""
    saved = SavedSearch(user_id=user.id, name=name.strip()[:MAX_NAME], query_string=clean_query_string(query_string))
    db.session.add(saved)
    db.session.flush()
    record_event("saved_search.created", obj=saved, actor=user, after={"name": saved.name})
    db.session.commit()
    return saved


def delete_saved_search(user, saved: SavedSearch) -> None:
    record_event("saved_search.deleted", obj=saved, actor=user, before={"name": saved.name})
    db.session.delete(saved)
    db.session.commit()


def toggle_alerts(user, saved: SavedSearch) -> bool:
    """Switch email alerts on or off; switching on starts from a fresh baseline. Returns the new state."""
    saved.alerts_enabled = not saved.alerts_enabled
    if saved.alerts_enabled:
        saved.known_result_ids = []
        saved.last_alerted_at = None
    record_event("saved_search.alerts", obj=saved, actor=user, after={"alerts_enabled": saved.alerts_enabled})
    db.session.commit()
    return saved.alerts_enabled


def current_hits(saved: SavedSearch) -> list[SearchHit]:
    """Every provider the saved search matches now (text and filters; the distance filter is not applied)."""
    query = engine_query(parse_params(as_multidict(saved.query_string)))
    engine = engine_for(current_app)
    hits: list[SearchHit] = []
    page = 1
    while len(hits) < MAX_ALERT_RESULTS:
        results = engine.search(replace(query, page=page, page_size=MAX_PAGE_SIZE, facets=(), sort="name"))
        hits.extend(results.hits)
        if page * MAX_PAGE_SIZE >= results.total:
            break
        page += 1
    return hits


def _alert_body(saved: SavedSearch, new_hits: list[SearchHit]) -> str:
    link = external_url("search.directory") + "?" + saved.query_string
    lines = [f"New providers match your saved search “{saved.name}”:", ""]
    lines += [f"- {hit.name}" for hit in new_hits]
    lines += ["", f"See the search: {link}", "", "Turn alerts off on your saved searches page."]
    return "\n".join(lines)


def alert_one(saved: SavedSearch, email: str) -> int:
    """Compare with the known results, queue an email listing new ones (none on the first run). Does not commit."""
    hits = current_hits(saved)
    ids = sorted(hit.id for hit in hits)
    first_run = saved.last_alerted_at is None
    known = set(saved.known_result_ids or [])
    new_hits = [hit for hit in hits if hit.id not in known]
    if new_hits and not first_run:
        send_email(email, f"New providers for “{saved.name}”", _alert_body(saved, new_hits))
    saved.known_result_ids = ids
    saved.last_alerted_at = utcnow()
    return 0 if first_run else len(new_hits)


def send_alerts() -> tuple[int, int]:
    """Run every saved search with alerts on. Returns (searches run, emails queued)."""
    from marketplace.accounts.models import User

    searches = list(db.session.scalars(select(SavedSearch).where(SavedSearch.alerts_enabled.is_(True))))
    emails = 0
    for saved in searches:
        user = db.session.get(User, saved.user_id)
        if user is None:
            continue
        if alert_one(saved, user.email):
            emails += 1
        db.session.commit()
    return len(searches), emails


def as_multidict(query_string: str) -> MultiDict:
    """A query string as the request's ``args`` would hold it."""
    return MultiDict(parse_qsl(query_string or "", keep_blank_values=False))
