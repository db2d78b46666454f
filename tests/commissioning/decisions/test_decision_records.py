"""Decision records (issue 12, item 6): the award locks the shortlist, the comparison and each shortlisted
provider's evidence (document ids, file names, SHA-256), viewable and downloadable later even after profiles change.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.commissioning.decisions.models import DecisionRecord
from marketplace.commissioning.decisions.services import fingerprint
from marketplace.commissioning.models import ResponseStatus
from marketplace.commissioning.shortlists.services import award_need
from marketplace.core.clock import today
from marketplace.core.roles import Role
from marketplace.directory.evidence.services import save_safeguarding
from marketplace.directory.models import EvidenceDocument
from marketplace.extensions import db
from tests import factories
from tests.client import FormClient, text_of
from tests.commissioning.shortlists.conftest import put_on_shortlist
from tests.directory.evidence import files
from tests.factories import make_ready_organisation, make_response
from tests.forms import file_storage


@pytest.fixture
def awarded(need, commissioner):
    """Two shortlisted responders with evidence documents; the need awarded to the first."""
    winner, winner_manager = make_ready_organisation("Winner Museum")
    runner_up, _ = make_ready_organisation("Runner-up Library")
    responses = {}
    for organisation in (winner, runner_up):
        responses[organisation.name] = make_response(need, organisation, status=ResponseStatus.SHORTLISTED)
        put_on_shortlist(need, organisation, response=responses[organisation.name], notes="Strong on outcomes")
    award_need(need, responses["Winner Museum"], commissioner=commissioner, note="Best outcomes and price")
    return need.decision_record, winner, winner_manager


def _record_url(record: DecisionRecord, suffix: str = "") -> str:
    return f"/decision-records/{record.id}{suffix}"


def test_awarding_locks_the_shortlist_comparison_and_evidence_in_the_same_transaction(app, awarded, commissioner):
    record, winner, _ = awarded

    assert record is not None and record.recorded_by_id == commissioner.id
    content = record.content
    assert content["decision"]["awarded_to"] == "Winner Museum"
    assert content["decision"]["note"] == "Best outcomes and price"
    assert [entry["name"] for entry in content["shortlist"]] == ["Winner Museum", "Runner-up Library"]
    assert content["comparison"]["columns"] == ["Winner Museum", "Runner-up Library"]
    assert "Safeguarding" in [row["heading"] for row in content["comparison"]["rows"]]
    documents = db.session.scalars(select(EvidenceDocument).where(EvidenceDocument.organisation_id == winner.id))
    expected = [(d.id, d.original_filename, d.sha256) for d in documents]
    held = content["evidence"][0]["organisations"][0]["documents"]
    assert [(d["id"], d["filename"], d["sha256"]) for d in held] == expected and expected
    assert record.content_sha256 == fingerprint(content)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "need.decision_recorded"))
    assert event.actor_id == commissioner.id and event.after["decision_record_id"] == record.id


def test_the_record_is_unchanged_after_the_providers_profile_changes(app, signed_in, awarded):
    record, winner, manager = awarded
    before = json.loads(json.dumps(record.content))
    old_sha = before["evidence"][0]["organisations"][0]["documents"][0]["sha256"]

    winner.name = "Renamed Museum"
    save_safeguarding(
        winner,
        user=manager,
        data={"policy_reviewed_on": today() - timedelta(days=2)},
        upload=file_storage(files.pdf(), "new-policy.pdf"),
    )
    db.session.commit()
    db.session.expire_all()

    record = db.session.get(DecisionRecord, record.id)
    assert record.content == before and record.content_sha256 == fingerprint(before)
    page = text_of(signed_in.get(_record_url(record)))
    assert "Winner Museum" in page and "Renamed Museum" not in page
    assert old_sha in page and "new-policy.pdf" not in page


def test_the_need_and_its_shortlist_link_to_the_decision_record(signed_in, awarded, need):
    record, _, _ = awarded
    for url in (f"/needs/{need.id}", f"/commissioner/needs/{need.id}/shortlist"):
        assert f'href="{_record_url(record)}"' in signed_in.get(url).get_data(as_text=True)


def test_the_csv_download_is_safe_to_open_in_a_spreadsheet(app, signed_in, need, commissioner):
    organisation, _ = make_ready_organisation('=HYPERLINK("http://evil.example")')
    response = make_response(need, organisation, status=ResponseStatus.SHORTLISTED)
    put_on_shortlist(need, organisation, response=response)
    award_need(need, response, commissioner=commissioner, note="@SUM(1+1)")

    download = signed_in.get(_record_url(need.decision_record, ".csv"))

    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    cells = [cell for row in csv.reader(io.StringIO(download.get_data(as_text=True))) for cell in row]
    assert "'@SUM(1+1)" in cells and '\'=HYPERLINK("http://evil.example")' in cells
    assert not any(cell.startswith(("=", "@", "+", "-")) for cell in cells)


def test_the_json_download_carries_the_record_and_its_fingerprint(signed_in, awarded):
    record, _, _ = awarded

    download = signed_in.get(_record_url(record, ".json"))

    data = json.loads(download.get_data(as_text=True))
    assert data["content"] == record.content and data["content_sha256"] == fingerprint(data["content"])


def test_only_the_bodys_commissioners_and_admins_can_read_the_record(app, awarded):
    record, _, _ = awarded
    other = factories.make_commissioner(factories.make_body("Leicester Children's Trust"), email="other@example.org")
    admin = factories.make_user(Role.ADMIN, email="admin@example.org")

    outsider, staff = FormClient(app.test_client()), FormClient(app.test_client())
    outsider.sign_in(other.email)
    staff.sign_in(admin.email)

    assert outsider.get(_record_url(record)).status_code == 404
    assert outsider.get(_record_url(record, ".csv")).status_code == 404
    assert "Winner Museum" in text_of(staff.get(_record_url(record)))
