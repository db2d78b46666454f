"""The audit log's filter form. It is read from the query string (GET), so it carries no CSRF token."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import Form, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from marketplace.audit.presenters import describe
from marketplace.audit.queries import AuditFilters
from marketplace.core.fields import GovDateField, strip_text


def _choices(values: list[str], any_label: str, label=str) -> list[SelectChoice]:
    return [SelectChoice("", any_label), *(SelectChoice(value, label(value)) for value in values)]


class AuditFilterForm(Form):
    actor_email = StringField(
        "Who (email address)",
        widget=GovTextInput(),
        filters=[strip_text],
        description="All or part of the address.",
        validators=[Length(max=254, message="Email address must be 254 characters or fewer")],
    )
    action = SelectField(
        "What happened",
        widget=GovSelect(),
        default="",
        invalid_choice_message="Select an action from the list",
        invalid_value_message="Select an action from the list",
    )
    object_type = SelectField(
        "Type of object",
        widget=GovSelect(),
        default="",
        invalid_choice_message="Select a type of object from the list",
        invalid_value_message="Select a type of object from the list",
    )
    object_id = StringField(
        "Object ID",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[Length(max=60, message="Object ID must be 60 characters or fewer")],
    )
    date_from = GovDateField(
        "From",
        description="For example, 27 3 2026",
        incomplete_message="Date from must include a day, month and year",
        invalid_message="Date from must be a real date",
        earliest_year=2000,
    )
    date_to = GovDateField(
        "To",
        description="For example, 31 3 2026",
        incomplete_message="Date to must include a day, month and year",
        invalid_message="Date to must be a real date",
        earliest_year=2000,
    )
    text = StringField(
        "Summary contains",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[Length(max=200, message="Summary words must be 200 characters or fewer")],
    )

    def __init__(self, formdata: Any, *, actions: list[str], object_types: list[str]) -> None:
        super().__init__(formdata)
        self.action.choices = _choices(actions, "Any action", describe)
        self.object_type.choices = _choices(object_types, "Any type")

    def validate_date_to(self, field: GovDateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("Date to must be the same as or after date from")

    def filters(self) -> AuditFilters:
        """The filters the (valid) form describes."""
        return AuditFilters(
            actor_email=self.actor_email.data or "",
            action=self.action.data or "",
            object_type=self.object_type.data or "",
            object_id=self.object_id.data or "",
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            text=self.text.data or "",
        )
