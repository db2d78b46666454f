"""A small HTML reader for the probes (stdlib ``html.parser``): forms with their fields, links, and anything
a browser would run as script (script elements, ``on*`` attributes, ``javascript:`` URLs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

TEXT_INPUT_TYPES = frozenset({"text", "email", "url", "tel", "search", ""})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data"})


@dataclass
class FormField:
    """One control: ``kind`` is the input type, ``select``, ``textarea`` (or ``checkbox``/``radio``)."""

    name: str
    kind: str
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)  # a select's option values
    selected: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[FormField] = field(default_factory=list)

    @property
    def text_fields(self) -> list[FormField]:
        return [item for item in self.fields if item.kind in TEXT_INPUT_TYPES or item.kind == "textarea"]

    def values(self) -> dict[str, list[str]]:
        """What a browser would send as the page stands (files and buttons left out)."""
        data: dict[str, list[str]] = {}
        for item in self.fields:
            if item.kind in {"checkbox", "radio"}:
                if item.checked:
                    data.setdefault(item.name, []).append(item.value or "on")
            elif item.kind == "select":
                chosen = item.selected or item.options[:1]
                data.setdefault(item.name, []).extend(chosen)
            elif item.kind not in {"file", "submit", "button", "image", "reset"}:
                data.setdefault(item.name, []).append(item.value)
        return data


@dataclass
class Page:
    forms: list[Form] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    scripts: list[tuple[dict[str, str], str]] = field(default_factory=list)  # (attributes, body)
    handlers: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, value)
    script_urls: list[tuple[str, str, str]] = field(default_factory=list)  # javascript: URLs


class _Reader(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.page = Page()
        self._form: Form | None = None
        self._select: FormField | None = None
        self._option: str | None = None
        self._textarea: FormField | None = None
        self._script: dict[str, str] | None = None
        self._script_body: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name.lower(): value or "" for name, value in attrs}
        self._check_active_content(tag, attributes)
        if tag == "script":
            self._script, self._script_body = attributes, []
        elif tag == "a" and attributes.get("href"):
            self.page.links.append(urljoin(self.base_url, attributes["href"]))
        elif tag == "form":
            self._form = Form(
                action=urljoin(self.base_url, attributes.get("action") or self.base_url),
                method=(attributes.get("method") or "get").lower(),
                enctype=attributes.get("enctype") or "application/x-www-form-urlencoded",
            )
            self.page.forms.append(self._form)
        elif self._form is not None:
            self._form_control(tag, attributes)

    def _form_control(self, tag: str, attributes: dict[str, str]) -> None:
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            self._form.fields.append(FormField(name, kind, attributes.get("value", ""), "checked" in attributes))
        elif tag == "select" and name:
            self._select = FormField(name, "select")
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = attributes.get("value")
            if self._option is not None:
                self._select.options.append(self._option)
                if "selected" in attributes:
                    self._select.selected.append(self._option)
        elif tag == "textarea" and name:
            self._textarea = FormField(name, "textarea")
            self._form.fields.append(self._textarea)

    def _check_active_content(self, tag: str, attributes: dict[str, str]) -> None:
        for name, value in attributes.items():
            if name.startswith("on"):
                self.page.handlers.append((tag, name, value))
            scheme = "".join(value.split()).lower()
            if name in URL_ATTRIBUTES and scheme.startswith(("javascript:", "vbscript:", "data:text/html")):
                self.page.script_urls.append((tag, name, value))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.page.scripts.append((self._script, "".join(self._script_body)))
            self._script = None
        elif tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_body.append(data)
        elif self._textarea is not None:
            self._textarea.value += data

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)


def read_page(html: str, url: str) -> Page:
    reader = _Reader(url)
    reader.feed(html)
    reader.close()
    return reader.page


def local_path(url: str) -> str | None:
    """The path and query of an on-site URL (the test client's ``http://localhost``), else None."""
    parts = urlsplit(url)
    if parts.scheme not in {"", "http"} or parts.netloc not in {"", "localhost"}:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def active_content(html: str, url: str = "/") -> list[str]:
    """Anything on the page a browser would run that the app did not put there: inline or off-site scripts,
    event-handler attributes, script URLs. The app itself uses none (its CSP allows no inline script)."""
    page = read_page(html, f"http://localhost{url}")
    found = []
    for attributes, body in page.scripts:
        source = attributes.get("src", "")
        if body.strip() or not source or local_path(urljoin("http://localhost/", source)) is None:
            found.append(f"<script {attributes}>{body[:60]}")
    found += [f"<{tag} {name}={value[:60]!r}>" for tag, name, value in page.handlers]
    found += [f"<{tag} {name}={value[:60]!r}>" for tag, name, value in page.script_urls]
    return found
