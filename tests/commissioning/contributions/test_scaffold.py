"""The drafts: every MLA template starts from the organisation's name, never the guide's placeholder."""

from __future__ import annotations

from marketplace.commissioning.contributions.scaffold import offers_phrase, template_draft
from marketplace.directory.models import Offer, Organisation
from marketplace.directory.services import active_terms


def test_every_template_is_drafted_with_the_organisations_name_and_offers(app):
    organisation = Organisation(name="Derby Museums")
    offers = [Offer(title="Family Makers"), Offer(title="Story Time", age_min=3)]

    templates = active_terms("contribution_framework")
    drafts = [template_draft(framework, organisation, offers=offers) for framework in templates]

    assert len(drafts) == 12
    for draft in drafts:
        assert draft.startswith("Derby Museums ")
        assert "insert name" not in draft and "for example" not in draft
        assert "running Family Makers and Story Time (ages 3 and over)" in draft


def test_nothing_cited_leaves_the_templates_gap_to_fill():
    assert offers_phrase([]) == "…"
