"""UK postcodes as people type them: one pattern, one normal form, one way to find the outcode.

A postcode is an outward code (the outcode, "DE1", "SW1A", "M1") and an inward code ("3AR": a digit and two
letters). The pattern follows the shapes of the GOV.UK data standard for postcodes: outcodes A9, A99, AA9, AA99,
A9A and AA9A, where the second letter is never I, J or Z; plus the one special code GIR 0AA. It checks the shape,
not that the postcode exists (the outcode table answers that for distances).

People type postcodes in lower case, without the space or with several: everything here upper-cases and drops
white space first, then writes the postcode back the way Royal Mail does ("DE1 3AR"). Everything that reads a
postcode (the profile form, the search page's radius filter, the importers) uses this module, so a postcode one
accepts the others read the same way.
"""

from __future__ import annotations

import re

# Longer input is not a postcode however it is spaced; refusing it early keeps the work bounded.
MAX_TYPED_LENGTH = 32

OUTCODE = r"[A-Z][A-HJ-Y]?[0-9][A-Z0-9]?"
INCODE = r"[0-9][A-Z]{2}"
# A postcode with its white space removed ("DE13AR"); group 1 is the outcode, group 2 the inward code.
POSTCODE = re.compile(rf"^(?:({OUTCODE})({INCODE})|(GIR)(0AA))$")
OUTCODE_ONLY = re.compile(rf"^{OUTCODE}$")


def _compact(text: str | None) -> str | None:
    """Upper case without white space, or None when what was typed is too long to be a postcode."""
    text = (text or "").strip()
    if len(text) > MAX_TYPED_LENGTH:
        return None
    return "".join(text.split()).upper()


def _parts(text: str | None) -> tuple[str, str] | None:
    compact = _compact(text)
    match = POSTCODE.match(compact) if compact else None
    if match is None:
        return None
    outward, inward = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return outward, inward


def normalise_postcode(text: str | None) -> str | None:
    """The full postcode as Royal Mail writes it ("de13ar", " DE1  3AR" → "DE1 3AR"), or None if it is not one."""
    parts = _parts(text)
    return f"{parts[0]} {parts[1]}" if parts else None


def outcode_of(text: str | None) -> str | None:
    """The outcode of a full postcode ("DE1 3AR" → "DE1") or of an outcode typed on its own ("de1" → "DE1").

    None when ``text`` is neither, so a radius search can say it did not recognise the postcode.
    """
    parts = _parts(text)
    if parts is not None:
        return parts[0]
    compact = _compact(text)
    return compact if compact and OUTCODE_ONLY.match(compact) else None
