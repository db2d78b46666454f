"""Builders of model rows for tests, one module per domain; every builder commits, so ids exist.

Everything is re-exported here, so ``from tests.factories import make_need`` and ``factories.make_user``
work without knowing which domain module holds a builder.
"""

from tests.factories.accounts import (
    NEW_PASSWORD,
    PASSWORD,
    TOTP_SECRET,
    make_assessor,
    make_commissioner,
    make_provider,
    make_user,
)
from tests.factories.commissioning import make_body, make_framework, make_need, make_response
from tests.factories.directory import (
    make_accreditation,
    make_document,
    make_impact_evidence,
    make_offer,
    make_organisation,
    make_published,
    make_safeguarding,
)
from tests.factories.kitemark import all_verified, awarded, make_ready_organisation, review_ready
from tests.factories.monitoring import make_contract, make_measure
from tests.factories.verification import all_met, in_review, verified

__all__ = [
    "NEW_PASSWORD",
    "PASSWORD",
    "TOTP_SECRET",
    "all_met",
    "all_verified",
    "awarded",
    "in_review",
    "make_accreditation",
    "make_assessor",
    "make_body",
    "make_commissioner",
    "make_contract",
    "make_document",
    "make_framework",
    "make_impact_evidence",
    "make_measure",
    "make_need",
    "make_offer",
    "make_organisation",
    "make_provider",
    "make_published",
    "make_ready_organisation",
    "make_response",
    "make_safeguarding",
    "make_user",
    "review_ready",
    "verified",
]
