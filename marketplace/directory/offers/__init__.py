"""Offers: the services and activities an organisation provides."""

from flask import Blueprint

bp = Blueprint("offers", __name__)

from marketplace.directory.offers import views  # noqa: E402, F401
