"""Consortium forms: creating one, and inviting an organisation to join."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from marketplace.core.fields import text_area, text_field
from marketplace.core.forms import optional_int
from marketplace.directory.models import Organisation
from marketplace.reference.choices import term_choices


class ConsortiumForm(FlaskForm):
    name = text_field(
        "Name of the consortium", noun="Name", max_length=200, required="Enter the name of the consortium"
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
    description = text_area(
        "Description",
        noun="Description",
        max_length=5000,
        description="What the members offer together, and how the consortium works.",
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
