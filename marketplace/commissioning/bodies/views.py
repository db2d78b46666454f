"""Admin pages for commissioning bodies: the list, and each body's email domains."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from marketplace.commissioning.bodies import bp, services
from marketplace.commissioning.bodies.forms import EmailDomainsForm
from marketplace.commissioning.models import CommissioningBody
from marketplace.core.permissions import role_required
from marketplace.core.roles import Role
from marketplace.extensions import db


@bp.get("/")
@role_required(Role.ADMIN)
def index():
    return render_template("bodies/index.html", bodies=services.list_bodies())


@bp.route("/<int:body_id>/email-domains", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def email_domains(body_id: int):
    body = db.get_or_404(CommissioningBody, body_id)
    form = EmailDomainsForm(data={"domains": "\n".join(item.domain for item in body.email_domains)})
    if form.validate_on_submit():
        try:
            services.set_email_domains(body, services.parse_domains(form.domains.data), admin=current_user)
        except services.DomainError as error:
            form.domains.errors = [*form.domains.errors, str(error)]
        else:
            flash(f"Email domains of {body.name} saved", "success")
            return redirect(url_for("bodies_admin.index"))
    return render_template("bodies/email_domains.html", form=form, body=body)
