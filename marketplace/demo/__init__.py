"""Demo data drawn from the seed documents: ``flask demo load`` (idempotent)."""

from flask import Blueprint

bp = Blueprint("demo", __name__)

from marketplace.demo import cli  # noqa: E402, F401
