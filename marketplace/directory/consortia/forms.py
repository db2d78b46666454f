"""Consortium forms: creating one, and inviting an organisation to join."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from marketplace.core.fields import strip_text
from marketplace.core.forms import optional_int
from marketplace.directory.models import Organisation
from marketplace.reference.choices import term_choices


class ConsortiumForm(FlaskForm):
    name = StringField(
        "Name of the consortium",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            InputRequired(message="Enter the name of the consortium"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    legal_form_id = SelectField(
        "Legal form",
        widget=GovSelect(),
        coerce=optional_int,
        description="Choose ‘Unincorporated’ if the consortium is an informal partnership.",
        validators=[InputRequired(message="Select the legal form of the consortium")],
        invalid_value_message="Select the legal form of the consortium",
        invalid_choice_message="Select the legal form of the consortium",
    )
    description = TextAreaField(
        "Description",
        widget=GovTextArea(),
        filters=[strip_text],
        description="What the members offer together, and how the consortium works.",
        validators=[Length(max=5000, message="Description must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Create consortium", widget=GovSubmitInput())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.legal_form_id.choices = term_choices("legal_form", blank="Select a legal form")


class InviteForm(FlaskForm):
    organisation_id = SelectField(
        "Organisation to invite",
        widget=GovSelect(),
        coerce=optional_int,
        description="Only organisations with a published profile are listed.",
        validators=[InputRequired(message="Select an organisation to invite")],
        invalid_value_message="Select an organisation from the list",
        invalid_choice_message="Select an organisation from the list",
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())

    def __init__(self, organisations: list[Organisation], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [SelectChoice("", "Select an organisation")] + [
            SelectChoice(str(organisation.id), organisation.name) for organisation in organisations
        ]
