"""Commissioning: shortlists."""

from flask import Blueprint

bp = Blueprint("shortlists", __name__)

from marketplace.commissioning.shortlists import views  # noqa: E402, F401
