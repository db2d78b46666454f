"""The issue's "done when", through the pages: ask, verify, be matched; edit the policy, verification lapses."""

from __future__ import annotations

from datetime import timedelta

from marketplace.core.clock import today
from marketplace.extensions import db
from marketplace.matching.ranking import match_need
from marketplace.search.index.maintenance import rebuild
from marketplace.search.index.sync import init_search_sync
from tests import factories
from tests.client import FormClient, text_of
from tests.directory.evidence.test_records import MULTIPART, safeguarding_form
from tests.factories import make_need
from tests.forms import date_parts, decision_data
from tests.lookups import term


def test_a_provider_is_verified_matched_and_lapses_after_editing_its_policy(app, ready, assessor):
    organisation, provider = ready
    organisation.age_min, organisation.age_max = 5, 18
    # A real fit for the need (its service area), so only the safeguarding requirement keeps the provider out.
    factories.make_offer(
        organisation,
        "Sensory short breaks",
        service_areas=[term("service_area", "short-breaks-for-disabled-children")],
        localities=list(organisation.localities),
    )
    body = factories.make_body("Derby Children's Services")
    need = make_need(body, requires_safeguarding_verified=True)
    app.config["SEARCH_SYNC"] = True
    init_search_sync(app)
    rebuild(app)
    provider_client, assessor_client = FormClient(app.test_client()), FormClient(app.test_client())
    provider_client.sign_in(provider.email)
    assessor_client.sign_in(assessor.email)
    assert "1 open need requires verified safeguarding" in text_of(provider_client.get("/provider"))
    assert organisation.name not in [result.name for result in match_need(need)]

    provider_client.submit("/provider/verification/request", {"confirm": "y"}, page_url="/provider/verification")
    queue = assessor_client.get("/assessor/verification").get_data(as_text=True)
    url = queue.split('href="/assessor/verification/')[1].split('"')[0]
    url = f"/assessor/verification/{url}"
    assessor_client.submit(f"{url}/assign", {"assessor_id": str(assessor.id)}, page_url=url)
    assessor_client.submit(f"{url}/conflict", {"declaration": "none"}, page_url=url)
    assessor_client.submit(f"{url}/decision", decision_data(), page_url=url)

    assert "Safeguarding verified until" in text_of(provider_client.get("/provider"))
    assert organisation.name in [result.name for result in match_need(need)]

    edited = safeguarding_form(policy_reviewed_on=date_parts(today() - timedelta(days=2)), dbs_coverage_percent="100")
    response = provider_client.submit("/provider/evidence/safeguarding", edited, **MULTIPART)

    assert response.status_code == 302
    db.session.expire_all()
    assert "Verification lapsed" in text_of(provider_client.get(f"/organisations/{organisation.id}"))
    assert organisation.name not in [result.name for result in match_need(need)]
    assert "Re-verification" in text_of(assessor_client.get("/assessor/verification"))
