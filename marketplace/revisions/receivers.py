"""The revisions room's answer to directory events: hold a trusted listing's material edits, feed its minor ones."""

from __future__ import annotations

from typing import Any

from marketplace.directory.models import Organisation
from marketplace.directory.signals import listing_edited, material_edit, reviewed_listing
from marketplace.revisions import services
from marketplace.revisions.models import ProfileRevision, RevisionKind
from marketplace.revisions.trust import is_trusted


def _accreditation(organisation: Organisation, edit: dict[str, Any]) -> ProfileRevision | None:
    return services.propose_accreditation(
        organisation,
        data=edit["data"],
        upload=edit.get("upload"),
        user=edit["user"],
        accreditation=edit["accreditation"],
    )


PROPOSERS = {
    RevisionKind.BASICS: lambda organisation, edit: services.propose_basics(
        organisation, proposed=edit["proposed"], user=edit["user"]
    ),
    RevisionKind.SAFEGUARDING: lambda organisation, edit: services.propose_safeguarding(
        organisation, data=edit["data"], upload=edit.get("upload"), user=edit["user"]
    ),
    RevisionKind.ACCREDITATION: _accreditation,
    RevisionKind.ACCREDITATION_DELETION: lambda organisation, edit: services.propose_accreditation_deletion(
        edit["accreditation"], user=edit["user"]
    ),
}


@material_edit.connect
def hold_for_review(organisation: Organisation, *, kind: str, **edit: Any) -> ProfileRevision | None:
    """A trusted listing's material edit becomes a revision waiting for review; any other is left to the directory."""
    if kind not in PROPOSERS or not is_trusted(organisation):
        return None
    return PROPOSERS[kind](organisation, edit)


@reviewed_listing.connect
def is_reviewed(organisation: Organisation, **_: Any) -> bool:
    return is_trusted(organisation)


@listing_edited.connect
def feed_minor_edit(organisation: Organisation, *, summary: str, user: Any, **_: Any) -> None:
    services.note_minor_edit(organisation, summary, user=user)
