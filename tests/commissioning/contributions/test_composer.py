"""The contribution composer: drafts built from what the provider cites, edited and saved; bad input refused."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from marketplace.commissioning.contributions.models import BodyContribution
from marketplace.directory.models import FrameworkStatement, OutcomeContribution
from marketplace.extensions import db
from tests import factories
from tests.client import error_summary, page_title, text_of
from tests.lookups import audit_events, term

INDEX = "/provider/contributions"


@pytest.fixture
def world(app):
    organisation = factories.make_organisation("Derby Museums")
    provider = factories.make_provider(organisation)
    offer = factories.make_offer(organisation, "Family Makers", age_min=5, age_max=11)
    evidence = factories.make_impact_evidence(
        organisation,
        "Making clubs evaluation",
        kind="evaluation",
        result="Nine in ten children said they felt more confident.",
        sample_size=40,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
    )
    outcome = term("ecm_outcome", "enjoy-and-achieve")
    organisation.outcome_contributions.append(
        OutcomeContribution(outcome=outcome, aims=[outcome.children[3]], statement="We run clubs.")
    )
    db.session.commit()
    body = factories.make_body("Derby City Council")
    framework = factories.make_framework(body, name="Children and Young People's Plan")
    return {
        "organisation": organisation,
        "provider": provider,
        "offer": offer,
        "evidence": evidence,
        "outcome": outcome,
        "body": body,
        "framework": framework,
    }


@pytest.fixture
def signed_in(client, world):
    client.sign_in(world["provider"].email)
    return client


def cite(world, **extra) -> dict:
    return {
        "offers": [str(world["offer"].id)],
        "outcomes": [str(world["outcome"].id)],
        "evidence": [str(world["evidence"].id)],
        **extra,
    }


# The MLA guide's statements ------------------------------------------------------------------------------------


def test_a_template_statement_is_drafted_from_what_is_cited_then_saved_as_edited(signed_in, world):
    url = f"{INDEX}/templates/local-area-agreement"
    index = signed_in.get(INDEX).get_data(as_text=True)
    current = re.findall(r'class="govuk-service-navigation__link" href="[^"]+" aria-current="page">(.*?)</a>', index)
    assert [re.sub(r"<[^>]+>", "", text).strip() for text in current] == ["Profile"]  # part of the profile area
    assert "Not written" in text_of(signed_in.get(INDEX))

    drafted = signed_in.submit(url, cite(world, draft="Write a draft from these"))

    assert drafted.status_code == 200
    draft = drafted.get_data(as_text=True)
    assert (
        "Derby Museums contributes to the aspirations of the Local Area Agreement by running Family Makers "
        "(ages 5 to 11). This helps children and young people to enjoy and achieve" in draft
    )
    assert "Our evaluation “Making clubs evaluation” (2024) with 40 participants found: Nine in ten" in draft
    assert db.session.scalars(select(FrameworkStatement)).all() == []  # a draft is not saved

    saved = signed_in.submit(url, cite(world, statement="Edited: we run Family Makers.", save="Save statement"))

    assert saved.status_code == 302
    statement = db.session.scalar(select(FrameworkStatement))
    assert (statement.framework.code, statement.statement) == ("local-area-agreement", "Edited: we run Family Makers.")
    assert "Edited: we run Family Makers." in text_of(signed_in.get(INDEX))


def test_an_unknown_template_is_not_found(signed_in):
    assert signed_in.get(f"{INDEX}/templates/not-a-framework").status_code == 404


# Statements for a body's framework ----------------------------------------------------------------------------


def test_a_body_statement_names_the_priority_and_keeps_what_it_cites(signed_in, world):
    outcome = world["framework"].themes[0].aims[0].outcomes[0]
    url = f"{INDEX}/bodies/{world['body'].id}"

    drafted = signed_in.submit(url, cite(world, target=f"o{outcome.id}", draft="Write a draft from these"))

    draft = drafted.get_data(as_text=True)
    assert (
        "Derby Museums contributes to Derby City Council&#39;s Children and Young People&#39;s Plan priority "
        "“Improved educational attainment” (aim “Improving achievement”, outcome “Outstanding teaching and "
        "learning”) by running Family Makers (ages 5 to 11)." in draft
    )
    assert "We can report against the measure “% achieving level 4 in English and maths" in draft

    saved = signed_in.submit(url, cite(world, target=f"o{outcome.id}", statement="Our clubs raise attainment."))

    assert saved.status_code == 302
    contribution = db.session.scalar(select(BodyContribution))
    assert contribution.body == world["body"]
    assert contribution.target_title == "Improved educational attainment › Improving achievement › " + outcome.title
    assert contribution.statement == "Our clubs raise attainment." and not contribution.is_public
    assert contribution.offers == [world["offer"]] and contribution.evidence == [world["evidence"]]
    assert [term.code for term in contribution.ecm_outcomes] == ["enjoy-and-achieve"]
    assert len(audit_events("contribution.saved")) == 1


def test_a_body_statement_is_edited_and_removed(signed_in, world):
    theme = world["framework"].themes[0]
    signed_in.submit(f"{INDEX}/bodies/{world['body'].id}", {"target": f"t{theme.id}", "statement": "First."})
    contribution = db.session.scalar(select(BodyContribution))
    url = f"{INDEX}/statements/{contribution.id}"
    assert "First." in text_of(signed_in.get(url))

    signed_in.submit(url, {"target": f"a{theme.aims[0].id}", "statement": "Second.", "is_public": "y"})

    db.session.refresh(contribution)
    assert (contribution.statement, contribution.aim, contribution.is_public) == ("Second.", theme.aims[0], True)
    assert contribution.offers == []

    signed_in.submit(f"{url}/remove", page_url=url)
    assert db.session.scalars(select(BodyContribution)).all() == []
    assert len(audit_events("contribution.removed")) == 1


def test_a_body_without_a_framework_cannot_be_written_for(signed_in, world):
    plain = factories.make_body("No Framework Council")
    assert signed_in.get(f"{INDEX}/bodies/{plain.id}").status_code == 404
    assert "No Framework Council" not in text_of(signed_in.get(INDEX))


def test_another_organisations_statement_is_not_found(client, world):
    theme = world["framework"].themes[0]
    contribution = BodyContribution(
        organisation=world["organisation"], body=world["body"], theme=theme, statement="Ours."
    )
    db.session.add(contribution)
    db.session.commit()
    client.sign_in(factories.make_provider().email)

    assert client.get(f"{INDEX}/statements/{contribution.id}").status_code == 404
    assert client.submit(f"{INDEX}/statements/{contribution.id}/remove", page_url=INDEX).status_code == 404
    assert db.session.get(BodyContribution, contribution.id) is not None


# Bad input ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"target": "", "statement": "We help."}, "Select which of their priorities it is about"),
        ({"target": "OTHER_BODY", "statement": "We help."}, "Select a priority from the list"),
        ({"target": "x1; drop table", "statement": "We help."}, "Select a priority from the list"),
        (
            {"target": "THEME", "statement": "  "},
            "Enter your statement, or tick what to cite and write a draft from it",
        ),
        ({"target": "THEME", "statement": "x" * 5001}, "Your statement must be 5,000 characters or fewer"),
        (
            {"target": "THEME", "statement": "We help.", "offers": ["OTHER_OFFER"]},
            "Select your own offers from the list",
        ),
        (
            {"target": "THEME", "statement": "We help.", "evidence": ["abc"]},
            "Select your own impact evidence from the list",
        ),
    ],
    ids=["no-target", "other-bodys-priority", "tampered-target", "blank", "too-long", "other-offer", "bad-evidence"],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(signed_in, world, fields, message):
    other = factories.make_framework(factories.make_body("Elsewhere Council"))
    other_offer = factories.make_offer(factories.make_organisation("Other Museum"), "Their tours")
    swap = {
        "THEME": f"t{world['framework'].themes[0].id}",
        "OTHER_BODY": f"t{other.themes[0].id}",
        "OTHER_OFFER": str(other_offer.id),
    }
    data = {
        key: [swap.get(v, v) for v in value] if isinstance(value, list) else swap.get(value, value)
        for key, value in fields.items()
    }

    response = signed_in.submit(f"{INDEX}/bodies/{world['body'].id}", data)

    assert response.status_code == 200
    assert message in error_summary(response)
    assert page_title(response).startswith("Error:")
    assert db.session.scalars(select(BodyContribution)).all() == []


def test_a_blank_template_statement_is_refused(signed_in, world):
    response = signed_in.submit(f"{INDEX}/templates/commissioning", {"statement": ""})

    assert error_summary(response) == ["Enter your statement, or tick what to cite and write a draft from it"]
    assert db.session.scalars(select(FrameworkStatement)).all() == []


def test_the_composer_works_without_javascript(signed_in, world):
    """Both steps are plain submit buttons in one form: no script is needed to draft or to save."""
    html = signed_in.get(f"{INDEX}/bodies/{world['body'].id}").get_data(as_text=True)
    start = html.index('name="target"')
    form = html[start : html.index("</form>", start)]
    assert 'name="draft"' in form and 'name="save"' in form and 'name="statement"' in form
