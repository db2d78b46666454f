"""The registration page (/account/register)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_user

from marketplace.accounts.services import AccountError
from marketplace.accounts.views import apply_account_error
from marketplace.core.permissions import public
from marketplace.core.roles import Role
from marketplace.directory.duplicates import LikelyDuplicate, likely_duplicates_with_reasons
from marketplace.extensions import limiter
from marketplace.registration import bp
from marketplace.registration.forms import RegistrationForm
from marketplace.registration.join_views import join_instead, said_different
from marketplace.registration.services import Registration, register_user


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
    if duplicates and (joined := join_instead(form, _registration(form), duplicates)) is not None:
        return joined
    if valid and not duplicates:
        registration = _registration(form)
        try:
            user = register_user(registration)
        except AccountError as error:
            apply_account_error(form, error)
        else:
            login_user(user)
            flash("Your account has been created", "success")
            return redirect(url_for("core.dashboard"))
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
