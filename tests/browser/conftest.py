"""Browser tests: Debian's Chromium driven by Playwright against the app served on a loopback port."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from marketplace import create_app
from marketplace.demo.services import load_demo
from marketplace.extensions import db
from marketplace.reference.services import load_all
from marketplace.search.index.maintenance import rebuild
from tests.browser.elsewhere import LIVE_APPS

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # Debian's; CHROMIUM=PATH names another build
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session (never Playwright's own download: Debian's binary is used)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does this) or set CHROMIUM")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (own cookies) and page per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """The app with reference and demo data, served by a real HTTP server in a thread."""
    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'live.db'}",
        UPLOAD_DIR=str(folder / "uploads"),
        SEARCH_INDEX_DIR=str(folder / "search_index"),
        SEARCH_SYNC=True,  # the index follows each commit, as in production
    )
    with app.app_context():
        db.create_all()
        load_all()
        load_demo(app.config["DEMO_PASSWORD"])
        rebuild(app)  # the search index of the demo directory
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.port}"
    LIVE_APPS[app.config["LIVE_URL"]] = app
    yield app
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def live_url(live_app) -> str:
    return live_app.config["LIVE_URL"]


@pytest.fixture
def console_errors(page):
    """Console errors (CSP violations, failed scripts) seen by the page; tests assert it stays empty."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
