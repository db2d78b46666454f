"""The evidence overview shows each document as a link with its type and size, worked out by presenters.py."""

from __future__ import annotations

from marketplace.core.clock import today
from marketplace.directory.evidence import services
from tests.client import text_of
from tests.directory.evidence import files
from tests.forms import file_storage


def test_the_policy_document_shows_its_type_and_size_on_the_overview(provider_client, organisation, provider):
    data = files.pdf()
    services.save_safeguarding(
        organisation,
        user=provider,
        data={"policy_reviewed_on": today(), "lead_name": "A", "dbs_coverage_percent": 90},
        upload=file_storage(data, "policy.pdf"),
    )

    page = text_of(provider_client.get("/provider/evidence"))

    # Once in the safeguarding summary, once in the documents table.
    assert page.count(f"policy.pdf (PDF, {services.size_text(len(data))})") == 2
    assert "Waiting for verification" in page and "Out of date" not in page
