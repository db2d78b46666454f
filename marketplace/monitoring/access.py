"""Who may see or change monitoring records. Every monitoring view goes through these.

- A contract is seen by its body's approved commissioners and by the provider: members of the accountable lead
  organisation and, for a consortium, of its accepted member organisations. Nobody else (views answer 404):
  another body sees only published close-out summaries, on the provider's track record.
- The provider submits and corrects returns (members of the lead organisation only: the lead is accountable).
- The body's commissioners accept returns, set measures, override ratings and close out; the challenger is
  a commissioner of the body other than the contract's manager.
"""

from __future__ import annotations

from typing import Any

from marketplace.commissioning.access import acts_for_body
from marketplace.directory.models import MembershipStatus
from marketplace.monitoring.models import Contract


def is_provider_of(user: Any, contract: Contract) -> bool:
    if not user.is_authenticated or user.organisation_id is None:
        return False
    if contract.organisation_id == user.organisation_id:
        return True
    return contract.consortium is not None and any(
        membership.organisation_id == user.organisation_id and membership.status == MembershipStatus.ACCEPTED
        for membership in contract.consortium.memberships
    )


def reports_for(user: Any, contract: Contract) -> bool:
    """Submits returns: a member of the accountable lead organisation."""
    return bool(user.is_authenticated and user.organisation_id == contract.organisation_id)


def can_view_contract(user: Any, contract: Contract) -> bool:
    return acts_for_body(user, contract.body) or is_provider_of(user, contract)


def can_manage_contract(user: Any, contract: Contract) -> bool:
    return acts_for_body(user, contract.body)


def can_challenge(user: Any, contract: Contract) -> bool:
    """A second person in the body: any of its commissioners except the contract's manager."""
    return acts_for_body(user, contract.body) and user.id != contract.manager_id
