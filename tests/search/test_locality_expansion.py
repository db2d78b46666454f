"""The search page's cached locality filter follows the one locality rule in ``reference.geography``."""

from __future__ import annotations

from marketplace.reference.geography import locality_by_code, overlapping_codes, overlapping_localities
from marketplace.search.reference_cache import reference_snapshot

DERBYSHIRE, AMBER_VALLEY, DERBY, WESTMINSTER = "E10000007", "E07000032", "E06000015", "E09000033"


def test_each_locality_filter_expands_as_the_database_rule_does(app):
    snapshot = reference_snapshot(app)

    for code in (DERBYSHIRE, AMBER_VALLEY, DERBY, WESTMINSTER):
        expected = {locality.ons_code for locality in overlapping_localities(code)}
        assert snapshot.expanded_localities([code]) == expected, code


def test_several_locality_filters_expand_to_the_union(app):
    snapshot = reference_snapshot(app)
    chosen = [AMBER_VALLEY, DERBY]

    assert snapshot.expanded_localities(chosen) == overlapping_codes(locality_by_code(code) for code in chosen)
    assert snapshot.expanded_localities(chosen) == {AMBER_VALLEY, DERBYSHIRE, DERBY}
