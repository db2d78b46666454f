"""Kitemark: Arts Council assessment of trustworthy listings (applications, reviews, lifecycle)."""

from flask import Blueprint

bp = Blueprint("kitemark", __name__)

from marketplace.kitemark import cli, dashboard, views  # noqa: E402, F401
