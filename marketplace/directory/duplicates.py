"""Likely duplicates of an organisation someone is about to register.

Registering "Derby Museums" a second time used to create a second, empty profile without a word; people who
work there should join the existing one instead. Names are compared loosely (case, punctuation, "the", "&"/"and").
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from marketplace.directory.models import Organisation
from marketplace.extensions import db

IGNORED_WORDS = {"the", "ltd", "limited", "cic", "trust"}


def _words(name: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+", name.lower().replace("&", " and "))
    return [word for word in words if word not in IGNORED_WORDS]


def likely_duplicates(name: str, limit: int = 5) -> list[Organisation]:
    """Organisations whose names read the same as ``name`` once case, punctuation and filler words are set aside."""
    words = _words(name)
    if not words:
        return []
    candidates = db.session.scalars(
        select(Organisation).where(func.lower(Organisation.name).contains(words[0])).order_by(Organisation.name)
    )
    return [organisation for organisation in candidates if _words(organisation.name) == words][:limit]
