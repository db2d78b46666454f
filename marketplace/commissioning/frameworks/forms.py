"""Framework forms: upload a framework file; map a framework outcome to ECM outcomes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField

from marketplace.core.fields import CheckboxesField, text_field
from marketplace.reference.choices import term_choices


class ImportFrameworkForm(FlaskForm):
    framework_file = FileField(
        "Framework file",
        widget=GovFileInput(),
        description="A JSON or CSV file in the framework format, smaller than 2MB.",
        validators=[FileRequired(message="Select a JSON or CSV file")],
    )
    name = text_field(
        "Framework name",
        noun="Framework name",
        max_length=200,
        description="Needed for a CSV file. For a JSON file, leave blank to use the name in the file. "
        "Importing a framework with the name of an existing one replaces it.",
    )
    submit = SubmitField("Import framework", widget=GovSubmitInput())


class MapOutcomeForm(FlaskForm):
    ecm_outcomes = CheckboxesField("Which Every Child Matters outcomes does it contribute to?", noun="outcomes")
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.ecm_outcomes.choices = term_choices("ecm_outcome", blank=None)
