"""The form for a body's email domains."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length


class EmailDomainsForm(FlaskForm):
    domains = TextAreaField(
        "Email domains",
        widget=GovTextArea(),
        validators=[Length(max=4000, message="Email domains must be 4,000 characters or fewer")],
        description=(
            "One per line, like derby.gov.uk. A commissioner who registers for this body with a confirmed address "
            "at one of these domains is approved without an administrator. Leave empty to approve everyone by hand."
        ),
    )
    submit = SubmitField("Save email domains", widget=GovSubmitInput())
