"""Consortia: organisations that find work and respond to needs together."""

from flask import Blueprint

bp = Blueprint("consortia", __name__)

from marketplace.directory.consortia import views  # noqa: E402, F401
