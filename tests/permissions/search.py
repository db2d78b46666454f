"""Directory search routes: the search page is public; saved searches belong to the signed-in user who saved
them. POSTs carry no CSRF token, so any signed-in user's POST is refused as a bad request (400) before the
ownership check (which answers 404, tested in tests/search/web/test_saved_searches.py)."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.search.models import SavedSearch
from tests.permissions.roles import everyone, signed_in

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("search.directory", "GET"): everyone(200),
    ("search.saved_searches", "GET"): signed_in(200),
    ("search.save", "POST"): signed_in(400),
    ("search.delete", "POST"): signed_in(400),
    ("search.alerts", "POST"): signed_in(400),
}


def make_url_args(users: dict) -> dict:
    saved = SavedSearch(user_id=users["provider_a"].id, name="Museums", query_string="q=museum")
    db.session.add(saved)
    db.session.commit()
    return {"saved_search_id": saved.id}
