"""``reference.postcodes``: UK postcodes and outcodes as people type them, with real-world good and bad examples."""

from __future__ import annotations

import pytest

from marketplace.reference.postcodes import normalise_postcode, outcode_of


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("DE1 3AR", "DE1 3AR"),  # Derby: AA9 9AA
        ("de1 3ar", "DE1 3AR"),  # lower case
        ("DE13AR", "DE1 3AR"),  # no space
        ("  DE1   3AR  ", "DE1 3AR"),  # extra spaces
        ("De1\t3aR", "DE1 3AR"),  # a tab, mixed case
        ("DE1 3AR" + " " * 40, "DE1 3AR"),  # trailing spaces, however many
        ("M1 1AE", "M1 1AE"),  # Manchester: A9 9AA
        ("B33 8TH", "B33 8TH"),  # Birmingham: A99 9AA
        ("CR2 6XH", "CR2 6XH"),  # Croydon: AA9 9AA
        ("DN55 1PT", "DN55 1PT"),  # Doncaster: AA99 9AA
        ("W1A 0AX", "W1A 0AX"),  # the BBC: A9A 9AA
        ("EC1A 1BB", "EC1A 1BB"),  # City of London: AA9A 9AA
        ("sw1a2aa", "SW1A 2AA"),  # 10 Downing Street, typed in a hurry
        ("GIR 0AA", "GIR 0AA"),  # Girobank's special code
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_a_real_postcode_is_accepted_and_written_as_royal_mail_writes_it(typed, expected):
    assert normalise_postcode(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        None,
        "   ",
        "DE1",  # an outcode on its own is not a full postcode
        "DE1 3A",  # inward code cut short
        "DE1 3ARR",  # one letter too many
        "DE1 AAR",  # inward code must start with a digit
        "1DE 3AR",  # outcode must start with a letter
        "DEE1 3AR",  # three letters
        "DZ1 3AR",  # Z is never the second letter
        "QI1 1AA",  # I is never the second letter
        "D-E1 3AR",
        "DE1 3AR DE1 3AR",  # two postcodes
        "NOT A CODE",
        "DE1    " + " 3AR" * 10,  # far longer than any postcode
        "X" * 500,
        "DE1 3ÄR",
    ],
)
def test_anything_else_is_not_a_postcode(typed):
    assert normalise_postcode(typed) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("DE1 3AR", "DE1"),
        ("de13ar", "DE1"),
        ("de1", "DE1"),  # an outcode on its own
        (" DE56 ", "DE56"),
        ("ec1a", "EC1A"),
        ("W1A 0AX", "W1A"),
        ("B338TH", "B33"),
        ("m1", "M1"),
        ("GIR 0AA", "GIR"),
    ],
)
def test_the_outcode_comes_from_a_full_postcode_or_an_outcode_typed_alone(typed, expected):
    assert outcode_of(typed) == expected


@pytest.mark.parametrize("typed", ["", None, "NOT A POSTCODE", "ZZ99 9ZZ", "DE", "3AR", "DE1 3A", "X" * 500])
def test_there_is_no_outcode_in_what_is_not_a_postcode_or_outcode(typed):
    assert outcode_of(typed) is None
