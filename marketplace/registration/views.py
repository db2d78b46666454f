"""The registration page (/account/register), its one answer (check your email) and the emailed confirmation link."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user

from marketplace.accounts.forms import ConfirmForm
from marketplace.accounts.services import AccountError, normalise_email
from marketplace.core.permissions import public
from marketplace.core.roles import Role
from marketplace.directory.duplicates import likely_duplicates
from marketplace.extensions import limiter
from marketplace.registration import bp
from marketplace.registration.confirmation import confirm_registration, open_registration, request_registration
from marketplace.registration.forms import RegistrationForm
from marketplace.registration.services import Registration

CHECK_EMAIL = "registration_email"


def _likely_duplicates(form: RegistrationForm) -> list:
    """A provider registering an organisation that is already listed is asked first (unless they said it differs)."""
    if form.account_type.data != Role.PROVIDER.value or request.form.get("different_organisation") == "yes":
        return []
    return likely_duplicates(form.organisation_name.data or "")


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    form = RegistrationForm()
    valid = form.validate_on_submit()
    duplicates = _likely_duplicates(form) if valid else []
    if valid and not duplicates:
        registration = Registration(
            name=form.name.data,
            email=form.email.data,
            password=form.password.data,
            account_type=Role(form.account_type.data),
            organisation_name=form.organisation_name.data or "",
            organisation_type_id=form.organisation_type.data,
            commissioning_body_id=form.commissioning_body.data,
            new_body_name=form.new_body_name.data or "",
            new_body_kind_id=form.new_body_kind.data,
        )
        request_registration(registration)
        session[CHECK_EMAIL] = normalise_email(registration.email)
        return redirect(url_for("registration.check_email"))
    return render_template("registration/register.html", form=form, duplicates=duplicates)


@bp.get("/register/check-email")
@public
def check_email():
    """After registering: the same answer whether or not the address has an account (no enumeration)."""
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    return render_template("registration/check_email.html", email=session.get(CHECK_EMAIL))


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@public
def confirm(token: str):
    """The link in the confirmation email: a button creates the account (a mail scanner's GET changes nothing)."""
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    pending = open_registration(token)
    if pending is None:
        return render_template("registration/confirm_invalid.html"), 404
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user = confirm_registration(pending)
        except AccountError as error:
            flash(error.message, "error")
            return redirect(url_for("accounts.sign_in"))
        login_user(user)
        flash("Your account has been created", "success")
        return redirect(url_for("core.dashboard"))
    return render_template("registration/confirm.html", form=form, email=pending.email)
