"""Commissioning: bodies, outcomes frameworks, needs, responses and shortlists."""

from flask import Blueprint

bp = Blueprint("commissioning", __name__)

from marketplace.commissioning import views  # noqa: E402, F401
