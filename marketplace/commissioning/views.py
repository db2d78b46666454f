"""Commissioner dashboard: the body's needs by status and the way to everything else."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from marketplace.commissioning import bp, cli  # noqa: F401  (cli registers ``flask commissioning …``)
from marketplace.commissioning.frameworks.services import frameworks_of
from marketplace.commissioning.needs.services import needs_of
from marketplace.core.permissions import role_required
from marketplace.core.roles import Role


@bp.get("/commissioner")
@role_required(Role.COMMISSIONER)
def dashboard():
    body = current_user.commissioning_body
    needs = needs_of(body) if body is not None else {}
    frameworks = frameworks_of(body) if body is not None else []
    return render_template("commissioning/dashboard.html", body=body, needs=needs, frameworks=frameworks)
