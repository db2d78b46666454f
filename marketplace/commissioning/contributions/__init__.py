"""Commissioning: contribution statements written per commissioning body's framework (the guided composer)."""

from flask import Blueprint

bp = Blueprint("contributions", __name__)

from marketplace.commissioning.contributions import models, views  # noqa: E402, F401
