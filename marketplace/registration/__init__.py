"""Registration: a new provider with its organisation, or a new commissioner in a commissioning body."""

from flask import Blueprint

bp = Blueprint("registration", __name__, url_prefix="/account")

from marketplace.registration import views  # noqa: E402, F401
