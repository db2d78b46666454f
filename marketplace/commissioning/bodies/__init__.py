"""Commissioning bodies as administrators see them: each body's email domains (automatic approval)."""

from flask import Blueprint

bp = Blueprint("bodies_admin", __name__, url_prefix="/admin/bodies")

from marketplace.commissioning.bodies import views  # noqa: E402, F401
