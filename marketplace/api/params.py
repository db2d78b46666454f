"""Query parameters of the open-data API: declared once, validated strictly, documented from the same list.

Every endpoint names the parameters it accepts: the Open Referral UK 3.0 profile's (and base HSDS 3.0's) for its
paths, plus this service's own (``q``, ``locality``, ``age``, ``vocabulary``). Anything else — an unknown name, a
repeated parameter, a value of the wrong type or out of range — is refused with 400 and a JSON body naming each
problem, so a typo in a client never silently widens a query. Empty text values count as absent (HTML forms
send them). Standard parameters we hold no data for (``day``, ``start_time``, ``end_time``: we keep no opening
schedules) are checked and accepted but do not narrow the results, as their descriptions say.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
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
    kind: Literal["integer", "string", "number", "boolean"]
    description: str
    minimum: int | None = None
    maximum: int | None = None
    pattern: re.Pattern[str] | None = None
    example: str | int | None = None
    format: str | None = None

    def convert(self, raw: str) -> Any:
        """The typed value, or :class:`ValueError` with a sentence saying what a good value looks like."""
        raw = raw.strip()
        if self.kind in ("integer", "number"):
            return self._integer(raw)
        if self.kind == "boolean":
            return self._boolean(raw)
        if len(raw) > MAX_TEXT_LENGTH:
            raise ValueError(f"must be at most {MAX_TEXT_LENGTH} characters")
        if self.pattern is not None and raw and not self.pattern.match(raw):
            raise ValueError(f"must look like {self.example}")
        if self.format == "date-time" and raw:
            return _datetime(raw)
        return raw or None

    def _integer(self, raw: str) -> int:
        if self.kind == "number" and re.fullmatch(r"[0-9]{1,3}\.0*", raw):
            raw = raw.partition(".")[0]  # ORUK types ages as numbers: 11.0 is 11
        if not re.fullmatch(r"[0-9]{1,9}", raw):
            raise ValueError("must be a whole number")
        value = int(raw)
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"must be {self.minimum} or more")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"must be {self.maximum} or less")
        return value

    @staticmethod
    def _boolean(raw: str) -> bool | None:
        if raw.lower() not in ("", "true", "false"):
            raise ValueError("must be true or false")
        return {"true": True, "false": False}.get(raw.lower())

    def schema(self) -> dict[str, Any]:
        """The parameter's OpenAPI 3.1 schema."""
        schema: dict[str, Any] = {"type": self.kind}
        if self.format is not None:
            schema["format"] = self.format
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.kind == "string" and self.format in (None, "uuid"):
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
    "Only results filed under this taxonomy term: its id (a UUID from /taxonomy_terms), its `key` "
    "(`vocabulary:code`, e.g. `ecm_aim:physically-healthy`) or a bare term code (`physically-healthy`), which "
    "matches that code in any vocabulary.",
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
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ORGANIZATION = Param(
    "organization_id",
    "string",
    "Only the services of this organization (its id, a UUID).",
    pattern=UUID,
    example="3f1e5a4c-9a1b-5d0e-8c2f-4b6a7d8e9f01",
    format="uuid",
)
VOCABULARY = Param(
    "vocabulary", "string", "Only the terms of this vocabulary, by its key (e.g. `ecm_aim`).", example="ecm_aim"
)

SEARCH = Param(
    "search", "string", "Full-text search (ORUK): the same match as `q` (use one or the other).", example="museum"
)
TAXONOMY = Param(
    "taxonomy_id",
    "string",
    "Only results filed under any term of this taxonomy: its id (a UUID from /taxonomies) or its key (e.g. `ecm_aim`).",
    example="ecm_aim",
)
MINIMUM_AGE = Param(
    "minimum_age",
    "number",
    "Only services whose minimum age is at least this (a service with no lower age limit starts at 0).",
    minimum=0,
    maximum=120,
    example=5,
)
MAXIMUM_AGE = Param(
    "maximum_age",
    "number",
    "Only services whose maximum age is at most this (a service with no upper age limit is left out).",
    minimum=0,
    maximum=120,
    example=16,
)
DAY = Param(
    "day",
    "string",
    "A day (`MO`…`SU` or `Monday`…`Sunday`). Accepted but does not narrow the results: we hold no opening schedules.",
    pattern=re.compile(r"^(?i:MO|TU|WE|TH|FR|SA|SU|monday|tuesday|wednesday|thursday|friday|saturday|sunday)$"),
    example="MO",
)
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$")
START_TIME = Param(
    "start_time",
    "string",
    "A time (`HH:MM`). Accepted but does not narrow the results: we hold no opening schedules.",
    pattern=_TIME,
    example="09:30",
)
END_TIME = Param(
    "end_time",
    "string",
    "A time (`HH:MM`). Accepted but does not narrow the results: we hold no opening schedules.",
    pattern=_TIME,
    example="17:00",
)
MODIFIED_AFTER = Param(
    "modified_after",
    "string",
    "Only results changed on or after this date or date-time (ISO 8601, UTC unless an offset is given). A "
    "service counts as changed when it or its organisation is.",
    format="date-time",
    example="2026-01-01T00:00:00Z",
)
POSTCODE = Param(
    "postcode",
    "string",
    "A UK postcode or postcode district. With `proximity`, only results within that many metres of its "
    "district's centre (measured from the provider's postcode district centre, so good to a few kilometres). "
    "Without `proximity` it does not narrow the results: we cannot place a postcode in a local authority "
    "(use `locality`).",
    pattern=re.compile(r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*([0-9][A-Za-z]{2})?$"),
    example="DE1 3AF",
)
PROXIMITY = Param(
    "proximity",
    "integer",
    "Metres from the centre of `postcode`'s district (needs `postcode`).",
    minimum=1,
    maximum=1_000_000,
    example=10000,
)
FULL_SERVICE = Param(
    "full_service", "boolean", "`true`: each organisation's services in full, as on /services/{id}.", example="true"
)

PAGINATION = (PAGE, PER_PAGE)
DIRECTORY_FILTERS = (TEXT, TAXONOMY_TERM, LOCALITY, AGE)
# The profile's /services and /service_at_locations parameters (and base HSDS's modified_after, postcode, proximity).
SCHEDULE = (DAY, START_TIME, END_TIME)
ORGANIZATION_FILTERS = (SEARCH, TAXONOMY, MODIFIED_AFTER, POSTCODE, PROXIMITY, FULL_SERVICE)
ORUK_FILTERS = (SEARCH, TAXONOMY, MINIMUM_AGE, MAXIMUM_AGE, *SCHEDULE, MODIFIED_AFTER, POSTCODE, PROXIMITY)


def _datetime(raw: str) -> datetime:
    """An ISO 8601 date or date-time as a naive UTC datetime (how the database keeps times)."""
    try:
        value = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        raise ValueError("must be a date or date-time like 2026-01-01T00:00:00Z") from None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


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
