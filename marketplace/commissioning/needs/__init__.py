"""Commissioning: needs."""

from flask import Blueprint

bp = Blueprint("needs", __name__)

from marketplace.commissioning.needs import views  # noqa: E402, F401
