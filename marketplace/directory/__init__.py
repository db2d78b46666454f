"""Directory: organisations (profiles), offers, evidence, consortia."""

from flask import Blueprint

bp = Blueprint("directory", __name__)

from marketplace.directory import cli, reminders, views  # noqa: E402, F401
