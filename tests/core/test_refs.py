"""``core.refs``: the one rule for the refs that import files give records."""

from __future__ import annotations

import pytest

from marketplace.core.refs import REF_MAX_LENGTH, is_ref


@pytest.mark.parametrize(
    "value", ["derby-museum-of-making", "derby-cyps", "a", "7", "2026-youth-offer", "a--b", "x" * REF_MAX_LENGTH]
)
def test_lower_case_letters_digits_and_hyphens_make_a_ref(value):
    assert is_ref(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "-derby",  # must start with a letter or digit
        "Derby-Museum",  # upper case
        "derby museum",
        "derby_museum",
        "derby.museum",
        "café",
        "derby\n",  # a trailing newline is not part of a ref
        "x" * (REF_MAX_LENGTH + 1),
        None,
        42,
        ["derby"],
    ],
)
def test_anything_else_is_not_a_ref(value):
    assert not is_ref(value)
