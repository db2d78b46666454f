"""Verification's answer to directory events: a material edit to a verified record goes back to the assessors."""

from __future__ import annotations

from typing import Any

from marketplace.directory.models import SafeguardingRecord
from marketplace.directory.signals import safeguarding_changed
from marketplace.verification import services


@safeguarding_changed.connect
def reverify(record: SafeguardingRecord, *, changed: list[str], user: Any, **_: Any) -> None:
    services.reverify_after_edit(record, changed=changed, user=user)
