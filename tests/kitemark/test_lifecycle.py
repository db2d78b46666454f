"""The kitemark's life: in force for 12 months, lapses (expiry, safeguarding), reminders, suspension, search."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.core.clock import today
from marketplace.extensions import db
from marketplace.kitemark import services
from marketplace.kitemark.lifecycle import sweep
from marketplace.kitemark.models import KitemarkStatus
from marketplace.kitemark.status import current_award, is_kitemarked, kitemark_status, kitemarked_organisation_ids
from marketplace.search.engines.engine import SearchQuery, engine_for
from marketplace.search.index.sync import init_search_sync
from tests.client import error_summary, text_of
from tests.factories import awarded


def test_an_award_is_in_force_for_12_months_and_not_a_day_more(ready, assessor, set_today):
    organisation, provider = ready
    kitemark = awarded(organisation, provider, assessor)

    assert current_award(organisation).expires_on == kitemark.expires_on
    assert kitemarked_organisation_ids() == {organisation.id}
    assert kitemark_status(organisation).startswith("Kitemarked until")
    set_today(kitemark.expires_on)
    assert is_kitemarked(organisation)
    set_today(kitemark.expires_on + timedelta(days=1))
    assert current_award(organisation) is None and kitemarked_organisation_ids() == set()
    assert kitemark_status(organisation) == "Not kitemarked"


def test_the_sweep_lapses_an_expired_kitemark_once_and_tells_the_provider(ready, assessor, outbox, set_today):
    organisation, provider = ready
    kitemark = awarded(organisation, provider, assessor)
    organisation.safeguarding.policy_reviewed_on = kitemark.expires_on  # keep safeguarding out of it
    db.session.commit()
    day_after = kitemark.expires_on + timedelta(days=1)
    set_today(day_after)

    report = sweep(day_after)
    again = sweep(day_after)

    assert report.expired == [organisation.name] and again.expired == []
    assert kitemark.status == KitemarkStatus.LAPSED and "expired on" in kitemark.status_reason
    assert any(message["Subject"] == "Kitemark lapsed" for message in outbox if message["To"] == provider.email)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "kitemark.lapsed")).actor_id is None


def test_the_sweep_lapses_a_kitemark_when_the_safeguarding_policy_passes_its_review_date(ready, assessor):
    organisation, provider = ready
    kitemark = awarded(organisation, provider, assessor)
    organisation.safeguarding.policy_reviewed_on = today() - timedelta(days=400)
    db.session.commit()

    report = sweep(today())

    assert report.safeguarding == [organisation.name]
    assert (
        kitemark.status == KitemarkStatus.LAPSED and "safeguarding policy was due for review" in kitemark.status_reason
    )
    assert not is_kitemarked(organisation)


def test_renewal_reminders_go_60_and_30_days_ahead_once_each(ready, assessor, outbox):
    organisation, provider = ready
    kitemark = awarded(organisation, provider, assessor)
    expiry = kitemark.expires_on

    def reminders() -> int:
        return sum(1 for m in outbox if m["To"] == provider.email and m["Subject"].startswith("Your kitemark expires"))

    sweep(expiry - timedelta(days=61))
    assert reminders() == 0
    sweep(expiry - timedelta(days=60))
    sweep(expiry - timedelta(days=45))
    assert reminders() == 1
    sweep(expiry - timedelta(days=30))
    sweep(expiry - timedelta(days=2))
    assert reminders() == 2


def test_flask_kitemark_sweep_reports_what_it_did(app, ready, assessor):
    organisation, provider = ready
    kitemark = awarded(organisation, provider, assessor)
    on = (kitemark.expires_on - timedelta(days=30)).isoformat()

    result = CliRunner().invoke(app.cli, ["kitemark", "sweep", "--on", on], obj=None)

    assert result.exit_code == 0, result.output
    assert "1 renewal reminder(s) sent" in result.output


def test_suspension_takes_effect_at_once_and_reinstatement_needs_reasons(client, ready, assessor, outbox):
    organisation, provider = ready
    awarded(organisation, provider, assessor)
    url = f"/assessor/kitemark/organisations/{organisation.id}"
    client.sign_in(assessor.email)

    blank = client.submit(f"{url}/suspend", {"reasons": "  "}, page_url=url)
    assert blank.status_code == 400 and error_summary(blank) == ["Enter the reasons for suspending the kitemark"]
    client.submit(f"{url}/suspend", {"reasons": "Safeguarding complaint under investigation"}, page_url=url)

    assert not is_kitemarked(organisation) and organisation.id not in kitemarked_organisation_ids()
    assert 'id="kitemark-badge"' not in client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert organisation.name not in text_of(client.get("/kitemarked"))
    assert services.why_cannot_apply(organisation)[0].startswith("Your kitemark is suspended")
    suspended_mail = [m for m in outbox if m["To"] == provider.email and m["Subject"] == "Kitemark suspended"]
    assert "Safeguarding complaint under investigation" in suspended_mail[0].get_content()

    client.submit(f"{url}/reinstate", {"reasons": "Investigation closed with no findings"}, page_url=url)

    assert is_kitemarked(organisation)
    page = text_of(client.get(url))
    assert "Investigation closed with no findings" in page and "Safeguarding complaint under investigation" in page
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["kitemark.suspended", "kitemark.reinstated"]


def test_award_and_suspension_update_the_search_index(app, ready, assessor):
    organisation, provider = ready
    app.config["SEARCH_SYNC"] = True
    init_search_sync(app)
    engine = engine_for(app)
    engine.clear()  # only a rebuild creates an index; updates then follow each commit
    organisation.description = "Touch so the organisation is indexed"
    db.session.commit()

    def kitemarked_hits() -> list[str]:
        return engine.search(SearchQuery(filters={"kitemarked": {"true"}})).ids

    assert kitemarked_hits() == []
    awarded(organisation, provider, assessor)
    assert kitemarked_hits() == [f"org-{organisation.id}"]
    services.suspend_kitemark(organisation, assessor=assessor, reasons="Complaint")
    assert kitemarked_hits() == []
