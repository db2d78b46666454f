"""The registration form: who you are, what you will use the marketplace for, and your organisation or body."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from sqlalchemy import select
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from marketplace.accounts.forms import NewPasswordMixin, email_field, new_password_fields
from marketplace.commissioning.models import CommissioningBody
from marketplace.core.forms import optional_int
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.reference.choices import term_choices
from marketplace.registration.join_forms import registration_number_field, website_field


class RegistrationForm(NewPasswordMixin, FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
        ],
    )
    email = email_field()
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
    registration_number = registration_number_field()
    website = website_field()
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
