"""A framework CSV names Every Child Matters outcomes the way councils write them ("Be healthy"), not only by code."""

from __future__ import annotations

import pytest

from marketplace.commissioning.frameworks.importer import FrameworkFileError, read_framework_file

HEADER = "theme,aim,outcome,measure,current_position,target,timescale,lead,ecm_outcomes\n"


def _outcome_codes(ecm_outcomes: str) -> list[str]:
    content = (HEADER + f'Theme,Aim,Outcome,Measure,,,,,"{ecm_outcomes}"\n').encode()
    data = read_framework_file("framework.csv", content, name="Plan")
    return data["themes"][0]["aims"][0]["outcomes"][0]["ecm_outcomes"]


@pytest.mark.parametrize(
    ("written", "codes"),
    [
        ("Be healthy", ["be-healthy"]),
        ("be-healthy", ["be-healthy"]),
        ("Be healthy; Stay safe", ["be-healthy", "stay-safe"]),
        ("ENJOY AND ACHIEVE.", ["enjoy-and-achieve"]),
        ("Enjoy & achieve", ["enjoy-and-achieve"]),
        ("Achieve economic wellbeing", ["achieve-economic-well-being"]),
        ("Make a positive contribution;make-a-positive-contribution", ["make-a-positive-contribution"]),
    ],
)
def test_outcomes_are_read_by_label_or_code_however_they_are_spelt(app, written, codes):
    assert _outcome_codes(written) == codes


def test_an_unknown_label_is_reported_on_its_line_with_the_labels_to_use(app):
    content = (HEADER + "Theme,Aim,Outcome,Measure,,,,,Be healthy\nTheme,Aim,Outcome 2,Measure,,,,,Be happy\n").encode()

    with pytest.raises(FrameworkFileError) as error:
        read_framework_file("framework.csv", content, name="Plan")

    assert error.value.problems == [
        "Line 3: ecm_outcomes: unknown Every Child Matters outcome “Be happy” (write Be healthy, Stay safe, "
        "Enjoy and achieve, Make a positive contribution, Achieve economic well-being, or their codes)"
    ]
