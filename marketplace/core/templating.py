"""Jinja set-up: our templates first, then the GOV.UK Frontend macro packages; shared globals and filters."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader, StrictUndefined
from jinja2.utils import missing

from marketplace.core.clock import long_date
from marketplace.core.navigation import account_items, navigation_items

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates"


class StrictOwnTemplatesUndefined(ChainableUndefined):
    """Fail loudly when one of *our* templates prints an undefined name.

    The GOV.UK macros rely on lenient undefined values (``params.classes`` and friends), so full
    StrictUndefined breaks them; printing or iterating an undefined value from our own templates is still an
    error in development and tests.
    """

    def __str__(self) -> str:
        if self._undefined_obj is missing:
            return StrictUndefined.__str__(self)  # type: ignore[arg-type]
        return super().__str__()


def format_date(value: date | datetime | None) -> str:
    return "" if value is None else long_date(value)


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y} at {value:%H:%M}"


def format_pence(value: int | None) -> str:
    if value is None:
        return ""
    pounds, pence = divmod(int(value), 100)
    return f"£{pounds:,}" if pence == 0 else f"£{pounds:,}.{pence:02d}"


def init_templating(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(TEMPLATE_DIR)),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    if app.config.get("STRICT_TEMPLATES"):
        app.jinja_env.undefined = StrictOwnTemplatesUndefined
    WTFormsHelpers(app)
    app.jinja_env.filters.update(date=format_date, datetime=format_datetime, pence=format_pence)

    @app.context_processor
    def inject_globals() -> dict:
        return {
            "service_name": app.config["SERVICE_NAME"],
            "navigation_items": navigation_items,
            "account_items": account_items,
        }
