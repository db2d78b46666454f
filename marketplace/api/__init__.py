"""The read-only open-data API, versioned under ``/api/v1`` and described by ``/api/v1/openapi.json``."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from marketplace.api import views  # noqa: E402, F401
