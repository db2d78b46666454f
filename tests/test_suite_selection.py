"""The PostgreSQL run leaves out only tests that use no test database (the rule in tests/conftest.py)."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest

from tests.conftest import NO_TEST_DATABASE, uses_test_database


def item(module: str, *fixtures: str) -> SimpleNamespace:
    return SimpleNamespace(fixturenames=list(fixtures), module=importlib.import_module(module))


def test_a_test_on_the_template_database_is_kept_whatever_its_module():
    assert uses_test_database(item("tests.core.test_refs", "tmp_path", "template_database"))


def test_a_module_that_builds_databases_with_tests_databases_is_kept_without_the_template():
    assert uses_test_database(item("tests.test_migrations", "tmp_path"))
    assert uses_test_database(item("tests.backup.test_backup_restore", "tmp_path_factory"))


def test_a_test_with_neither_is_left_out():
    assert not uses_test_database(item("tests.core.test_refs", "value"))
    assert not uses_test_database(item("tests.search.test_engines", "tmp_path", "engine"))


def test_no_collected_test_that_uses_the_app_or_its_database_is_marked_to_be_left_out(request: pytest.FixtureRequest):
    marked = [
        test.nodeid
        for test in request.session.items
        if test.get_closest_marker(NO_TEST_DATABASE) and {"app", "database_url"} & set(test.fixturenames)
    ]
    assert marked == []
