"""Reference data: vocabularies (ECM outcomes and aims, themes, service areas …), localities and outcodes."""

from flask import Blueprint

bp = Blueprint("reference", __name__, url_prefix="/admin/reference")

from marketplace.reference import cli, views  # noqa: E402, F401
