"""Who sees a statement written for a body: that body's commissioners first and marked; others what is public."""

from __future__ import annotations

import pytest

from marketplace.commissioning.contributions.models import BodyContribution
from marketplace.commissioning.shortlists.comparison import compare
from marketplace.core.roles import Role
from marketplace.directory.models import OrganisationStatus
from marketplace.extensions import db
from tests import factories
from tests.client import text_of
from tests.commissioning.shortlists.conftest import put_on_shortlist

MARK = "Written for your framework"


@pytest.fixture
def world(app):
    organisation = factories.make_organisation("Derby Museums", status=OrganisationStatus.PUBLISHED)
    derby, leicester = factories.make_body("Derby City Council"), factories.make_body("Leicester City Council")
    statements = {}
    for body, text, is_public in (
        (derby, "For Derby: our clubs raise attainment.", True),
        (derby, "For Derby only: our pricing for looked-after children.", False),
        (leicester, "For Leicester: our outreach in Beaumont Leys.", True),
    ):
        framework = factories.make_framework(body)
        statements[text] = BodyContribution(
            organisation=organisation, body=body, theme=framework.themes[0], statement=text, is_public=is_public
        )
        db.session.add(statements[text])
    db.session.commit()
    return {"organisation": organisation, "derby": derby, "leicester": leicester}


def profile(client, world) -> str:
    return client.get(f"/organisations/{world['organisation'].id}").get_data(as_text=True)


def test_the_public_sees_the_public_statements_without_a_mark(client, world):
    page = profile(client, world)

    assert "For Derby: our clubs raise attainment." in page
    assert "For Leicester: our outreach in Beaumont Leys." in page
    assert "For Derby only" not in page
    assert MARK not in page


def test_a_bodys_commissioners_see_its_statements_first_and_marked_including_private_ones(client, world):
    client.sign_in(factories.make_commissioner(world["derby"]).email)

    page = profile(client, world)

    assert page.count(MARK) == 2
    assert "For Derby only: our pricing for looked-after children." in page
    assert page.index("For Derby only") < page.index("For Leicester")  # Leicester's is shown after, unmarked


def test_another_bodys_commissioners_get_no_mark_on_derbys_and_not_its_private_one(client, world):
    client.sign_in(factories.make_commissioner(world["leicester"]).email)

    page = profile(client, world)

    assert "For Derby only" not in page
    assert page.count(MARK) == 1
    assert page.index("For Leicester") < page.index("For Derby: our clubs")  # their own first


def test_a_commissioner_waiting_for_approval_gets_no_private_statement(client, world):
    client.sign_in(factories.make_commissioner(world["derby"], approved=False).email)

    page = profile(client, world)

    assert "For Derby only" not in page and MARK not in page


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.ADMIN])
def test_staff_see_every_statement(client, world, role):
    client.sign_in(factories.make_user(role).email)
    assert "For Derby only" in profile(client, world)


def test_the_comparison_shows_only_what_was_written_for_the_needs_body(app, world):
    need = factories.make_need(world["derby"])
    put_on_shortlist(need, world["organisation"])
    other = factories.make_organisation("Quiet Gallery", status=OrganisationStatus.PUBLISHED)
    put_on_shortlist(need, other)

    table = compare(need)

    [row] = [row for row in table.rows if row.heading == "Contribution to Derby City Council's framework"]
    cells = [cell.text for cell in row.cells]
    assert "For Derby: our clubs raise attainment." in cells[0]
    assert "For Derby only: our pricing for looked-after children." in cells[0]
    assert "Leicester" not in cells[0]
    assert cells[1] == "None written"


def test_the_comparison_page_shows_the_row(client, world):
    need = factories.make_need(world["derby"])
    put_on_shortlist(need, world["organisation"])
    client.sign_in(factories.make_commissioner(world["derby"]).email)

    page = text_of(client.get(f"/commissioner/needs/{need.id}/compare"))

    assert "Contribution to Derby City Council's framework" in page
    assert "For Derby: our clubs raise attainment." in page
