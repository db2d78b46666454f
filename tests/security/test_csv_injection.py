"""The one CSV cell helper: a cell a spreadsheet could run as a formula, however it is dressed, gets an apostrophe;
ordinary text (including text with a formula character later on) is left alone."""

from __future__ import annotations

import pytest

from marketplace.core.spreadsheets import safe_cell

RUNNABLE = [
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\tplain text after a tab",
    ';=HYPERLINK("http://evil.example")',
    ",=1+1",
    "  =1+1",
    " ;, @SUM(A1)",
    "\u00a0=1+1",
    "\uff1d1+1",
]
HARMLESS = ["Derby Museum", "Derby; Leicester", "a=b", "Tom & Jerry - live", "", "2026-01-31", "3"]


@pytest.mark.parametrize("text", RUNNABLE)
def test_a_cell_a_spreadsheet_could_run_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_unchanged(text):
    assert safe_cell(text) == text


def test_none_and_numbers_become_text():
    assert (safe_cell(None), safe_cell(12)) == ("", "12")
