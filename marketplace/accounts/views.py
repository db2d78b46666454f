"""Sign-in, registration, password reset, the account page and team invitations."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from marketplace.accounts import bp, forms, services
from marketplace.accounts.models import Invitation
from marketplace.accounts.passwords import verify_password
from marketplace.accounts.throttle import sign_in_email_key, signed_in_user_key
from marketplace.accounts.two_factor_views import begin_second_step
from marketplace.core.permissions import public, require_access, signed_in
from marketplace.core.redirects import safe_next_path
from marketplace.extensions import db, limiter


def apply_account_error(form, error: services.AccountError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_PER_EMAIL_LIMIT"], methods=["POST"], key_func=sign_in_email_key)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    form = forms.SignInForm()
    if form.validate_on_submit():
        user = services.check_password(form.email.data, form.password.data)
        if user is not None and user.has_two_factor:
            return begin_second_step(user, request.args.get("next"))
        if user is not None:
            services.complete_sign_in(user)
            login_user(user)
            flash(f"Signed in as {user.name}", "success")
            return redirect(safe_next_path(request.args.get("next")) or url_for("core.dashboard"))
        form.password.errors = [*form.password.errors, "Enter a correct email address and password"]
    return render_template("accounts/sign_in.html", form=form)


@bp.post("/sign-out")
@signed_in
def sign_out():
    services.sign_out_everywhere(current_user._get_current_object())
    logout_user()
    flash("You have signed out", "success")
    return redirect(url_for("directory.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    user = services.user_for_reset_token(token)
    if user is None:
        return render_template("accounts/reset_invalid.html"), 404
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        services.change_password(user, form.password.data, action="account.password_reset")
        flash("Your password has been changed. Sign in with your new password", "success")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/", methods=["GET", "POST"])
@signed_in
@limiter.limit(lambda: current_app.config["PASSWORD_CHECK_LIMIT"], methods=["POST"], key_func=signed_in_user_key)
def profile():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors = [*form.current_password.errors, "Your current password is not correct"]
        else:
            services.change_password(current_user._get_current_object(), form.password.data)
            login_user(current_user._get_current_object())
            flash("Your password has been changed", "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


@bp.route("/team", methods=["GET", "POST"])
@signed_in
def team():
    user = current_user._get_current_object()
    if not (user.organisation_id or user.commissioning_body_id):
        abort(404)
    form = forms.InviteMemberForm()
    if form.validate_on_submit():
        require_access(user.is_org_admin, hide=False)
        try:
            services.invite_member(user, form.email.data, is_org_admin=form.is_org_admin.data)
        except services.AccountError as error:
            apply_account_error(form, error)
        else:
            flash(f"Invitation sent to {form.email.data}", "success")
            return redirect(url_for("accounts.team"))
    # An unapproved commissioner may not see colleagues' names or emails: only their own row.
    members = (user.organisation or user.commissioning_body).members if user.is_approved else [user]
    return render_template(
        "accounts/team.html",
        form=form,
        members=members,
        invitations=services.pending_invitations(user) if user.is_org_admin and user.is_approved else [],
        revoke_form=forms.ConfirmForm(),
    )


@bp.post("/team/invitations/<int:invitation_id>/revoke")
@signed_in
def revoke_invitation(invitation_id: int):
    invitation = db.get_or_404(Invitation, invitation_id)
    require_access(services.can_manage_invitation(current_user, invitation))
    if forms.ConfirmForm().validate_on_submit():
        services.revoke_invitation(invitation, actor=current_user._get_current_object())
        flash(f"Invitation to {invitation.email} cancelled", "success")
    return redirect(url_for("accounts.team"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    invitation = services.open_invitation(token)
    if invitation is None:
        return render_template("accounts/invitation_invalid.html"), 404
    if current_user.is_authenticated:
        flash("Sign out before accepting an invitation for another account", "error")
        return redirect(url_for("core.dashboard"))
    form = forms.AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(invitation, name=form.name.data, password=form.password.data)
        except services.AccountError as error:
            apply_account_error(form, error)
        else:
            login_user(user)
            flash("Welcome. Your account is ready", "success")
            return redirect(url_for("core.dashboard"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)
