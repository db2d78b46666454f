"""Monitoring: commissioned services from award to close-out — measures, returns, ratings, challenge, review."""

from flask import Blueprint

bp = Blueprint("monitoring", __name__)

from marketplace.monitoring import cli, services, views  # noqa: E402, F401 - routes, commands and the award hook
