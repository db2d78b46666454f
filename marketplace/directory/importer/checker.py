"""The checker: collects every reason a record is invalid while building its normalised (exported) form.

Reasons read like the pages' error messages, prefixed with where in the record they arise
(``offers[1] ref "x" age_min must be …``), so a file can be fixed in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from marketplace.core.refs import is_ref
from marketplace.directory.importer.catalogue import Catalogue
from marketplace.directory.importer.schema import (
    ASSESSOR_ONLY,
    ASSESSOR_ONLY_KEYS,
    EMAIL,
    LONG_TEXT,
    MAX_AGE,
    TEXT_LIMITS,
)
from marketplace.reference.postcodes import normalise_postcode


class Checker:
    """Collects every reason a record is invalid while building its normalised (exported) form."""

    def __init__(self, catalogue: Catalogue, prefix: str = "") -> None:
        self.catalogue = catalogue
        self.prefix = prefix
        self.reasons: list[str] = []

    def fail(self, message: str) -> None:
        self.reasons.append(self.prefix + message)

    def unknown_keys(self, data: dict, allowed: Iterable[str]) -> None:
        unknown = sorted(str(key) for key in data if key not in allowed)
        trusted = [key for key in unknown if key.lower() in ASSESSOR_ONLY_KEYS]
        if trusted:
            self.fail(", ".join(f'"{key}"' for key in trusted) + f": {ASSESSOR_ONLY}")
        unknown = [key for key in unknown if key not in trusted]
        if unknown:
            self.fail("unknown field " + ", ".join(f'"{key}"' for key in unknown))

    def ref(self, data: dict) -> str:
        value = data.get("ref")
        if value is None or value == "":
            self.fail("ref is missing")
            return ""
        if not is_ref(value):
            self.fail("ref must be 1 to 80 lowercase letters, digits and hyphens, starting with a letter or digit")
            return str(value)
        return value

    def text(self, data: dict, key: str, limit: int = LONG_TEXT, *, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(f"{key} must be text")
            return ""
        value = value.strip()
        if required and not value:
            self.fail(f"{key} is missing")
        elif len(value) > limit:
            self.fail(f"{key} must be {limit} characters or fewer")
        return value

    def integer(self, data: dict, key: str, *, high: int | None = None, unit: str = "") -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{key} must be a whole number" + (f" of {unit}" if unit else ""))
            return None
        if value < 0 or (high is not None and value > high):
            self.fail(f"{key} must be between 0 and {high}" if high is not None else f"{key} must not be negative")
            return None
        return value

    def boolean(self, data: dict, key: str, *, nullable: bool = False) -> bool | None:
        value = data.get(key)
        if value is None and nullable:
            return None
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(f"{key} must be true or false")
            return None
        return value

    def code(self, data: dict, key: str) -> str | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self.fail(f"{key} must be a code")
            return None
        problem = self.catalogue.known(key, value)
        if problem:
            self.fail(problem)
        return value

    def string_list(self, data: dict, key: str) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(f"{key} must be a list of codes")
            return []
        return sorted(set(value))

    def codes(self, data: dict, key: str) -> list[str]:
        values = self.string_list(data, key)
        for value in values:
            problem = self.catalogue.known(key, value)
            if problem:
                self.fail(problem)
        return values

    def ons_codes(self, data: dict, key: str = "localities") -> list[str]:
        values = self.string_list(data, key)
        for value in values:
            if value not in self.catalogue.localities:
                self.fail(f'{key}: unknown ONS code "{value}"')
        return values

    def ages(self, data: dict, clean: dict) -> None:
        for key in ("age_min", "age_max"):
            if key in data:
                clean[key] = self.integer(data, key, high=MAX_AGE)
        self.in_order(clean, "age_min", "age_max")

    def in_order(self, clean: dict, low: str, high: str) -> None:
        if clean.get(low) is not None and clean.get(high) is not None and clean[low] > clean[high]:
            self.fail(f"{low} must not be more than {high}")

    def email(self, data: dict, key: str) -> str:
        value = self.text(data, key, 254)
        if value and not EMAIL.match(value):
            self.fail(f"{key} must be an email address, like name@example.org")
        return value

    def url(self, data: dict, key: str) -> str:
        value = self.text(data, key, TEXT_LIMITS[key])
        parts = urlsplit(value) if value else None
        if parts is not None and (parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in value):
            self.fail(f"{key} must be a web address starting http:// or https://")
        return value

    def postcode(self, data: dict, key: str) -> str:
        value = self.text(data, key, 10)
        postcode = normalise_postcode(value)
        if value and postcode is None:
            self.fail(f"{key} must be a UK postcode, like DE1 1BS")
        return postcode or value

    def object_list(self, data: dict, key: str) -> list[tuple[int, dict]]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(f"{key} must be a list")
            return []
        items = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                items.append((index, item))
            else:
                self.fail(f"{key}[{index}] must be an object")
        return items

    def sub(self, prefix: str) -> Checker:
        return Checker(self.catalogue, self.prefix + prefix)

    def absorb(self, other: Checker) -> None:
        self.reasons.extend(other.reasons)
