"""Account forms, worded as GOV.UK patterns."""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from sqlalchemy import select
from wtforms import BooleanField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, ValidationError

from marketplace.accounts.passwords import password_problem
from marketplace.commissioning.models import CommissioningBody
from marketplace.core.fields import strip_text
from marketplace.core.forms import optional_int
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.reference.choices import term_choices

EMAIL_VALIDATORS = [
    InputRequired(message="Enter your email address"),
    Length(max=254, message="Email address must be 254 characters or fewer"),
    Email(message="Enter an email address in the correct format, like name@example.org"),
]


def _email_field(label: str = "Email address") -> StringField:
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
    email = _email_field()
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password"), Length(max=200)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class RegistrationForm(NewPasswordMixin, FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
        ],
    )
    email = _email_field()
    account_type = RadioField(
        "What will you use the marketplace for?",
        widget=GovRadioInput(),
        choices=[
            SelectChoice(Role.PROVIDER.value, "To list my cultural organisation and respond to needs"),
            SelectChoice(Role.COMMISSIONER.value, "To commission services for children and young people"),
        ],
        validators=[InputRequired(message="Select what you will use the marketplace for")],
    )
    organisation_name = StringField(
        "Organisation name",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200)],
        description="Providers: the museum, library, archive or arts organisation",
    )
    organisation_type = SelectField("Organisation type", widget=GovSelect(), coerce=optional_int, validate_choice=True)
    commissioning_body = SelectField(
        "Commissioning body",
        widget=GovSelect(),
        coerce=optional_int,
        validate_choice=True,
        description="Commissioners: choose your body, or enter it below if not listed",
    )
    new_body_name = StringField(
        "Commissioning body name, if not listed", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    new_body_kind = SelectField(
        "Kind of commissioning body", widget=GovSelect(), coerce=optional_int, validate_choice=True
    )
    password, confirm_password = new_password_fields()
    submit = SubmitField("Create account", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_type.choices = term_choices("organisation_type")
        self.new_body_kind.choices = term_choices("commissioning_body_kind")
        listed = select(CommissioningBody).where(CommissioningBody.is_listed.is_(True))  # never unapproved ones
        bodies = db.session.scalars(listed.order_by(CommissioningBody.name))
        self.commissioning_body.choices = [SelectChoice("", "My body is not listed")] + [
            SelectChoice(str(body.id), body.name) for body in bodies
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.account_type.data == Role.PROVIDER.value:
            if not (self.organisation_name.data or "").strip():
                self.organisation_name.errors = [*self.organisation_name.errors, "Enter your organisation's name"]
                valid = False
            if not self.organisation_type.data:
                self.organisation_type.errors = [*self.organisation_type.errors, "Select your organisation type"]
                valid = False
        elif self.account_type.data == Role.COMMISSIONER.value:
            if not self.commissioning_body.data and not (self.new_body_name.data or "").strip():
                self.commissioning_body.errors = [
                    *self.commissioning_body.errors,
                    "Select your commissioning body, or enter its name if it is not listed",
                ]
                valid = False
            elif not self.commissioning_body.data and not self.new_body_kind.data:
                self.new_body_kind.errors = [*self.new_body_kind.errors, "Select the kind of commissioning body"]
                valid = False
        return valid


class ForgotPasswordForm(FlaskForm):
    email = _email_field()
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
    email = _email_field("Colleague's email address")
    is_org_admin = BooleanField("They can manage the team and invite others", widget=GovCheckboxInput())
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class InviteStaffForm(FlaskForm):
    email = _email_field()
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[SelectChoice(Role.ASSESSOR.value, "Assessor"), SelectChoice(Role.ADMIN.value, "Admin")],
        validators=[InputRequired(message="Select a role")],
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """An empty form: a button that POSTs with a CSRF token."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
