"""GOV.UK form fields shared by every domain: stripped text, whole numbers, pounds held as pence, dates.

Each field keeps what was typed when it is refused, and explains the rule in the caller's own words (the
caller names the thing: ``noun``), so one field serves forms whose messages were written separately.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovDateInput, GovSelect, GovTextArea, GovTextInput
from wtforms import Field, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, StopValidation, ValidationError

POUNDS = re.compile(r"^(\d+)(?:\.(\d+))?$")
# A price above £100 million is a typing mistake; the wording for pence typed too finely. Offers and responses.
MAX_PRICE_PENCE = 100_000_000 * 100
PRICE_TOO_PRECISE = "Price must be in pounds and pence, with no more than 2 decimal places"


def strip_text(value: Any) -> Any:
    """A field filter: surrounding white space is not part of what was typed."""
    return value.strip() if isinstance(value, str) else value


def _text_validators(noun: str, max_length: int, required: str) -> list[Any]:
    too_long = Length(max=max_length, message=f"{noun} must be {max_length:,} characters or fewer")
    return [InputRequired(message=required), too_long] if required else [too_long]


def text_field(label: str, *, noun: str, max_length: int, required: str = "", **kwargs: Any) -> StringField:
    """A stripped GOV.UK text input of at most ``max_length`` characters ("<noun> must be … or fewer").

    ``required`` is the message shown when it is left empty; without it the field is optional. One declaration
    instead of the same five lines in every form, so the rule and its wording cannot drift apart.
    """
    validators = _text_validators(noun, max_length, required)
    return StringField(label, widget=GovTextInput(), filters=[strip_text], validators=validators, **kwargs)


def text_area(label: str, *, noun: str, max_length: int, required: str = "", **kwargs: Any) -> TextAreaField:
    """:func:`text_field` as a GOV.UK textarea."""
    validators = _text_validators(noun, max_length, required)
    return TextAreaField(label, widget=GovTextArea(), filters=[strip_text], validators=validators, **kwargs)


def select_field(label: str, *, invalid: str, required: str = "", **kwargs: Any) -> SelectField:
    """A GOV.UK select; ``invalid`` is the message for a value not offered, ``required`` (if any) for none chosen.

    Choices are set by the form at run time; ``kwargs`` go to SelectField (``coerce``, ``description``...).
    """
    validators = [InputRequired(message=required)] if required else []
    return SelectField(
        label,
        widget=GovSelect(),
        validators=validators,
        invalid_value_message=invalid,
        invalid_choice_message=invalid,
        **kwargs,
    )


class CheckboxesField(SelectMultipleField):
    """GOV.UK checkboxes over ids; a value that was not offered (a tampered form) is refused with a message.

    The message is "Select <noun> from the list" unless ``invalid_message`` says otherwise.
    """

    widget = GovCheckboxesInput()

    def __init__(self, label: str, *, noun: str = "", invalid_message: str = "", **kwargs: Any) -> None:
        message = invalid_message or f"Select {noun} from the list"  # nosec B608  # a message, not SQL
        super().__init__(label, coerce=int, invalid_value_message=message, invalid_choice_message=message, **kwargs)


class TypedTextField(Field):
    """A value typed into a GOV.UK text input: shown again as typed when it is refused."""

    widget = GovTextInput()

    def __init__(self, label: str, *, noun: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.noun = noun

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else self.format(self.data)

    def format(self, data: Any) -> str:
        return str(data)


class WholeNumberField(TypedTextField):
    """A whole number from ``minimum`` to ``maximum``; optional unless ``required`` (the message) is given."""

    def __init__(self, label: str, *, noun: str, minimum: int, maximum: int, required: str = "", **kwargs) -> None:
        super().__init__(label, noun=noun, **kwargs)
        self.minimum, self.maximum, self.required = minimum, maximum, required

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            if self.required:
                raise ValueError(self.required)
            return
        if not text.isdigit() or not self.minimum <= int(text) <= self.maximum:
            raise ValueError(f"{self.noun} must be a whole number between {self.minimum} and {self.maximum}")
        self.data = int(text)


def parse_pounds(
    text: str,
    *,
    noun: str,
    invalid: str = "",
    too_precise: str = "",
    max_whole_digits: int | None = None,
    max_length: int | None = None,
    max_pence: int | None = None,
) -> int | None:
    """Pounds typed by a person (``250``, ``£1,250.50``) as whole pence; ``None`` for blank.

    Raises ValueError with a message naming ``noun``. ``invalid`` (not an amount, or too long) and
    ``too_precise`` (more than 2 decimal places; ``invalid`` when not given) let a caller keep its own wording.
    """
    cleaned = text.strip().removeprefix("£").replace(",", "").strip()
    if not cleaned:
        return None
    if cleaned.startswith("-"):
        raise ValueError(f"{noun} must be £0 or more")
    invalid = invalid or f"{noun} must be an amount in pounds, like 5000 or 5000.00"
    match = POUNDS.match(cleaned)
    if (
        match is None
        or (max_length is not None and len(cleaned) > max_length)
        or (max_whole_digits is not None and len(match[1]) > max_whole_digits)
    ):
        raise ValueError(invalid)
    if match[2] is not None and len(match[2]) > 2:
        raise ValueError(too_precise or invalid)
    pence = int(Decimal(cleaned) * 100)
    if max_pence is not None and pence > max_pence:
        raise ValueError(f"{noun} must be £{max_pence // 100:,} or less")
    return pence


def price_in_pence(text: str | None, *, invalid: str, max_length: int | None = None) -> int | None:
    """A price typed into a form as whole pence (None for blank), by the house price rules.

    Raises ValidationError (so a form's ``validate_<field>`` can call it as it is) with ``invalid`` for
    something that is not an amount.
    """
    try:
        return parse_pounds(
            text or "",
            noun="Price",
            invalid=invalid,
            too_precise=PRICE_TOO_PRECISE,
            max_length=max_length,
            max_pence=MAX_PRICE_PENCE,
        )
    except ValueError as error:
        raise ValidationError(str(error)) from error


def format_pounds(pence: int | None, *, always_pence: bool = False) -> str:
    """Pence as pounds to type into a form: ``5000``, ``5000.50`` (``5000.00`` with ``always_pence``)."""
    if pence is None:
        return ""
    pounds, remainder = divmod(pence, 100)
    return str(pounds) if remainder == 0 and not always_pence else f"{pounds}.{remainder:02d}"


class PoundsField(TypedTextField):
    """An amount in pounds held as whole pence; ``rules`` are :func:`parse_pounds`'s bounds and wording."""

    def __init__(self, label: str, *, noun: str, always_pence: bool = False, rules: dict | None = None, **kwargs):
        super().__init__(label, noun=noun, **kwargs)
        self.always_pence = always_pence
        self.rules = rules or {}

    def format(self, data: int) -> str:
        return format_pounds(data, always_pence=self.always_pence)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        self.data = parse_pounds(valuelist[0] if valuelist else "", noun=self.noun, **self.rules)


class GovDateField(Field):
    """A date typed as day, month and year; a missing or malformed part is a message, never a crash.

    Always keeps exactly three raw parts, because the GOV.UK widget unpacks three (``GovDateInput`` alone
    raises a 500 otherwise). Optional unless ``required_message`` is given. A year before ``earliest_year``
    is not a real date.
    """

    widget = GovDateInput()

    def __init__(
        self,
        label: str | None = None,
        validators: Any = None,
        *,
        required_message: str | None = None,
        incomplete_message: str = "Enter a complete date",
        invalid_message: str = "Enter a real date",
        earliest_year: int = 1900,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.incomplete_message, self.invalid_message = incomplete_message, invalid_message
        self.earliest_year = earliest_year

    def _value(self) -> str:
        return ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(value).strip() if value is not None else "" for value in list(valuelist)[:3]]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        if not all(parts):
            raise ValueError(self.incomplete_message)
        self.data = self._parse(*parts)

    def _parse(self, day: str, month: str, year: str) -> date:
        if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4 and len(day + month) <= 4):
            raise ValueError(self.invalid_message)
        try:
            value = date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValueError(self.invalid_message) from error
        if value.year < self.earliest_year:
            raise ValueError(self.invalid_message)
        return value

    def pre_validate(self, form: Any) -> None:
        if self.data is None and not self.process_errors and self.required_message:
            raise StopValidation(self.required_message)
