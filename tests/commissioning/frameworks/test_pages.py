"""Framework pages: import by upload, the framework tree, mapping outcomes to ECM outcomes, and who may use them."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.commissioning.models import OutcomesFramework
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code
from tests.client import error_summary, text_of
from tests.factories import make_body, make_commissioner, make_framework

DATA = Path(__file__).resolve().parents[3] / "marketplace" / "demo" / "data"
IMPORT_URL = "/commissioner/frameworks/import"


def _upload(client, filename: str, content: bytes, name: str = ""):
    return client.submit(
        IMPORT_URL,
        {"framework_file": (io.BytesIO(content), filename), "name": name},
        content_type="multipart/form-data",
    )


def test_a_commissioner_imports_the_council_framework_and_sees_its_tree(client, app):
    commissioner = make_commissioner(make_body("Derby Children's Services"))
    client.sign_in(commissioner.email)
    response = _upload(client, "framework_council.json", (DATA / "framework_council.json").read_bytes())
    framework = db.session.scalar(select(OutcomesFramework))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/commissioner/frameworks/{framework.id}")

    page = text_of(client.get(f"/commissioner/frameworks/{framework.id}"))
    assert "Improved educational attainment" in page
    assert "Well led and managed schools" in page
    assert "Improving trajectory – every school a good school" in page
    assert "Cross-cutting priorities" in page
    assert framework.name in text_of(client.get("/commissioner/frameworks"))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "framework.imported")).actor_id == (
        commissioner.id
    )


def test_a_csv_upload_needs_a_name(client, app):
    client.sign_in(make_commissioner().email)
    response = _upload(client, "framework_council.csv", (DATA / "framework_council.csv").read_bytes())
    assert response.status_code == 200
    assert error_summary(response) == ["The file has 1 problem and was not imported"]
    assert "Enter a name for the framework (a CSV file does not include one)" in text_of(response)

    response = _upload(client, "framework_council.csv", (DATA / "framework_council.csv").read_bytes(), name="Ours")
    assert response.status_code == 302
    assert db.session.scalar(select(OutcomesFramework.name)) == "Ours"


def test_an_invalid_upload_lists_every_problem_and_saves_nothing(client, app):
    client.sign_in(make_commissioner().email)
    header = b"theme,aim,outcome,measure,current_position,target,timescale,lead,ecm_outcomes\n"
    response = _upload(client, "bad.csv", header + b",Aim,Outcome,M,,,,,\nT,A,O,M,,,,,nope\n", name="Bad")
    assert error_summary(response) == ["The file has 2 problems and was not imported"]
    page = text_of(response)
    assert "Line 2: theme is empty" in page
    assert "Line 3: ecm_outcomes: unknown Every Child Matters outcome code nope" in page
    assert page.startswith("Error:")
    assert db.session.scalar(select(func.count()).select_from(OutcomesFramework)) == 0


def test_an_upload_without_a_file_is_refused(client, app):
    client.sign_in(make_commissioner().email)
    response = client.submit(IMPORT_URL, {"name": "X"}, content_type="multipart/form-data")
    assert error_summary(response) == ["Select a JSON or CSV file"]


def test_mapping_an_outcome_to_ecm_outcomes(client, app):
    body = make_body()
    client.sign_in(make_commissioner(body).email)
    framework = make_framework(body)
    outcome = framework.themes[0].aims[0].outcomes[0]
    ecm = terms_by_code("ecm_outcome")
    url = f"/commissioner/frameworks/{framework.id}/outcomes/{outcome.id}/map"

    response = client.submit(url, {"ecm_outcomes": [str(ecm["be-healthy"].id), str(ecm["stay-safe"].id)]})
    assert response.status_code == 302
    assert sorted(term.code for term in outcome.ecm_outcomes) == ["be-healthy", "stay-safe"]
    assert "Be healthy" in text_of(client.get(f"/commissioner/frameworks/{framework.id}"))

    response = client.submit(url, {"ecm_outcomes": ["999999"]})
    assert error_summary(response) == ["Select outcomes from the list"]
    assert sorted(term.code for term in outcome.ecm_outcomes) == ["be-healthy", "stay-safe"]


def test_another_bodys_commissioner_cannot_see_or_map_a_framework(client, app):
    framework = make_framework(make_body())
    outcome = framework.themes[0].aims[0].outcomes[0]
    client.sign_in(make_commissioner(make_body()).email)
    url = f"/commissioner/frameworks/{framework.id}/outcomes/{outcome.id}/map"
    assert client.get(f"/commissioner/frameworks/{framework.id}").status_code == 404
    assert client.get(url).status_code == 404
    token = client.csrf_token("/commissioner/frameworks")
    ecm = terms_by_code("ecm_outcome")["be-healthy"]
    response = client.post(url, data={"csrf_token": token, "ecm_outcomes": [str(ecm.id)]})
    assert response.status_code == 404
    assert [term.code for term in outcome.ecm_outcomes] == ["enjoy-and-achieve"]
    assert framework.name not in text_of(client.get("/commissioner/frameworks"))


def test_an_outcome_of_another_framework_is_not_found_under_this_one(client, app):
    body = make_body()
    client.sign_in(make_commissioner(body).email)
    mine = make_framework(body)
    other = make_framework(make_body())
    other_outcome = other.themes[0].aims[0].outcomes[0]
    assert client.get(f"/commissioner/frameworks/{mine.id}/outcomes/{other_outcome.id}/map").status_code == 404


def test_a_pending_commissioner_is_refused(client, app):
    body = make_body()
    framework = make_framework(body)
    client.sign_in(make_commissioner(body, approved=False).email)
    assert client.get(f"/commissioner/frameworks/{framework.id}").status_code == 403
    assert client.get(IMPORT_URL).status_code == 403
