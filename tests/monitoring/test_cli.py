"""``flask monitoring send-reminders``."""

from __future__ import annotations

from tests.factories import make_contract


def test_send_reminders_sends_each_reminder_once(app, body, manager, provider):
    make_contract(body, provider.organisation, manager=manager)
    runner = app.test_cli_runner()

    first = runner.invoke(args=["monitoring", "send-reminders", "--on", "2026-07-21"])
    again = runner.invoke(args=["monitoring", "send-reminders", "--on", "2026-07-21"])

    assert first.exit_code == 0 and first.output.strip() == "Sent 1 reminder"
    assert again.output.strip() == "Sent 0 reminders"


def test_a_review_without_consent_is_not_public(app, awarded, manager, provider):
    from marketplace.monitoring.reviews import close_out
    from tests.client import text_of

    close_out(awarded, summary="Private summary", actor=manager)
    page = text_of(app.test_client().get(f"/providers/{provider.organisation_id}/track-record"))
    assert "No published reviews yet" in page and "Private summary" not in page
