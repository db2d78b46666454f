"""Commissioning: frameworks."""

from flask import Blueprint

bp = Blueprint("frameworks", __name__)

from marketplace.commissioning.frameworks import views  # noqa: E402, F401
