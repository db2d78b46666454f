"""What a signed-in user can reach: every GET route of the url map (built with the walk's objects) and the object
pages linked from them, with the forms on each page. The probes replay these as someone else."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import MapAdapter

from tests.client import FormClient
from tests.security.conftest import build_url, routes
from tests.security.html import Form, local_path, read_page

SKIP_ENDPOINTS = frozenset({"static", "accounts.sign_out"})


@dataclass
class Crawl:
    pages: dict[str, str] = field(default_factory=dict)  # url -> endpoint, for every page answered 200
    html: dict[str, str] = field(default_factory=dict)  # url -> the page
    forms: list[tuple[str, Form]] = field(default_factory=list)  # (page url, form)
    other: dict[str, object] = field(default_factory=dict)  # url -> response, for non-HTML 200s (CSV, files)


def endpoint_of(adapter: MapAdapter, path: str, method: str = "GET") -> tuple[str, dict] | None:
    try:
        return adapter.match(path.split("?", 1)[0], method=method)
    except (NotFound, MethodNotAllowed):
        return None
    except Exception:  # a redirect rule (trailing slash) or other routing exception: not a page of its own
        return None


def crawl(
    app: Flask,
    client: FormClient,
    url_arg_sets: list[dict],
    *,
    seeds: list[str] | None = None,
    follow_links: bool = True,
) -> Crawl:
    """GET every route built from each of ``url_arg_sets`` (and ``seeds``), then (once) every page with arguments
    linked from them."""
    adapter = app.url_map.bind("localhost")
    result = Crawl()
    seeds = list(seeds or [])
    for url_args in url_arg_sets:
        for rule, _method in routes(app, {"GET"}):
            if rule.endpoint not in SKIP_ENDPOINTS and all(name in url_args for name in rule.arguments):
                seeds.append(build_url(rule, url_args))
    linked: list[str] = []
    for url in dict.fromkeys(seeds):
        linked += _visit(adapter, client, url, result)
    if follow_links:
        for url in dict.fromkeys(linked):
            if url not in result.pages:
                _visit(adapter, client, url, result)
    return result


def _visit(adapter: MapAdapter, client: FormClient, url: str, result: Crawl) -> list[str]:
    """Fetch one page; return the object pages it links to."""
    match = endpoint_of(adapter, url)
    if match is None or match[0] in SKIP_ENDPOINTS:
        return []
    response = client.get(url)
    if response.status_code != 200:
        return []
    if response.mimetype != "text/html":
        response.get_data()  # read a streamed body now, inside its own request
        response.close()
        result.other[url] = response
        return []
    result.pages[url] = match[0]
    result.html[url] = response.get_data(as_text=True)
    page = read_page(result.html[url], f"http://localhost{url}")
    result.forms += [(url, form) for form in page.forms]
    links = []
    for link in page.links:
        path = local_path(link)
        target = endpoint_of(adapter, path) if path else None
        if target and target[0] not in SKIP_ENDPOINTS and _takes_arguments(adapter, target[0]):
            links.append(path)
    return links


def _takes_arguments(adapter: MapAdapter, endpoint: str) -> bool:
    """Pages for one object (or one step): the url map's own seeds cover only the walk's choice of arguments."""
    return any(rule.arguments for rule in adapter.map.iter_rules(endpoint))
