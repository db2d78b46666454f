"""The registration page (/account/register), its one answer (check your email) and the emailed confirmation link."""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user, login_user

from marketplace.accounts.forms import ConfirmForm
from marketplace.accounts.services import AccountError, normalise_email
from marketplace.core.permissions import public
from marketplace.core.roles import Role
from marketplace.directory.duplicates import LikelyDuplicate, likely_duplicates_with_reasons
from marketplace.directory.profile_flow import landing_after_registration
from marketplace.extensions import limiter
from marketplace.registration import bp
from marketplace.registration.confirmation import confirm_registration, open_registration, request_registration
from marketplace.registration.forms import RegistrationForm
from marketplace.registration.join_views import join_instead, said_different
from marketplace.registration.joining import latest_request_of
from marketplace.registration.services import Registration

CHECK_EMAIL = "registration_email"


def _likely_duplicates(form: RegistrationForm) -> list[LikelyDuplicate]:
    """A provider registering an organisation that is already listed is asked first (unless they said it differs):
    same name, same charity or company number, or same website."""
    if form.account_type.data != Role.PROVIDER.value or said_different():
        return []
    return likely_duplicates_with_reasons(
        form.organisation_name.data or "",
        registration_number=form.registration_number.data or "",
        website=form.website.data or "",
    )


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    form = RegistrationForm()
    valid = form.validate_on_submit()
    duplicates = _likely_duplicates(form) if valid else []
    if duplicates and (joining := join_instead(form, _registration(form), duplicates)) is not None:
        return _check_email(joining)
    if valid and not duplicates:
        return _check_email(_registration(form))
    return render_template("registration/register.html", form=form, duplicates=duplicates)


def _registration(form: RegistrationForm) -> Registration:
    return Registration(
        name=form.name.data,
        email=form.email.data,
        password=form.password.data,
        account_type=Role(form.account_type.data),
        organisation_name=form.organisation_name.data or "",
        organisation_type_id=form.organisation_type.data,
        commissioning_body_id=form.commissioning_body.data,
        new_body_name=form.new_body_name.data or "",
        new_body_kind_id=form.new_body_kind.data,
        registration_number=form.registration_number.data or "",
        website=form.website.data or "",
    )


def _check_email(registration: Registration):
    """Email the confirmation link (or the account holder's warning) and answer the same page either way."""
    request_registration(registration)
    session[CHECK_EMAIL] = normalise_email(registration.email)
    return redirect(url_for("registration.check_email"))


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
        waiting = latest_request_of(user)
        flash(
            f"Your request to join {waiting.organisation.name} has been sent"
            if waiting
            else "Your account has been created",
            "success",
        )
        # A new listing's account manager goes straight to its first profile step, not a dashboard to leave
        return redirect((not waiting and landing_after_registration(user)) or url_for("core.dashboard"))
    return render_template("registration/confirm.html", form=form, email=pending.email)
