"""Commissioning bodies: administrators list each body's email domains (automatic approval); bodies are loaded
from a register with ``flask commissioning import-bodies FILE`` (see ``importer``)."""

from flask import Blueprint

bp = Blueprint("bodies_admin", __name__, url_prefix="/admin/bodies")

from marketplace.commissioning.bodies import views  # noqa: E402, F401
