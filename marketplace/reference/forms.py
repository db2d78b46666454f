"""Admin form for importing a localities CSV."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField

MAX_CSV_BYTES = 2 * 1024 * 1024


class LocalityImportForm(FlaskForm):
    csv_file = FileField(
        "Localities CSV file",
        widget=GovFileInput(),
        description="Columns: ons_code, name, tier, parent_ons_code, region. Existing rows are updated by ons_code.",
        validators=[
            FileRequired(message="Select a CSV file"),
            FileSize(max_size=MAX_CSV_BYTES, message="The file must be smaller than 2 MB"),
        ],
    )
    submit = SubmitField("Import localities", widget=GovSubmitInput())
