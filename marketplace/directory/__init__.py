"""Directory: organisations (profiles), offers, evidence, consortia."""

from flask import Blueprint

bp = Blueprint("directory", __name__)

from marketplace.directory import cli, reminders, views  # noqa: E402, F401

# Every process that writes listings (not only the import command) must clear an edited listing's import fingerprint:
# the listener lives with the fingerprints, and is registered here rather than by whichever module imports it first.
from marketplace.directory.importer import fingerprint  # noqa: E402, F401
