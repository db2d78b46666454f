"""What the evidence pages show, worked out in Python so the templates get values, not the services module.

Each value carries the record it describes plus the words the page prints for it (a document's type and
size, an accreditation's display name and status), so a template never calls back into the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from marketplace.directory.evidence import services
from marketplace.directory.models import Accreditation, EvidenceDocument, Organisation


@dataclass(frozen=True)
class DocumentView:
    """An uploaded document as the pages link to it: "policy.pdf (PDF, 14 KB)"."""

    document: EvidenceDocument
    type_label: str
    size_text: str


@dataclass(frozen=True)
class AccreditationView:
    """An accreditation row: its scheme's display name, ``expired``/``expires_soon``/``current``, certificate."""

    accreditation: Accreditation
    name: str
    status: str
    certificate: DocumentView | None


def document_view(document: EvidenceDocument | None) -> DocumentView | None:
    if document is None:
        return None
    return DocumentView(document, services.type_label(document.content_type), services.size_text(document.size_bytes))


def accreditation_views(organisation: Organisation, on: date) -> list[AccreditationView]:
    """The organisation's accreditations in their stored order, each with its status on ``on``."""
    return [
        AccreditationView(
            accreditation,
            services.accreditation_name(accreditation),
            services.accreditation_status(accreditation, on),
            document_view(accreditation.certificate_document),
        )
        for accreditation in organisation.accreditations
    ]
