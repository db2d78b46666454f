"""Query parameters of the open-data API: declared once, validated strictly, documented from the same list.

Every endpoint names the parameters it accepts. Anything else — an unknown name, a repeated parameter, a value
of the wrong type or out of range — is refused with 400 and a JSON body naming each problem, so a typo in a
client never silently widens a query. Empty text values count as absent (HTML forms send them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from werkzeug.datastructures import MultiDict

from marketplace.reference.geography import ONS_CODE

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_TEXT_LENGTH = 200


class ParameterError(Exception):
    """The request's parameters are unusable; ``problems`` maps each parameter to what is wrong with it."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in problems.items()))
        self.problems = dict(problems)


@dataclass(frozen=True)
class Param:
    """One query parameter: its OpenAPI type and the limits checked before any query runs."""

    name: str
    kind: Literal["integer", "string"]
    description: str
    minimum: int | None = None
    maximum: int | None = None
    pattern: re.Pattern[str] | None = None
    example: str | int | None = None

    def convert(self, raw: str) -> Any:
        """The typed value, or :class:`ValueError` with a sentence saying what a good value looks like."""
        raw = raw.strip()
        if self.kind == "integer":
            return self._integer(raw)
        if len(raw) > MAX_TEXT_LENGTH:
            raise ValueError(f"must be at most {MAX_TEXT_LENGTH} characters")
        if self.pattern is not None and raw and not self.pattern.match(raw):
            raise ValueError(f"must look like {self.example}")
        return raw or None

    def _integer(self, raw: str) -> int:
        if not re.fullmatch(r"[0-9]{1,9}", raw):
            raise ValueError("must be a whole number")
        value = int(raw)
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"must be {self.minimum} or more")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"must be {self.maximum} or less")
        return value

    def schema(self) -> dict[str, Any]:
        """The parameter's OpenAPI 3.1 schema."""
        schema: dict[str, Any] = {"type": self.kind}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.kind == "string":
            schema["maxLength"] = MAX_TEXT_LENGTH
        if self.pattern is not None:
            schema["pattern"] = self.pattern.pattern
        if self.name == "per_page":
            schema["default"] = DEFAULT_PER_PAGE
        if self.name == "page":
            schema["default"] = 1
        return schema


PAGE = Param("page", "integer", "Page number, counting from 1.", minimum=1, maximum=100_000, example=1)
PER_PAGE = Param(
    "per_page", "integer", f"Results per page (at most {MAX_PER_PAGE}).", minimum=1, maximum=MAX_PER_PAGE, example=20
)
TEXT = Param(
    "q",
    "string",
    "Free text, matched case-insensitively as a phrase anywhere in names and descriptions (an SQL LIKE "
    "search of the database, not the stemmed directory search).",
    example="museum",
)
TAXONOMY_TERM = Param(
    "taxonomy_term_id",
    "string",
    "A taxonomy term id from /taxonomies (`vocabulary:code`, e.g. `ecm_aim:physically-healthy`) or a bare term "
    "code (`physically-healthy`), which matches that code in any vocabulary.",
    example="ecm_outcome:enjoy-and-achieve",
)
LOCALITY = Param(
    "locality",
    "string",
    "ONS code of an English local authority. A district also matches providers serving its county (a provider "
    "serving a county serves all of its districts), and a county also matches providers serving its districts.",
    pattern=ONS_CODE,
    example="E07000032",
)
AGE = Param(
    "age",
    "integer",
    "A child's or young person's age: only results whose age range includes it (a missing bound means no limit).",
    minimum=0,
    maximum=25,
    example=11,
)
ORGANIZATION = Param(
    "organization_id", "integer", "Only the services of this organization.", minimum=1, maximum=10**9, example=1
)
VOCABULARY = Param(
    "vocabulary", "string", "Only the terms of this vocabulary (a `taxonomy_id`, e.g. `ecm_aim`).", example="ecm_aim"
)

PAGINATION = (PAGE, PER_PAGE)
DIRECTORY_FILTERS = (TEXT, TAXONOMY_TERM, LOCALITY, AGE)


def parse(args: MultiDict[str, str], params: Sequence[Param]) -> dict[str, Any]:
    """Validated values of ``params`` from ``args`` (absent ones omitted); :class:`ParameterError` otherwise."""
    allowed = {param.name: param for param in params}
    problems: dict[str, str] = {}
    for name in args:
        if name not in allowed:
            problems[name] = "is not a parameter of this endpoint (it takes " + ", ".join(allowed) + ")"
    values: dict[str, Any] = {}
    for name, param in allowed.items():
        raw = args.getlist(name)
        if not raw:
            continue
        if len(raw) > 1:
            problems[name] = "must be given at most once"
            continue
        try:
            value = param.convert(raw[0])
        except ValueError as error:
            problems[name] = str(error)
            continue
        if value is not None:
            values[name] = value
    if problems:
        raise ParameterError(problems)
    return values
