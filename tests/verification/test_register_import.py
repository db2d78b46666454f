"""``flask kitemark import-register``: an existing register loaded as an assessor's decisions (issue 12, item 4).

Every accepted row goes through the assessors' own services and is audited as the named assessor's decision;
refused rows are listed with their row number and reason; a dry run saves nothing; loading again changes nothing.
The sample in ``data/register_sample.csv`` is the format's example (see ``flask kitemark import-register --help``).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.core.clock import today
from marketplace.extensions import db
from marketplace.kitemark.models import Kitemark, KitemarkApplication
from marketplace.kitemark.services import kitemark_in_force, suspend_kitemark
from marketplace.kitemark.status import kitemark_status
from marketplace.verification.models import RequestReason, SafeguardingVerification, VerificationStatus
from tests.factories import make_organisation, make_provider, make_ready_organisation

SAMPLE = Path(__file__).parent / "data" / "register_sample.csv"
HEADER = "organisation_ref,scheme,decision_date,expires_on,safeguarding_verified_on\n"


@pytest.fixture
def register_orgs(app):
    peak, _ = make_ready_organisation("Peak Heritage Trust", ref="peak-heritage")
    derwent, _ = make_ready_organisation("Derwent Arts", ref="derwent-arts")
    return peak, derwent


def run(app, path: Path, *args: str):
    return app.test_cli_runner().invoke(args=["kitemark", "import-register", str(path), *args])


def write(tmp_path: Path, rows: str, name: str = "register.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_sample_register_records_good_rows_as_the_assessors_decisions_and_lists_refused_rows(
    app, register_orgs, assessor
):
    peak, derwent = register_orgs

    result = run(app, SAMPLE, "--assessor", assessor.email)

    assert result.exit_code == 0, result.output
    assert "2 row(s) recorded" in result.output
    assert "row 4: unknown organisation “nowhere-museum”" in result.output
    assert "row 5: unknown scheme “accredited”: use kitemark or safeguarding" in result.output
    assert "row 6: decision_date “2026-13-01” is not a date: write it as YYYY-MM-DD" in result.output
    assert "row 7: expires_on is not after decision_date" in result.output
    assert "row 8: duplicate of row 2 (kitemark for peak-heritage)" in result.output
    assert "5 row(s) refused" in result.output
    kitemark = kitemark_in_force(peak)
    assert (kitemark.awarded_on, kitemark.expires_on) == (date(2026, 3, 1), date(2029, 2, 28))
    assert kitemark.awarded_by_id == assessor.id
    assert peak.safeguarding.verified_at is not None  # the award verifies safeguarding, as every award does
    assert kitemark_in_force(derwent) is None
    verification = db.session.scalar(
        select(SafeguardingVerification).where(SafeguardingVerification.organisation_id == derwent.id)
    )
    assert verification.status == VerificationStatus.VERIFIED and verification.reason == RequestReason.REGISTER
    assert verification.decided_by_id == assessor.id and "register_sample.csv (row 3)" in verification.reasons
    assert derwent.safeguarding.verified_at is not None


def test_every_step_of_an_imported_row_is_audited_as_the_assessors(app, register_orgs, assessor):
    run(app, SAMPLE, "--assessor", assessor.email)

    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == assessor.id)).all()
    for action in (
        "kitemark.register_opened",
        "kitemark.assigned",
        "kitemark.no_conflict_declared",
        "kitemark.awarded",
        "verification.requested",
        "verification.assigned",
        "verification.verified",
    ):
        assert action in actions


def test_loading_the_same_register_again_records_nothing_twice(app, register_orgs, assessor):
    run(app, SAMPLE, "--assessor", assessor.email)
    counts = (_count(Kitemark), _count(KitemarkApplication), _count(SafeguardingVerification), _count(AuditEvent))

    again = run(app, SAMPLE, "--assessor", assessor.email)

    assert again.exit_code == 0, again.output
    assert "0 row(s) recorded" in again.output and "2 row(s) already recorded" in again.output
    assert (_count(Kitemark), _count(KitemarkApplication), _count(SafeguardingVerification)) == counts[:3]
    assert _count(AuditEvent) == counts[3]


def test_a_dry_run_reports_what_would_be_recorded_and_saves_nothing(app, register_orgs, assessor):
    result = run(app, SAMPLE, "--assessor", assessor.email, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "2 row(s) would be recorded (dry run: nothing saved)" in result.output
    assert "row 2: Peak Heritage Trust: kitemark from 1 March 2026 to 28 February 2029" in result.output
    assert "row 4: unknown organisation" in result.output
    assert _count(Kitemark) == 0 and _count(SafeguardingVerification) == 0


@pytest.mark.parametrize("role", ["provider", "unknown"])
def test_only_an_assessor_can_load_a_register(app, register_orgs, role):
    peak, _ = register_orgs
    email = make_provider(peak).email if role == "provider" else "nobody@example.org"

    result = run(app, SAMPLE, "--assessor", email)

    assert result.exit_code != 0
    assert f"{email} is not an active assessor" in result.output
    assert _count(Kitemark) == 0


def test_rows_breaking_the_rules_are_refused_with_plain_reasons(app, register_orgs, assessor, tmp_path):
    peak, derwent = register_orgs
    bare = make_organisation("Bare Gallery", ref="bare-gallery")
    past, soon = (today() - timedelta(days=400)).isoformat(), (today() + timedelta(days=30)).isoformat()
    run(
        app,
        write(tmp_path, f"peak-heritage,kitemark,{today().isoformat()},{soon},\n", "first.csv"),
        "--assessor",
        assessor.email,
    )
    suspend_kitemark(peak, assessor=assessor, reasons="Complaint under investigation")
    rows = (
        f"peak-heritage,kitemark,{past},{soon},\n"
        f"derwent-arts,kitemark,{past},{(today() - timedelta(days=1)).isoformat()},\n"
        f"derwent-arts,safeguarding,{(today() + timedelta(days=1)).isoformat()},,\n"
        f"bare-gallery,safeguarding,{past},,\n"
        f"bare-gallery,kitemark,{past},,\n"
    )

    result = run(app, write(tmp_path, rows), "--assessor", assessor.email)

    assert "row 2: the kitemark of Peak Heritage Trust is suspended" in result.output
    assert "row 3: the kitemark expired on" in result.output
    assert "row 4: decision_date" in result.output and "is in the future" in result.output
    assert "row 5: Bare Gallery has no safeguarding record here to verify" in result.output
    assert "row 6: expires_on missing: a kitemark row needs its expiry date" in result.output
    assert "0 row(s) recorded" in result.output
    assert kitemark_status(peak) != "Kitemarked" and bare.safeguarding is None


def test_an_out_of_date_safeguarding_policy_cannot_be_verified_from_a_register(app, register_orgs, assessor, tmp_path):
    _, derwent = register_orgs
    derwent.safeguarding.policy_reviewed_on = today() - timedelta(days=800)
    db.session.commit()

    result = run(
        app, write(tmp_path, f"derwent-arts,safeguarding,{today().isoformat()},,\n"), "--assessor", assessor.email
    )

    assert "row 2: Derwent Arts's safeguarding record cannot be verified" in result.output
    assert derwent.safeguarding.verified_at is None


def test_an_assessor_cannot_record_a_register_entry_for_their_own_organisation(app, register_orgs, assessor, tmp_path):
    peak, _ = register_orgs
    assessor.organisation = peak
    db.session.commit()

    result = run(app, write(tmp_path, "peak-heritage,kitemark,2026-03-01,2029-02-28,\n"), "--assessor", assessor.email)

    assert "row 2: You are a member of Peak Heritage Trust" in result.output
    assert kitemark_in_force(peak) is None


def test_a_json_register_is_read_like_the_csv(app, register_orgs, assessor, tmp_path):
    peak, _ = register_orgs
    path = tmp_path / "register.json"
    records = [
        {
            "organisation_ref": "peak-heritage",
            "scheme": "kitemark",
            "decision_date": "2026-03-01",
            "expires_on": "2029-02-28",
        },
        {"organisation_ref": "peak-heritage", "scheme": "kitemark", "decision_date": "2026-03-01", "colour": "blue"},
    ]
    path.write_text(json.dumps({"records": records}), encoding="utf-8")

    result = run(app, path, "--assessor", assessor.email)

    assert "1 row(s) recorded" in result.output and "row 2: unknown field colour" in result.output
    assert kitemark_in_force(peak).expires_on == date(2029, 2, 28)


def test_a_register_with_the_wrong_columns_is_refused_whole(app, assessor, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("ref,scheme,verified\npeak-heritage,kitemark,yes\n", encoding="utf-8")

    result = run(app, path, "--assessor", assessor.email)

    assert result.exit_code != 0
    assert "missing organisation_ref, decision_date; unknown ref, verified" in result.output
