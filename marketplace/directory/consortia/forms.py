"""Consortium forms: creating one, and inviting an organisation to join."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.fields.choices import SelectChoice

from marketplace.core.fields import select_field, text_area, text_field
from marketplace.core.forms import optional_int
from marketplace.directory.models import Organisation
from marketplace.reference.choices import term_choices


class ConsortiumForm(FlaskForm):
    name = text_field(
        "Name of the consortium", noun="Name", max_length=200, required="Enter the name of the consortium"
    )
    legal_form_id = select_field(
        "Legal form",
        coerce=optional_int,
        description="Choose ‘Unincorporated’ if the consortium is an informal partnership.",
        required="Select the legal form of the consortium",
        invalid="Select the legal form of the consortium",
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
    organisation_id = select_field(
        "Organisation to invite",
        coerce=optional_int,
        description="Only organisations with a published profile are listed.",
        required="Select an organisation to invite",
        invalid="Select an organisation from the list",
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())

    def __init__(self, organisations: list[Organisation], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [SelectChoice("", "Select an organisation")] + [
            SelectChoice(str(organisation.id), organisation.name) for organisation in organisations
        ]
