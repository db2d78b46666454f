"""Commissioning: responses."""

from flask import Blueprint

bp = Blueprint("responses", __name__)

from marketplace.commissioning.responses import views  # noqa: E402, F401
