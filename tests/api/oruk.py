"""Walk an API the way the official Open Referral UK validator does, checking every answer against the profile.

The validator asks ``GET {base}/`` for the version, then for each path of the profile's ``openapi.json`` pages
through the list (first, a middle and the last page, from ``total_pages``) and fetches ``/{id}`` for ids taken
from the lists, validating every response against the profile's schemas with format checks on. This does the
same through a Flask test client, offline: each vendored schema file is registered under the web address its
``$ref``s name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

PROFILE_DIR = Path(__file__).resolve().parent / "oruk_profile" / "schema"
BASE_URI = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
OPENAPI_URI = BASE_URI + "openapi.json"
PROFILE_VERSION = "HSDS-UK-3.0"
FORMATS = FormatChecker()


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    """An absolute URI (jsonschema only checks ``uri`` when an optional package is installed; this is stricter)."""
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in {"mailto", "urn", "tel"}) and " " not in value


def _registry() -> Registry:
    resources = []
    for path in sorted(PROFILE_DIR.rglob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        uri = BASE_URI + path.relative_to(PROFILE_DIR).as_posix()
        resources.append((uri, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


REGISTRY = _registry()
PROFILE = REGISTRY.contents(OPENAPI_URI)


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def response_validator(path: str) -> Draft202012Validator:
    """A validator for the 200 answer of ``path`` as the profile's OpenAPI document describes it."""
    pointer = _pointer("paths", path, "get", "responses", "200", "content", "application/json", "schema")
    return Draft202012Validator({"$ref": f"{OPENAPI_URI}#/{pointer}"}, registry=REGISTRY, format_checker=FORMATS)


@dataclass
class Walk:
    """What a walk found: each URL fetched, and every failure (a bad status or a schema error) by URL."""

    fetched: list[str] = field(default_factory=list)
    failures: dict[str, list[str]] = field(default_factory=dict)
    failing_paths: set[str] = field(default_factory=set)

    @property
    def errors(self) -> int:
        return sum(len(items) for items in self.failures.values())

    def summary(self) -> str:
        return (
            f"{len(self.fetched)} requests, {len(self.failing_paths)} of {len(PROFILE['paths'])} profile paths "
            f"failing, {self.errors} errors"
        )


class Walker:
    """Walks the profile's paths on ``client`` under ``base`` (e.g. ``/api/v1``)."""

    def __init__(self, client: Any, base: str) -> None:
        self.client = client
        self.base = base.rstrip("/")
        self.walk = Walk()

    def fetch(self, profile_path: str, url: str) -> Any:
        """GET ``url``, validate it against ``profile_path``'s schema; the JSON body, or None on a bad status."""
        self.walk.fetched.append(url)
        response = self.client.get(url)
        if response.status_code != 200 or not response.is_json:
            self._fail(profile_path, url, [f"status {response.status_code}"])
            return None
        body = response.get_json()
        errors = [
            f"{'/'.join(str(part) for part in error.absolute_path) or '(root)'}: {error.message}"
            for error in response_validator(profile_path).iter_errors(body)
        ]
        if errors:
            self._fail(profile_path, url, errors)
        return body

    def _fail(self, profile_path: str, url: str, errors: list[str]) -> None:
        self.walk.failures.setdefault(url, []).extend(errors)
        self.walk.failing_paths.add(profile_path)

    def run(self) -> Walk:
        root = self.fetch("/", f"{self.base}/")
        if root is not None and root.get("version") != PROFILE_VERSION:
            self._fail("/", f"{self.base}/", [f"version is {root.get('version')!r}, not {PROFILE_VERSION!r}"])
        for path in PROFILE["paths"]:
            if path != "/" and "{" not in path:
                self._walk_list(path)
        return self.walk

    def _walk_list(self, path: str) -> None:
        first = self.fetch(path, f"{self.base}{path}")
        if first is None:
            self._fail(f"{path}/{{id}}", f"{self.base}{path}/{{id}}", ["no list to take ids from"])
            return
        pages = [first]
        total = first.get("total_pages") or 1
        for number in sorted({(total + 1) // 2, total} - {1}):
            page = self.fetch(path, f"{self.base}{path}?page={number}")
            if page is not None:
                pages.append(page)
        items = [item for page in pages for item in page.get("contents") or [] if isinstance(item, dict)]
        for item in _first_middle_last(items):
            self.fetch(f"{path}/{{id}}", f"{self.base}{path}/{item.get('id')}")


def _first_middle_last(items: list[dict]) -> list[dict]:
    if not items:
        return []
    return [items[index] for index in sorted({0, len(items) // 2, len(items) - 1})]


def walk(client: Any, base: str = "/api/v1") -> Walk:
    """Walk ``base`` on ``client`` as the validator does."""
    return Walker(client, base).run()
