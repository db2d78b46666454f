"""Accounts: users, roles, memberships of organisations and commissioning bodies, sign-in and invitations."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/account")
admin_bp = Blueprint("accounts_admin", __name__, url_prefix="/admin/users")

from marketplace.accounts import admin_home, admin_views, cli, two_factor_views, views  # noqa: E402, F401
