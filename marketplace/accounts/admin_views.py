"""Admin pages for accounts: list users, approve commissioners, (de)activate, invite assessors and admins."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.accounts import admin_bp, forms, services, two_factor
from marketplace.accounts.models import User
from marketplace.core.permissions import role_required
from marketplace.core.roles import Role
from marketplace.extensions import db


@admin_bp.get("/")
@role_required(Role.ADMIN)
def index():
    pending_only = request.args.get("pending") == "1"
    role = request.args.get("role") if request.args.get("role") in {r.value for r in Role} else None
    return render_template(
        "admin/users.html",
        users=services.list_users(pending_only=pending_only, role=role),
        pending_only=pending_only,
        role=role,
        roles=list(Role),
        confirm_form=forms.ConfirmForm(),
    )


@admin_bp.post("/<int:user_id>/approve")
@role_required(Role.ADMIN)
def approve(user_id: int):
    user = db.get_or_404(User, user_id)
    if forms.ConfirmForm().validate_on_submit():
        try:
            services.approve_commissioner(user, admin=current_user._get_current_object())
        except services.AccountError as error:
            flash(error.message, "error")
        else:
            flash(f"{user.name} can now use the marketplace as a commissioner", "success")
    return redirect(url_for("accounts_admin.index", pending=request.args.get("pending")))


@admin_bp.post("/<int:user_id>/deactivate")
@role_required(Role.ADMIN)
def deactivate(user_id: int):
    return _set_active(user_id, active=False)


@admin_bp.post("/<int:user_id>/activate")
@role_required(Role.ADMIN)
def activate(user_id: int):
    return _set_active(user_id, active=True)


def _set_active(user_id: int, *, active: bool):
    user = db.get_or_404(User, user_id)
    if forms.ConfirmForm().validate_on_submit():
        try:
            services.set_user_active(user, active=active, admin=current_user._get_current_object())
        except services.AccountError as error:
            flash(error.message, "error")
        else:
            flash(f"{user.name} is now {'active' if active else 'deactivated'}", "success")
    return redirect(url_for("accounts_admin.index"))


@admin_bp.post("/<int:user_id>/reset-two-factor")
@role_required(Role.ADMIN)
def reset_two_factor(user_id: int):
    """For someone who lost their authenticator app and recovery codes; the page asks to check who is asking."""
    user = db.get_or_404(User, user_id)
    if forms.ConfirmForm().validate_on_submit():
        try:
            two_factor.reset_for(user, admin=current_user._get_current_object())
        except services.AccountError as error:
            flash(error.message, "error")
        else:
            flash(f"Two-factor sign-in reset for {user.name}: they set it up again when they next sign in", "success")
    return redirect(url_for("accounts_admin.index"))


@admin_bp.route("/invite", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def invite_staff():
    form = forms.InviteStaffForm()
    if form.validate_on_submit():
        try:
            services.invite_member(current_user._get_current_object(), form.email.data, role=Role(form.role.data))
        except services.AccountError as error:
            field = getattr(form, error.field or "email")
            field.errors = [*field.errors, error.message]
        else:
            flash(f"Invitation sent to {form.email.data}", "success")
            return redirect(url_for("accounts_admin.index"))
    return render_template("admin/invite_staff.html", form=form)
