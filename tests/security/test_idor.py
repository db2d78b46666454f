"""IDOR: another organisation's provider, or another body's commissioner, cannot see or change someone else's
objects by id, even with a valid CSRF token (so the probe reaches the ownership check, unlike the walk).

Generic over the url map: the owner's reachable pages (every GET route built with the walk's objects, plus the
object pages linked from them) give the object URLs and the forms; the attacker then GETs each object page
and replays each form that names an object (an integer in its URL or a numeric hidden field) with changed text.
Every POST route with an object id that no page offers a form for is posted to directly as well.
"""

from __future__ import annotations

import re

import pytest

from tests.security.conftest import build_url, client_for, object_arguments, routes
from tests.security.crawl import crawl, endpoint_of
from tests.security.html import Form, local_path
from tests.security.snapshot import changed_tables, database_snapshot

# (endpoint, attacker): where the other party is entitled to the object, and why.
LEGITIMATE = {
    ("consortia.consortium", "provider_b"): "B's organisation is invited to A's consortium, so it may see it",
    ("consortia.accept", "provider_b"): "the walk's membership is B's own invitation",
    ("consortia.decline", "provider_b"): "the walk's membership is B's own invitation",
    ("consortia.leave", "provider_b"): "the walk's membership is B's own invitation",
    ("responses.respond", "provider_b"): "any provider may respond to an open need",
    ("contributions.compose_for_body", "provider_b"): "any provider may write a statement for any body's framework",
}
REFUSED = {403, 404}
NUMBER = re.compile(r"^\d+$")

# Provider B attacks provider A's objects; the second body's commissioner attacks the first body's.
ATTACKS = [("provider_a", "provider_b"), ("commissioner", "commissioner_b")]


def _names_an_object(app, form: Form) -> bool:
    path = local_path(form.action)
    match = endpoint_of(app.url_map.bind("localhost"), path or "", "POST") if path else None
    if match is None:
        return False
    in_url = any(object_arguments(rule) for rule in app.url_map.iter_rules(match[0]))
    hidden_ids = any(
        field.kind == "hidden" and field.name != "csrf_token" and NUMBER.match(field.value) for field in form.fields
    )
    return in_url or hidden_ids


def _tampered(form: Form) -> dict[str, list[str]]:
    """The form as the owner's page has it, with every text changed, as an attacker would send it."""
    data = form.values()
    for field in form.text_fields:
        data[field.name] = [f"{(data.get(field.name) or [''])[0]} changed by an attacker".strip()]
    data.pop("csrf_token", None)
    return data


@pytest.mark.parametrize(("owner", "attacker"), ATTACKS, ids=["provider", "commissioner"])
def test_nobody_reaches_another_owners_objects_by_id(app, security_world, owner, attacker):
    world = security_world
    adapter = app.url_map.bind("localhost")
    arg_sets = [world.url_args, {**world.url_args, "need_id": world.private_need_id}]
    owned = crawl(app, client_for(app, world, owner), arg_sets)
    anonymous = client_for(app, world, "anonymous")
    thief = client_for(app, world, attacker)
    app.config["WTF_CSRF_ENABLED"] = False  # a valid token, as far as the app can tell

    problems: list[str] = []
    probed_endpoints: set[str] = set()
    for url, endpoint in sorted({**owned.pages, **dict.fromkeys(owned.other, "")}.items()):
        endpoint = endpoint or endpoint_of(adapter, url)[0]
        if not any(object_arguments(rule) for rule in app.url_map.iter_rules(endpoint)):
            continue
        if (endpoint, attacker) in LEGITIMATE or anonymous.get(url).status_code == 200:
            continue  # the object is public, or the attacker is a party to it
        status = thief.get(url).status_code
        if status not in REFUSED:
            problems.append(f"GET {url} ({endpoint}) as {attacker}: {status}")

    posts = [(form.action, _tampered(form)) for _page, form in owned.forms if _names_an_object(app, form)]
    posted = {endpoint_of(adapter, local_path(action), "POST")[0] for action, _data in posts}
    for rule, _method in routes(app, {"POST"}):
        if object_arguments(rule) and rule.endpoint not in posted:
            posts.append((build_url(rule, world.url_args), {}))
    for action, data in posts:
        path = local_path(action)
        endpoint = endpoint_of(adapter, path, "POST")[0]
        probed_endpoints.add(endpoint)
        if (endpoint, attacker) in LEGITIMATE:
            continue
        before = database_snapshot()
        status = thief.post(path, data=data).status_code
        changed = changed_tables(before, database_snapshot())
        if status not in REFUSED or changed:
            problems.append(f"POST {path} ({endpoint}) as {attacker}: {status}, changed {changed}")

    assert problems == []
    assert probed_endpoints, "the owner's pages offered nothing to probe"
