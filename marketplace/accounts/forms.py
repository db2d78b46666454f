"""Account forms, worded as GOV.UK patterns."""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, PasswordField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from marketplace.accounts.passwords import password_problem
from marketplace.core.fields import strip_text
from marketplace.core.roles import Role

EMAIL_VALIDATORS = [
    InputRequired(message="Enter your email address"),
    Length(max=254, message="Email address must be 254 characters or fewer"),
    Email(message="Enter an email address in the correct format, like name@example.org"),
]


def email_field(label: str = "Email address") -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        validators=EMAIL_VALIDATORS,
        filters=[strip_text],
    )


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    """A new password and its confirmation. Called inside each form's body so the fields (and the error
    summary) keep the order they have on the page."""
    return (
        PasswordField(
            "Create a password",
            widget=GovPasswordInput(),
            validators=[InputRequired(message="Enter a password")],
            description="Use 10 characters or more. Three random words work well.",
        ),
        PasswordField(
            "Confirm password",
            widget=GovPasswordInput(),
            validators=[
                InputRequired(message="Confirm your password"),
                EqualTo("password", message="Passwords must match"),
            ],
        ),
    )


class NewPasswordMixin:
    """The strength rule for a form's ``password`` field (made by :func:`new_password_fields`)."""

    def validate_password(self, field: PasswordField) -> None:
        hints = [value for value in (getattr(self, "email", None), getattr(self, "name", None)) if value is not None]
        problem = password_problem(
            field.data or "",
            min_length=current_app.config["MIN_PASSWORD_LENGTH"],
            user_inputs=[str(hint.data or "") for hint in hints],
        )
        if problem:
            raise ValidationError(problem)


class SignInForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password"), Length(max=200)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    email = email_field()
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    password, confirm_password = new_password_fields()
    submit = SubmitField("Save new password", widget=GovSubmitInput())


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        "Current password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter your current password")]
    )
    password, confirm_password = new_password_fields()
    submit = SubmitField("Change password", widget=GovSubmitInput())


class AcceptInvitationForm(NewPasswordMixin, FlaskForm):
    name = StringField(
        "Full name", widget=GovTextInput(), validators=[InputRequired(message="Enter your full name"), Length(max=120)]
    )
    password, confirm_password = new_password_fields()
    submit = SubmitField("Accept invitation", widget=GovSubmitInput())


class InviteMemberForm(FlaskForm):
    email = email_field("Colleague's email address")
    is_org_admin = BooleanField("They can manage the team and invite others", widget=GovCheckboxInput())
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class InviteStaffForm(FlaskForm):
    email = email_field()
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[SelectChoice(Role.ASSESSOR.value, "Assessor"), SelectChoice(Role.ADMIN.value, "Admin")],
        validators=[InputRequired(message="Select a role")],
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


def code_field(label: str = "Code from your authenticator app") -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the code"), Length(max=40, message="Enter the code")],
        filters=[strip_text],
    )


class TwoFactorSignInForm(FlaskForm):
    code = code_field("Code")
    submit = SubmitField("Continue", widget=GovSubmitInput())


class TwoFactorSetupForm(FlaskForm):
    code = code_field()
    submit = SubmitField("Turn on two-factor sign-in", widget=GovSubmitInput())


class RecoveryCodesForm(FlaskForm):
    code = code_field()
    submit = SubmitField("Get new recovery codes", widget=GovSubmitInput())


class TurnOffTwoFactorForm(FlaskForm):
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter your password")]
    )
    code = code_field()
    submit = SubmitField("Turn off two-factor sign-in", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """An empty form: a button that POSTs with a CSRF token."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
