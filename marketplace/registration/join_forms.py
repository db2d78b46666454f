"""Registration's optional identity fields (to spot an organisation already listed) and the joining forms."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from marketplace.core.fields import strip_text
from marketplace.core.forms import optional_int
from marketplace.reference.choices import term_choices


def registration_number_field() -> StringField:
    """Optional, but it finds an organisation listed under another name ("Derby Museums Trust")."""
    return StringField(
        "Charity or company number (optional)",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[Optional(), Length(max=40, message="Charity or company number must be 40 characters or fewer")],
    )


def website_field() -> StringField:
    return StringField(
        "Website (optional)",
        widget=GovTextInput(),
        filters=[strip_text],
        description="For example, www.example.org",
        validators=[Optional(), Length(max=300, message="Website must be 300 characters or fewer"), _website],
    )


def _website(form: Any, field: StringField) -> None:
    """People type "example.org": keep the address they mean rather than refuse it."""
    if not field.data:
        return
    address = field.data if "://" in field.data else f"https://{field.data}"
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in address:
        raise ValidationError("Enter a website address, like www.example.org")
    field.data = address


class StartOrganisationForm(FlaskForm):
    """For a registrant whose request to join was declined, or who would rather list their own organisation."""

    organisation_name = StringField(
        "Organisation name",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            InputRequired(message="Enter your organisation's name"),
            Length(max=200, message="Organisation name must be 200 characters or fewer"),
        ],
    )
    organisation_type = SelectField(
        "Organisation type",
        widget=GovSelect(),
        coerce=optional_int,
        validate_choice=True,
        validators=[InputRequired(message="Select your organisation type")],
    )
    submit = SubmitField("Create your organisation's profile", widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_type.choices = term_choices("organisation_type")
