"""Two-factor pages: the second sign-in step, set-up, recovery codes, turning it off; and the gate that keeps
assessors and admins without two-factor on the set-up page.

Between a correct password and a correct code the person is not signed in at all: the session holds only the
account's login id (which stops working if the password changes or the user signs out everywhere) and the time,
for TWO_FACTOR_PENDING_SECONDS. No page but the second step reads it.
"""

from __future__ import annotations

import time

import segno
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from marketplace.accounts import bp, forms, services, two_factor
from marketplace.accounts.models import User
from marketplace.accounts.passwords import verify_password
from marketplace.accounts.throttle import signed_in_user_key
from marketplace.core.permissions import public, require_access, signed_in
from marketplace.core.redirects import safe_next_path
from marketplace.extensions import limiter

PENDING = "two_factor_pending"
SETUP_SECRET = "two_factor_setup_secret"
BAD_CODE = "Enter a correct code from your authenticator app, or one of your recovery codes"
# Pages an assessor or admin without two-factor may still use: setting it up, and leaving.
ENROLMENT_ENDPOINTS = frozenset({"accounts.two_factor_setup", "accounts.sign_out", "static"})


def begin_second_step(user: User, next_path: str | None) -> Response:
    """After a correct password: remember who is half-way, and ask for the code."""
    session[PENDING] = {"id": user.get_id(), "at": int(time.time()), "next": safe_next_path(next_path) or ""}
    return redirect(url_for("accounts.two_factor_challenge"))


def pending_user() -> User | None:
    """The account waiting for its second step in this session, if still valid."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("id"), str):
        return None
    if time.time() - float(pending.get("at") or 0) > current_app.config["TWO_FACTOR_PENDING_SECONDS"]:
        return None
    user = services.load_user_from_session(pending["id"])
    return user if user is not None and user.has_two_factor else None


def pending_account_key() -> str:
    """One rate-limit bucket per account for the second step, whichever address the attempts come from."""
    pending = session.get(PENDING)
    identifier = pending.get("id", "") if isinstance(pending, dict) else ""
    return "two-factor:" + str(identifier).partition(":")[0]


@bp.route("/sign-in/two-factor", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["TWO_FACTOR_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["TWO_FACTOR_PER_ACCOUNT_LIMIT"], methods=["POST"], key_func=pending_account_key
)
def two_factor_challenge():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    user = pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash("Sign in again to continue", "info")
        return redirect(url_for("accounts.sign_in"))
    form = forms.TwoFactorSignInForm()
    if form.validate_on_submit():
        if two_factor.check_code(user, form.code.data):
            next_path = session.pop(PENDING, {}).get("next")
            services.complete_sign_in(user)
            login_user(user)
            flash(f"Signed in as {user.name}", "success")
            return redirect(next_path or url_for("core.dashboard"))
        form.code.errors = [*form.code.errors, BAD_CODE]
    return render_template("accounts/two_factor_challenge.html", form=form)


def _qr_code(uri: str) -> Markup:
    """The set-up QR code as inline SVG (no script; made here from our own URI, so it is safe to insert)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, title="QR code for your authenticator app")
    return Markup(svg)  # nosec B704  # segno's own SVG (paths only) of our otpauth URI; no user-written markup


@bp.route("/two-factor", methods=["GET", "POST"])
@signed_in
@limiter.limit(lambda: current_app.config["PASSWORD_CHECK_LIMIT"], methods=["POST"], key_func=signed_in_user_key)
def two_factor_setup():
    user = current_user._get_current_object()
    if user.has_two_factor:
        return _status_page(user, forms.RecoveryCodesForm(formdata=None))
    secret = session.get(SETUP_SECRET) or two_factor.new_secret()
    session[SETUP_SECRET] = secret
    form = forms.TwoFactorSetupForm()
    if form.validate_on_submit():
        codes = two_factor.confirm_setup(user, secret, form.code.data)
        if codes is not None:
            session.pop(SETUP_SECRET, None)
            flash("Two-factor sign-in is on", "success")
            return render_template("accounts/recovery_codes.html", codes=codes)
        form.code.errors = [*form.code.errors, "Enter the code your authenticator app shows now"]
    uri = two_factor.provisioning_uri(user, secret)
    return render_template(
        "accounts/two_factor_setup.html",
        form=form,
        secret=secret,
        uri=uri,
        qr_code=_qr_code(uri),
        required=two_factor.is_required(user),
    )


def _status_page(user: User, form: forms.RecoveryCodesForm):
    return render_template(
        "accounts/two_factor_status.html",
        form=form,
        recovery_codes_left=two_factor.remaining_recovery_codes(user),
        required=two_factor.is_required(user),
    )


@bp.post("/two-factor/recovery-codes")
@signed_in
@limiter.limit(lambda: current_app.config["PASSWORD_CHECK_LIMIT"], key_func=signed_in_user_key)
def two_factor_recovery_codes():
    user = current_user._get_current_object()
    if not user.has_two_factor:
        return redirect(url_for("accounts.two_factor_setup"))
    form = forms.RecoveryCodesForm()
    if form.validate_on_submit():
        if two_factor.verify_current_code(user, form.code.data):
            flash("Your old recovery codes no longer work", "success")
            return render_template("accounts/recovery_codes.html", codes=two_factor.regenerate_recovery_codes(user))
        form.code.errors = [*form.code.errors, "Enter the code your authenticator app shows now"]
    return _status_page(user, form)


@bp.route("/two-factor/turn-off", methods=["GET", "POST"])
@signed_in
@limiter.limit(lambda: current_app.config["PASSWORD_CHECK_LIMIT"], methods=["POST"], key_func=signed_in_user_key)
def two_factor_disable():
    user = current_user._get_current_object()
    require_access(not two_factor.is_required(user), hide=False)
    if not user.has_two_factor:
        return redirect(url_for("accounts.two_factor_setup"))
    form = forms.TurnOffTwoFactorForm()
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.password.data):
            form.password.errors = [*form.password.errors, "Your password is not correct"]
        elif two_factor.verify_current_code(user, form.code.data):
            two_factor.disable(user)
            flash("Two-factor sign-in is off", "success")
            return redirect(url_for("accounts.profile"))
        else:
            form.code.errors = [*form.code.errors, "Enter the code your authenticator app shows now"]
    return render_template("accounts/two_factor_disable.html", form=form)


def require_staff_two_factor():
    """``before_request`` hook: an assessor or admin without two-factor reaches only the set-up page (and sign-out),
    however they signed in (password, invitation, an older session)."""
    if request.endpoint in ENROLMENT_ENDPOINTS or not current_user.is_authenticated:
        return None
    user = current_user._get_current_object()
    if two_factor.is_required(user) and not user.has_two_factor:
        flash("Set up two-factor sign-in to continue: assessors and administrators must use it", "info")
        return redirect(url_for("accounts.two_factor_setup"))
    return None
