"""Structured request logs: one JSON line per request with a request id that is also sent back."""

from __future__ import annotations

import json
import logging

import pytest

from marketplace.core.request_log import request_id_from
from tests import factories


class Lines(logging.Handler):
    """The request log's records (it does not propagate to the root logger, so caplog cannot see it)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def clear(self) -> None:
        self.records.clear()

    @property
    def text(self) -> str:
        return "\n".join(record.getMessage() for record in self.records)


def _lines(captured: Lines) -> list[dict]:
    return [json.loads(record.getMessage()) for record in captured.records]


@pytest.fixture
def caplog_info(app):
    captured = Lines()
    logger = logging.getLogger("marketplace.request")
    logger.addHandler(captured)
    yield captured
    logger.removeHandler(captured)


def test_each_request_logs_one_json_line_and_returns_its_request_id(client, caplog_info):
    response = client.get("/organisations")

    (line,) = _lines(caplog_info)
    assert line["method"] == "GET"
    assert line["path"] == "/organisations"
    assert line["endpoint"] == "directory.organisation_list"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert len(line["request_id"]) == 32


def test_the_signed_in_users_id_is_logged(client, caplog_info):
    user = factories.make_provider()
    client.sign_in(user.email)
    caplog_info.clear()

    client.get("/provider")

    assert _lines(caplog_info)[-1]["user_id"] == user.id


def test_refused_and_missing_pages_are_logged_with_their_status(client, caplog_info):
    client.get("/admin")
    client.get("/no-such-page")

    refused, missing = _lines(caplog_info)
    assert (refused["endpoint"], refused["status"]) == ("admin.home", 302)
    assert refused["duration_ms"] is not None
    assert (missing["endpoint"], missing["status"]) == (None, 404)


def test_the_query_string_is_never_logged(client, caplog_info):
    client.get("/search?q=secret-words")

    assert "secret-words" not in caplog_info.text
    assert _lines(caplog_info)[0]["path"] == "/search"


def test_a_callers_request_id_is_kept(client, caplog_info):
    response = client.get("/organisations", headers={"X-Request-ID": "lb-1234.abc_DEF"})

    assert response.headers["X-Request-ID"] == "lb-1234.abc_DEF"
    assert _lines(caplog_info)[0]["request_id"] == "lb-1234.abc_DEF"


@pytest.mark.parametrize("unsafe", ['x" injected="1', "a" * 65, "line\\nbreak", "", "spaces are not ids"])
def test_an_unsafe_request_id_is_replaced_by_a_fresh_one(unsafe):
    replaced = request_id_from(unsafe)

    assert replaced != unsafe
    assert len(replaced) == 32 and replaced.isalnum()
