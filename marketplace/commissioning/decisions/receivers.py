"""The award locks its decision record, in the award's own transaction."""

from __future__ import annotations

from typing import Any

from marketplace.commissioning.decisions.services import record_decision
from marketplace.commissioning.models import Need
from marketplace.commissioning.signals import need_awarded


@need_awarded.connect
def lock_decision_record(need: Need, *, response: Any, commissioner: Any, **_: Any) -> None:
    record_decision(need, response=response, commissioner=commissioner)
