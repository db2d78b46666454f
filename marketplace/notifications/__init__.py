"""Notifications: the email outbox, its senders, and in-app notifications."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from marketplace.notifications import cli, views  # noqa: E402, F401
