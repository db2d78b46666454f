"""The area overview's "What your body has commissioned here": live contracts per ECM outcome and service area,
counted for the viewer's own body only (contracts are private; none has a published summary to share)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from marketplace.commissioning.models import FrameworkAim, FrameworkOutcome, FrameworkTheme, OutcomesFramework
from marketplace.extensions import db
from marketplace.monitoring.models import Contract
from marketplace.reference.services import terms_by_code
from tests.factories import make_body, make_commissioner, make_need
from tests.lookups import locality
from tests.search.web.test_area_overview import CHESTERFIELD, DERBY, DERBYSHIRE, _csv, _ecm, _organisation, _row


def _contract(body, organisation, need=None, *, status: str = "active", framework_outcomes=()) -> Contract:
    contract = Contract(
        body=body,
        organisation=organisation,
        need=need,
        title="Private contract title",
        start_date=date(2026, 4, 1),
        end_date=date(2027, 3, 31),
        status=status,
        value_pence=9_999_900,
        framework_outcomes=list(framework_outcomes),
    )
    db.session.add(contract)
    db.session.commit()
    return contract


def _mapped_outcome(body, ecm_code: str) -> FrameworkOutcome:
    outcome = FrameworkOutcome(code="o1", title="Healthier children", position=0, ecm_outcomes=[_ecm(ecm_code)])
    aim = FrameworkAim(code="aim", title="Aim", outcomes=[outcome])
    framework = OutcomesFramework(body=body, name="Plan", themes=[FrameworkTheme(code="t", title="T", aims=[aim])])
    db.session.add(framework)
    db.session.commit()
    return outcome


@pytest.fixture
def contracts(app):
    """Derbyshire's live contracts in Chesterfield (one through its need, one through its provider), a closed one
    and one in Derby; and Derby City Council's live contract in Chesterfield."""
    museum = _organisation("Chesterfield Museum", CHESTERFIELD, [])
    derbyshire = make_body("Derbyshire Children's Services", locality=locality(DERBYSHIRE))
    derby = make_body("Derby City Council", ref="derby-city", locality=locality(DERBY))
    schools = terms_by_code("service_area")["schools-support"]
    here = make_need(derbyshire, localities=[locality(CHESTERFIELD)], outcomes=[_ecm("enjoy-and-achieve")])
    _contract(derbyshire, museum, here)
    nowhere = make_need(derbyshire, localities=[], outcomes=[], service_area=schools)
    _contract(derbyshire, museum, nowhere, framework_outcomes=[_mapped_outcome(derbyshire, "be-healthy")])
    _contract(derbyshire, museum, make_need(derbyshire, localities=[locality(CHESTERFIELD)]), status="closed")
    _contract(derbyshire, museum, make_need(derbyshire, localities=[locality(DERBY)], service_area=schools))
    private = make_need(derby, localities=[locality(CHESTERFIELD)], outcomes=[_ecm("stay-safe")])
    _contract(derby, museum, private)
    return (
        make_commissioner(derbyshire, email="commissioner@derbyshire.example"),
        make_commissioner(derby, email="commissioner@derby.example"),
    )


def test_own_live_contracts_serving_the_area_are_counted_per_outcome_and_service_area(client, contracts):
    derbyshire, _ = contracts
    client.sign_in(derbyshire.email)
    html = client.get(f"/commissioner/area?locality={CHESTERFIELD}").get_data(as_text=True)
    assert re.search(r'id="summary-contracts">2<', html)  # not the closed one, not the one in Derby
    assert _row(html, "contract-outcome-enjoy-and-achieve") == ["Enjoy and achieve", "1"]  # from the need
    assert _row(html, "contract-outcome-be-healthy")[1:] == ["1"]  # from the mapped framework outcome
    assert _row(html, "contract-outcome-stay-safe")[1:] == ["0"], "Derby City Council's contract is private"
    assert _row(html, "contract-service-area-schools-support")[1:] == ["1"]
    assert _row(html, "contract-service-area-short-breaks-for-disabled-children")[1:] == ["1"]
    svg = re.findall(r"<svg.*?</svg>", html, re.S)[1]
    assert 'aria-labelledby="contract-chart-title contract-chart-desc"' in svg
    assert "Your live contracts per Every Child Matters outcome in Chesterfield" in svg
    assert "Private contract title" not in html and "99,999" not in html, "counts only, never a contract"
    rows = _csv(client.get(f"/commissioner/area.csv?locality={CHESTERFIELD}"))
    assert ["Chesterfield (E07000034)", "Your live contracts: ECM outcome", "Enjoy and achieve", "", "1"] in rows
    assert ["Chesterfield (E07000034)", "Your live contracts: ECM outcome", "Stay safe", "", "0"] in rows


def test_another_body_sees_only_its_own_contract(client, contracts):
    _, derby = contracts
    client.sign_in(derby.email)
    html = client.get(f"/commissioner/area?locality={CHESTERFIELD}").get_data(as_text=True)
    assert re.search(r'id="summary-contracts">1<', html)
    assert _row(html, "contract-outcome-stay-safe")[1:] == ["1"]
    assert _row(html, "contract-outcome-enjoy-and-achieve")[1:] == ["0"]
    assert _row(html, "contract-outcome-be-healthy")[1:] == ["0"]
    assert "contract-service-area-schools-support" not in html


def test_a_body_without_contracts_here_sees_a_count_of_none_and_no_chart(client, contracts):
    derbyshire, _ = contracts
    client.sign_in(derbyshire.email)
    html = client.get("/commissioner/area?locality=E07000037").get_data(as_text=True)  # High Peak
    assert re.search(r'id="summary-contracts">0<', html)
    assert "contract-chart-title" not in html and 'id="contract-outcome-table"' not in html
