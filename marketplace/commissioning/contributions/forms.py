"""The composer's form: what to cite, a draft to edit, and (for a body's framework) which priority it is about.

One form with two buttons, so it works without JavaScript: "Write a draft from these" fills the statement box
from the ticked items (nothing is saved), "Save statement" saves what is in the box.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput, GovTextArea
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from marketplace.commissioning.contributions.services import frameworks_of
from marketplace.commissioning.models import CommissioningBody
from marketplace.core.fields import CheckboxesField, select_field, strip_text
from marketplace.directory.models import Organisation

STATEMENT_MAX = 5000


def _priority_choices(body: CommissioningBody) -> list[SelectChoice]:
    """Every theme, aim and outcome of the body's frameworks, indented under each other, most general first."""
    choices = [SelectChoice("", "Select a priority")]
    frameworks = frameworks_of(body)
    for framework in frameworks:
        prefix = f"{framework.name}: " if len(frameworks) > 1 else ""
        for theme in framework.themes:
            choices.append(SelectChoice(f"t{theme.id}", f"{prefix}{theme.title}"))
            for aim in theme.aims:
                choices.append(SelectChoice(f"a{aim.id}", f"— {aim.title}"))
                choices.extend(SelectChoice(f"o{outcome.id}", f"—— {outcome.title}") for outcome in aim.outcomes)
    return choices


class ComposeForm(FlaskForm):
    target = select_field(
        "Which of their priorities is it about?",
        invalid="Select a priority from the list",
        description="A theme, or one of its aims or outcomes",
    )
    offers = CheckboxesField("Offers to cite", noun="your own offers")
    outcomes = CheckboxesField("Every Child Matters outcomes to cite", noun="outcomes from your profile")
    evidence = CheckboxesField("Impact evidence to cite", noun="your own impact evidence")
    draft = SubmitField("Write a draft from these", widget=GovSubmitInput())
    statement = TextAreaField(
        "Your statement",
        widget=GovTextArea(),
        filters=[strip_text],
        description="Edit the draft into your own words. Say what you do, for whom, and what changed.",
        validators=[Length(max=STATEMENT_MAX, message=f"Your statement must be {STATEMENT_MAX:,} characters or fewer")],
    )
    is_public = BooleanField("Show this statement to everyone who reads your profile", widget=GovCheckboxInput())
    save = SubmitField("Save statement", widget=GovSubmitInput())

    def __init__(self, organisation: Organisation, body: CommissioningBody | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.offers.choices = [SelectChoice(str(offer.id), offer.title) for offer in organisation.offers]
        self.outcomes.choices = [
            SelectChoice(
                str(item.outcome_id),
                item.outcome.label + (f" ({'; '.join(aim.label for aim in item.aims)})" if item.aims else ""),
            )
            for item in sorted(organisation.outcome_contributions, key=lambda item: item.outcome.position)
        ]
        self.evidence.choices = [
            SelectChoice(str(item.id), item.title) for item in sorted(organisation.impact_evidence, key=_title)
        ]
        if body is None:
            del self.target
            del self.is_public
        else:
            self.target.choices = _priority_choices(body)
            self.is_public.description = f"Untick to show it only to {body.name}'s commissioners"

    @property
    def wants_draft(self) -> bool:
        return bool(self.draft.data)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if "target" in self._fields and not self.target.data and not self.target.errors:
            self.target.errors = ["Select which of their priorities it is about"]
            valid = False
        if not self.wants_draft and not self.statement.data and not self.statement.errors:
            self.statement.errors = ["Enter your statement, or tick what to cite and write a draft from it"]
            valid = False
        return valid


def _title(item: Any) -> str:
    return item.title
