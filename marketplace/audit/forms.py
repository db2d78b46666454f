"""The audit log's filter form. It is read from the query string (GET), so it carries no CSRF token."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from marketplace.audit.presenters import describe
from marketplace.audit.queries import AuditFilters
from marketplace.core.fields import GovDateField, text_field


def _choices(values: list[str], any_label: str, label=str) -> list[SelectChoice]:
    return [SelectChoice("", any_label), *(SelectChoice(value, label(value)) for value in values)]


class AuditFilterForm(Form):
    actor_email = text_field(
        "Who (email address)", noun="Email address", max_length=254, description="All or part of the address."
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
    object_id = text_field("Object ID", noun="Object ID", max_length=60)
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
    text = text_field("Summary contains", noun="Summary words", max_length=200)

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
