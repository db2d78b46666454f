"""Fill any HTML form the way a hostile but persistent user would: the XSS payload in every free-text field,
plausible values where a field insists (emails, dates, numbers), retrying the fields the page says are wrong."""

from __future__ import annotations

import io
import itertools
import re
from datetime import timedelta
from html import unescape

from marketplace.core.clock import today
from tests.client import FormClient
from tests.factories import PASSWORD
from tests.security.html import Form, FormField

# Starts with "=" so CSV exports are probed for formula injection too.
PAYLOAD = "=1+2<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
STRONG_PASSWORD = "Marmalade kettle orbit 2026!"
ERROR_LINK = re.compile(r'class="govuk-error-summary".*?</ul>', re.S)
ERROR_HREF = re.compile(r'href="#([^"]+)"')
_emails = itertools.count(1)


def _dates() -> list[list[str]]:
    return [
        [str(day.day), str(day.month), str(day.year)]
        for day in (today() - timedelta(days=300), today() + timedelta(days=60), today() - timedelta(days=30))
    ]


def _candidates(field: FormField) -> list[list[str]]:
    """Values to try for a text field: the payload first (even where validation should refuse it: the refusal
    page echoes it), then a plausible value for fields that insist on a format."""
    name = field.name.lower()
    if field.kind == "password":
        return [[PASSWORD]] if "current" in name else [[STRONG_PASSWORD]]
    if field.kind == "email" or "email" in name:
        plausible = [f"xss.probe.{next(_emails)}@example.org"]
    elif field.kind == "tel" or "phone" in name:
        plausible = ["01332 641901"]
    elif field.kind == "url" or "website" in name or name.endswith("url"):
        plausible = ["https://example.org/"]
    elif "postcode" in name:
        plausible = ["DE1 1BS"]
    elif re.search(r"(^|_)(age|size|capacity|percent|price|budget|pence|count|sample|ratio|cost|rank)", name):
        plausible = ["5" if "min" in name else "18" if "max" in name else "50"]
    else:
        return [[PAYLOAD], [field.value] if field.value else ["Plain text"], ["12345678"]]
    return [[PAYLOAD], plausible, [field.value or "1"]]


class FormFiller:
    """One form's values, and the next values to try for the fields an error summary names."""

    def __init__(self, form: Form, files: dict[str, tuple[str, bytes]]) -> None:
        self.form = form
        self.files = files
        self.data = form.values()
        self.data.pop("csrf_token", None)
        self.options: dict[str, list[list[str]]] = {}
        dates = _dates()
        for name, group in itertools.groupby(form.fields, key=lambda item: item.name):
            group = list(group)
            kind = group[0].kind
            if name == "csrf_token":
                continue
            if kind in {"text", ""} and len(group) == 3:  # a GOV.UK date: day, month, year
                self.options[name] = [parts for parts in dates if parts != self.data.get(name)]
                if not any(self.data.get(name, [])):
                    self.data[name] = self.options[name].pop(0)
            elif kind in {"radio", "checkbox", "select"}:
                values = group[0].options if kind == "select" else [item.value for item in group]
                values = [value for value in values if value]
                self.options[name] = [[value] for value in values]
                if not self.data.get(name) or self.data[name] == [""]:
                    self.data[name] = values[:1]
            elif kind in {"text", "email", "url", "tel", "search", "textarea", "password"}:
                tries = _candidates(group[0])
                self.data[name] = tries[0] * len(group)
                self.options[name] = tries[1:]
        self.payload_names = {name for name, values in self.data.items() if PAYLOAD in values}

    def retry(self, error_ids: list[str]) -> bool:
        """Move each named field to its next candidate; False when nothing is left to try."""
        moved = False
        for error_id in error_ids:
            name = max((name for name in self.options if error_id.startswith(name)), key=len, default=None)
            if name and self.options[name]:
                self.data[name] = self.options[name].pop(0)
                if PAYLOAD not in self.data[name]:
                    self.payload_names.discard(name)
                moved = True
        return moved

    def request_data(self) -> dict:
        data: dict = {name: list(values) for name, values in self.data.items() if values}
        for item in self.form.fields:
            if item.kind == "file" and item.name in self.files:
                filename, content = self.files[item.name]
                data[item.name] = (io.BytesIO(content), filename)
        return data


def error_ids(html: str) -> list[str]:
    block = ERROR_LINK.search(html)
    return [unescape(target) for target in ERROR_HREF.findall(block.group(0))] if block else []


def submit(
    client: FormClient, page_url: str, form: Form, files: dict[str, tuple[str, bytes]], *, check, attempts: int = 5
):
    """POST the filled form (with the page's CSRF token) until it is accepted or nothing is left to change; every
    answer goes through ``check`` (re-rendered forms echo what was typed).

    Returns the last response, the fields that carried the payload in any attempt, and in the last one."""
    filler = FormFiller(form, files)
    tried = set(filler.payload_names)
    response = None
    for _ in range(attempts):
        multipart = form.enctype == "multipart/form-data"
        response = client.submit(
            form.action,
            filler.request_data(),
            page_url=page_url,
            content_type="multipart/form-data" if multipart else None,
        )
        check(response)
        if response.status_code != 200 or not filler.retry(error_ids(response.get_data(as_text=True))):
            break
    return response, tried, filler.payload_names
