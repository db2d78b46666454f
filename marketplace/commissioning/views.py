"""Commissioner dashboard."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from marketplace.commissioning import bp
from marketplace.core.permissions import role_required
from marketplace.core.roles import Role


@bp.get("/commissioner")
@role_required(Role.COMMISSIONER)
def dashboard():
    return render_template("commissioning/dashboard.html", body=current_user.commissioning_body)
