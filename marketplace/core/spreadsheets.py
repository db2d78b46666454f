"""CSV cells a spreadsheet will not run: the one helper every CSV export calls.

A spreadsheet runs a cell as a formula when it starts with ``=``, ``+``, ``-`` or ``@``, and some also after
leading separators or blanks (``;=cmd|…``, ``, =…``, `` =…``) or a tab/carriage return (OWASP "CSV injection").
Such a cell gets a leading apostrophe, which spreadsheets show as text and do not run.
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = "=+-@\uff1d\uff0b\uff0d\uff20"  # and their full-width forms, which some spreadsheets accept
# Anything a spreadsheet may skip before the trigger: separators, blanks and control characters.
_RUNNABLE = re.compile(rf"^[\s;,\x00-\x1f\u00a0]*[{re.escape(FORMULA_TRIGGERS)}]|^[\t\r\n]")


def is_runnable(text: str) -> bool:
    """True when a spreadsheet could run ``text`` as a formula."""
    return bool(_RUNNABLE.match(text))


def safe_cell(value: object) -> str:
    """``value`` as CSV cell text, prefixed with an apostrophe if a spreadsheet could run it."""
    text = "" if value is None else str(value)
    return f"'{text}" if is_runnable(text) else text
