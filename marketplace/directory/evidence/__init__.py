"""Evidence: safeguarding record, accreditations, impact evidence and their uploaded documents."""

from flask import Blueprint

bp = Blueprint("evidence", __name__)

from marketplace.directory.evidence import views  # noqa: E402, F401
