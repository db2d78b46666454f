"""Backups: ``flask backup create PATH`` and ``flask backup restore PATH`` (a command-line blueprint, no routes)."""

from flask import Blueprint

bp = Blueprint("backup", __name__)

from marketplace.backup import cli  # noqa: E402, F401
