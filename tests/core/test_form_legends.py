"""Every group of checkboxes, radios or date inputs is a fieldset with a visible legend naming the question.

Passing a ``fieldset`` param to the GOV.UK widgets replaces their default fieldset (whose legend is the field's
label), so a template that only sets the legend's classes renders a group with an empty legend.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from marketplace.directory.models import Consortium, ConsortiumMembership, ImpactEvidence, MembershipStatus
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code
from tests import factories
from tests.factories import make_framework

PROFILE_STEPS = ["basics", "localities", "ages-and-groups", "outcomes", "frameworks", "indicators", "value-for-money"]


class FieldsetLegends(HTMLParser):
    """Collects, for each ``<fieldset>`` in a page, the text of its own legend (None if it has none)."""

    def __init__(self) -> None:
        super().__init__()
        self.legends: list[str | None] = []
        self._open: list[int] = []  # indexes into ``legends`` of the fieldsets being read
        self._legend_of: int | None = None  # the fieldset whose legend is being read

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "fieldset":
            self._open.append(len(self.legends))
            self.legends.append(None)
        elif tag == "legend" and self._open and self.legends[self._open[-1]] is None:
            self._legend_of = self._open[-1]
            self.legends[self._legend_of] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "fieldset" and self._open:
            self._open.pop()
        elif tag == "legend":
            self._legend_of = None

    def handle_data(self, data: str) -> None:
        if self._legend_of is not None:
            self.legends[self._legend_of] += data


def fieldset_legends(html: str) -> list[str]:
    parser = FieldsetLegends()
    parser.feed(html)
    parser.close()
    return [" ".join((legend or "").split()) for legend in parser.legends]


def assert_every_fieldset_has_a_legend(client, url: str, *, expect_fieldsets: bool = True) -> None:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    legends = fieldset_legends(response.get_data(as_text=True))
    if expect_fieldsets:
        assert legends, f"{url} has no fieldsets"
    assert all(legends), f"{url} has a fieldset without a legend: {legends}"


@pytest.fixture
def provider(app):
    organisation = factories.make_organisation("Derby Museums")
    db.session.add(
        ImpactEvidence(
            organisation=organisation,
            title="Family art club evaluation",
            kind="evaluation",
            outcome=terms_by_code("ecm_outcome")["enjoy-and-achieve"],
        )
    )
    db.session.commit()
    return factories.make_provider(organisation)


@pytest.fixture
def provider_client(client, provider):
    client.sign_in(provider.email)
    return client


@pytest.fixture
def framework(app):
    """A framework of the commissioner's body, so the need form also shows its outcomes and measures."""
    return make_framework(factories.make_body("Derby Children's Services"))


@pytest.fixture
def commissioner_client(client, framework):
    client.sign_in(factories.make_commissioner(framework.body).email)
    return client


def test_the_offer_form_gives_every_group_a_legend(provider_client):
    assert_every_fieldset_has_a_legend(provider_client, "/provider/offers/new")


def test_the_need_form_gives_every_group_a_legend(commissioner_client):
    assert_every_fieldset_has_a_legend(commissioner_client, "/commissioner/needs/new")


def test_mapping_a_framework_outcome_gives_its_group_a_legend(commissioner_client, framework):
    outcome = framework.themes[0].aims[0].outcomes[0]
    assert_every_fieldset_has_a_legend(
        commissioner_client, f"/commissioner/frameworks/{framework.id}/outcomes/{outcome.id}/map"
    )


@pytest.mark.parametrize("step", PROFILE_STEPS)
def test_each_profile_step_gives_every_group_a_legend(provider_client, step):
    has_groups = step not in ("basics", "frameworks")
    assert_every_fieldset_has_a_legend(provider_client, f"/provider/profile/{step}", expect_fieldsets=has_groups)


@pytest.mark.parametrize(
    "url",
    ["/provider/evidence/safeguarding", "/provider/evidence/accreditations/new", "/provider/evidence/impact/new"],
)
def test_the_evidence_forms_give_every_group_a_legend(provider_client, url):
    assert_every_fieldset_has_a_legend(provider_client, url, expect_fieldsets=False)


def test_the_consortium_forms_give_every_group_a_legend(provider_client, provider):
    assert_every_fieldset_has_a_legend(provider_client, "/provider/consortia/new", expect_fieldsets=False)
    consortium = Consortium(name="Derby Culture Partners", lead_organisation=provider.organisation)
    consortium.memberships.append(
        ConsortiumMembership(organisation=provider.organisation, status=MembershipStatus.ACCEPTED)
    )
    db.session.add(consortium)
    db.session.commit()
    factories.make_organisation("Nottingham Contemporary")
    assert_every_fieldset_has_a_legend(
        provider_client, f"/provider/consortia/{consortium.id}/invite", expect_fieldsets=False
    )
