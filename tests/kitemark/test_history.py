"""The kitemark history is read from the audit log: every step in words, newest first, with its reasons."""

from __future__ import annotations

from marketplace.audit.models import AuditEvent
from marketplace.extensions import db
from marketplace.kitemark import services
from marketplace.kitemark.checklist import CHECKLIST_KEYS, ITEM_NAMES
from marketplace.kitemark.history import history
from marketplace.kitemark.models import Decision
from tests.client import FormClient, text_of
from tests.factories import all_verified, awarded, make_assessor


def _one_failed(note: str) -> dict[str, services.CheckResult]:
    results = all_verified()
    results[CHECKLIST_KEYS[0]] = services.CheckResult(False, note)
    return results


def test_every_step_appears_in_words_newest_first_with_its_reasons(ready, assessor):
    organisation, provider = ready
    backup = make_assessor(name="Bea Backup")
    application = services.apply_for_kitemark(organisation, user=provider)
    services.assign_application(application, assessor=assessor, by=assessor)
    services.declare_conflict(application, assessor=assessor, note="I am one of its trustees")
    services.assign_application(application, assessor=backup, by=assessor)
    services.declare_no_conflict(application, assessor=backup)
    services.decide_application(
        application,
        assessor=backup,
        results=_one_failed("Upload the 2026 policy"),
        decision="changes_requested",
        reasons="One item to fix",
    )
    services.resubmit_application(application, user=provider)
    services.decide_application(
        application, assessor=backup, results=all_verified(), decision=Decision.AWARD, reasons="All good now"
    )
    services.suspend_kitemark(organisation, assessor=backup, reasons="A complaint to look into")

    entries = history(organisation)

    assert [entry.summary for entry in reversed(entries)] == [
        f"{provider.name} applied for the kitemark",
        "Assigned to Ada Assessor by Ada Assessor",
        "Ada Assessor declared a conflict of interest and stepped aside",
        "Assigned to Bea Backup by Ada Assessor",
        "Bea Backup declared no conflict of interest",
        "Request changes: decided by Bea Backup",
        f"{provider.name} resubmitted the application",
        "Award the kitemark: decided by Bea Backup",
        "Kitemark suspended by Bea Backup",
    ]
    reasons = {entry.summary: entry.reasons for entry in entries}
    assert reasons["Ada Assessor declared a conflict of interest and stepped aside"] == "I am one of its trustees"
    assert reasons["Kitemark suspended by Bea Backup"] == "A complaint to look into"
    changes = next(entry for entry in entries if entry.summary.startswith("Request changes"))
    assert changes.reasons == "One item to fix"
    assert changes.checks[CHECKLIST_KEYS[0]] == {"verified": False, "note": "Upload the 2026 policy"}


def test_a_step_without_an_actor_reads_without_a_name(ready, assessor):
    organisation, provider = ready
    kitemark = awarded(organisation, provider, assessor)

    services.lapse_kitemark(kitemark, reason="The kitemark expired")

    latest = history(organisation)[0]
    assert (latest.summary, latest.reasons) == ("Kitemark lapsed", "The kitemark expired")


def test_the_history_shows_only_the_organisations_own_steps(ready, assessor):
    organisation, provider = ready
    awarded(organisation, provider, assessor)
    other = make_assessor(name="Other Assessor")
    db.session.add(AuditEvent(action="kitemark.applied", object_type="KitemarkApplication", object_id="999"))
    db.session.add(AuditEvent(action="organisation.updated", object_type="Organisation", object_id=str(other.id)))
    db.session.commit()

    assert len(history(organisation)) == 4  # applied, assigned, no conflict declared, awarded


def test_the_provider_and_assessor_pages_show_the_history_from_the_audit_log(app, client, ready, assessor):
    organisation, provider = ready
    application = services.apply_for_kitemark(organisation, user=provider)
    services.assign_application(application, assessor=assessor, by=assessor)
    services.declare_no_conflict(application, assessor=assessor)
    services.decide_application(
        application,
        assessor=assessor,
        results=_one_failed("Upload the 2026 policy"),
        decision=Decision.CHANGES,
        reasons="One item to fix",
    )

    client.sign_in(provider.email)
    page = text_of(client.get("/provider/kitemark"))
    assert "Request changes: decided by Ada Assessor" in page
    assert "One item to fix" in page
    assert f"{ITEM_NAMES[CHECKLIST_KEYS[0]]}: Upload the 2026 policy" in page
    assessor_client = FormClient(app.test_client())
    assessor_client.sign_in(assessor.email)
    review = text_of(assessor_client.get(f"/assessor/kitemark/applications/{application.id}"))
    assert "Ada Assessor declared no conflict of interest" in review
