"""Likely duplicates of an organisation someone is about to register.

Registering "Derby Museums" a second time used to create a second, empty profile without a word; people who
work there should join the existing one instead. Names are compared loosely (case, punctuation, "the", "&"/"and");
a charity or company number by its letters and digits (so "01234567" and "0123 4567" agree); a website without
its scheme, "www.", trailing slash or case (so "https://www.Derby-Museums.org/" is "derby-museums.org").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select

from marketplace.directory.models import Organisation
from marketplace.extensions import db

IGNORED_WORDS = {"the", "ltd", "limited", "cic", "trust"}
SAME_NAME, SAME_NUMBER, SAME_WEBSITE = "same name", "same charity or company number", "same website"


@dataclass
class LikelyDuplicate:
    organisation: Organisation
    reasons: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.organisation.name


def _words(name: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+", name.lower().replace("&", " and "))
    return [word for word in words if word not in IGNORED_WORDS]


def number_key(number: str) -> str:
    """A registration number as letters and digits only, upper case, leading zeros dropped."""
    return re.sub(r"[^A-Z0-9]", "", number.upper()).lstrip("0")


def website_key(website: str) -> str:
    """A website without scheme, "www.", trailing slashes or case: what two people mean by the same site."""
    text = website.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = text.removeprefix("www.")
    return text.rstrip("/")


def likely_duplicates(name: str, limit: int = 5) -> list[Organisation]:
    """Organisations whose names read the same as ``name`` once case, punctuation and filler words are set aside."""
    words = _words(name)
    if not words:
        return []
    candidates = db.session.scalars(
        select(Organisation).where(func.lower(Organisation.name).contains(words[0])).order_by(Organisation.name)
    )
    return [organisation for organisation in candidates if _words(organisation.name) == words][:limit]


def _same_number(number: str) -> list[Organisation]:
    key = number_key(number)
    if len(key) < 4:  # too short to identify anyone
        return []
    digits = max(re.findall(r"\d+", key), key=len, default="") or key
    candidates = db.session.scalars(
        select(Organisation).where(Organisation.registration_number.contains(digits)).order_by(Organisation.name)
    )
    return [organisation for organisation in candidates if number_key(organisation.registration_number) == key]


def _same_website(website: str) -> list[Organisation]:
    key = website_key(website)
    if "." not in key:
        return []
    host = key.split("/", 1)[0]
    candidates = db.session.scalars(
        select(Organisation).where(func.lower(Organisation.website).contains(host)).order_by(Organisation.name)
    )
    return [organisation for organisation in candidates if website_key(organisation.website) == key]


def likely_duplicates_with_reasons(
    name: str, *, registration_number: str = "", website: str = "", limit: int = 5
) -> list[LikelyDuplicate]:
    """Organisations with the same name, charity or company number, or website, each with what matched."""
    found: dict[int, LikelyDuplicate] = {}
    for reason, organisations in (
        (SAME_NAME, likely_duplicates(name, limit)),
        (SAME_NUMBER, _same_number(registration_number) if registration_number else []),
        (SAME_WEBSITE, _same_website(website) if website else []),
    ):
        for organisation in organisations:
            found.setdefault(organisation.id, LikelyDuplicate(organisation)).reasons.append(reason)
    return list(found.values())[:limit]
