"""Commissioning: decision records, the award's locked snapshot of the shortlist, comparison and evidence."""

from flask import Blueprint

bp = Blueprint("decisions", __name__)

from marketplace.commissioning.decisions import receivers, views  # noqa: E402, F401
