"""The Cultural Commissioning Marketplace: a provider directory and commissioning marketplace."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from config import config_for
from marketplace.extensions import csrf, db, limiter, login_manager, migrate, talisman

MIGRATIONS_DIR = str(Path(__file__).resolve().parents[1] / "migrations")

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def create_app(config_name: str | None = None, **overrides: object) -> Flask:
    """Build the app: configuration, extensions, blueprints, error handlers and CLI — nothing else."""
    app = Flask(__name__, static_folder="static", static_url_path="/assets", instance_relative_config=True)
    app.config.from_object(config_for(config_name))
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO)

    _trust_proxies(app)
    _bound_url_ids(app)
    _init_extensions(app)
    _register_blueprints(app)

    from marketplace.audit.handlers import register_audited_error_handlers
    from marketplace.core.errors import register_error_handlers
    from marketplace.core.request_log import init_request_log
    from marketplace.core.templating import init_templating

    register_error_handlers(app)
    register_audited_error_handlers(app)
    init_templating(app)
    init_request_log(app)
    _init_search(app)
    _init_jobs(app)
    _init_profile_extras(app)
    _init_home_extras(app)
    return app


def _init_profile_extras(app: Flask) -> None:
    """The profile page's kitemark badge and "Add to shortlist" form come from domains above the directory."""
    from marketplace.commissioning.contributions.views import contributions_for_reader
    from marketplace.commissioning.shortlists.views import shortlistable_needs_for
    from marketplace.directory.profile_extras import init_profile_extras, init_profile_sections
    from marketplace.kitemark.status import current_award

    init_profile_extras(app, kitemark_award=current_award, shortlist_needs=shortlistable_needs_for)
    init_profile_sections(app, body_contributions=contributions_for_reader)
    _init_track_record(app)


def _init_track_record(app: Flask) -> None:
    """The shortlist comparison shows published close-out reviews, which live in monitoring (above commissioning)."""
    from marketplace.commissioning.shortlists.comparison import init_comparison_track_record
    from marketplace.monitoring.reviews import entry_track_record

    init_comparison_track_record(app, entry_track_record)


def _init_home_extras(app: Flask) -> None:
    """The home page's recent needs and kitemark count come from domains above the directory."""
    from marketplace.commissioning.needs.services import recent_open_needs
    from marketplace.directory.home import init_home_extras
    from marketplace.kitemark.status import published_kitemarked_count

    init_home_extras(app, recent_needs=recent_open_needs, kitemarked_count=published_kitemarked_count)


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXY_HOPS proxies, read the client's address and scheme from their X-Forwarded-* headers
    (rate-limit keys and audit addresses use it). With none configured the headers are ignored: a client could
    set them to anything."""
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _bound_url_ids(app: Flask) -> None:
    """Every ``<int:…>`` id in a URL is bounded to a database integer (set before any route is added)."""
    from marketplace.core.converters import DatabaseIntConverter

    app.url_map.converters["int"] = DatabaseIntConverter


def _init_search(app: Flask) -> None:
    """The search index follows the database's change feed (after each commit and from a follower thread)."""
    from marketplace.search.cli import search_cli
    from marketplace.search.index.follower import init_follower
    from marketplace.search.index.sync import init_search_sync

    init_search_sync(app)
    init_follower(app)
    app.cli.add_command(search_cli)


def _init_jobs(app: Flask) -> None:
    """``flask jobs``: the scheduler for reminders, sweeps, alerts, email sending and index catch-up."""
    from marketplace.jobs.cli import jobs_cli

    app.cli.add_command(jobs_cli)


def _init_extensions(app: Flask) -> None:
    from marketplace.accounts.models import AnonymousUser
    from marketplace.accounts.services import load_user_from_session
    from marketplace.accounts.two_factor_views import require_staff_two_factor
    from marketplace.core.permissions import enforce_view_permission, forbid_storing_private_responses
    from marketplace.notifications.senders import sender_for

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    # An assessor or admin without two-factor is sent to set it up from every page, before anything else.
    app.before_request(require_staff_two_factor)
    # The permission check runs before CSRF, so an unauthorised POST is refused as such, not as a bad token.
    app.before_request(enforce_view_permission)
    app.after_request(forbid_storing_private_responses)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.anonymous_user = AnonymousUser
    login_manager.user_loader(load_user_from_session)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
        x_content_type_options=True,
        frame_options="DENY",
    )
    app.extensions["mail_sender"] = sender_for(app)


def _register_blueprints(app: Flask) -> None:
    from marketplace import (
        accounts,
        audit,
        backup,
        commissioning,
        demo,
        directory,
        health,
        kitemark,
        matching,
        monitoring,
        notifications,
        reference,
        registration,
        revisions,
        verification,
    )
    from marketplace.api import bp as api_bp
    from marketplace.commissioning import bodies, contributions, decisions, frameworks, needs, responses, shortlists
    from marketplace.core import pages
    from marketplace.directory import consortia, evidence, offers
    from marketplace.matching import views as matching_views  # noqa: F401 - attach routes to the blueprint
    from marketplace.search import area_views, views  # noqa: F401 - attach routes to the blueprints
    from marketplace.search.blueprints import area_bp, search_bp

    blueprints = (
        pages.bp,
        health.bp,
        accounts.bp,
        accounts.admin_bp,
        accounts.admin_home.bp,
        registration.bp,
        reference.bp,
        audit.bp,
        directory.bp,
        offers.bp,
        evidence.bp,
        consortia.bp,
        commissioning.bp,
        bodies.bp,
        frameworks.bp,
        needs.bp,
        responses.bp,
        shortlists.bp,
        decisions.bp,
        contributions.bp,
        notifications.bp,
        demo.bp,
        backup.bp,
        search_bp,
        matching.bp,
        area_bp,
        kitemark.bp,
        verification.bp,
        revisions.bp,
        monitoring.bp,
        api_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    # Import every model so metadata (and Alembic autogenerate) sees all tables.
    import marketplace.audit.models
    import marketplace.jobs.models
    import marketplace.registration.models
    import marketplace.search.index.models
    import marketplace.search.models  # noqa: F401


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record) -> None:  # pragma: no cover - driver hook
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL: readers no longer wait (busy-sleeping) while another worker commits, and a commit costs one
        # fsync of the log instead of several; NORMAL is WAL's usual setting (safe from app crashes).
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
