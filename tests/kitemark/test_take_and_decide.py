"""An application nobody has taken yet can be assigned, declared and decided in one form (issue 17).

The three steps keep their own rules and audit events: the declaration is required, a member of the organisation
is refused, and an application someone else has taken cannot be decided this way.
"""

from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.kitemark import services
from marketplace.kitemark.models import ApplicationStatus, Kitemark
from tests.client import error_summary, text_of
from tests.factories import make_assessor
from tests.kitemark.test_review import actions, review_data


def _url(application) -> str:
    return f"/assessor/kitemark/applications/{application.id}"


def test_an_unassigned_application_is_assigned_declared_and_awarded_in_one_post(client, ready, assessor):
    organisation, provider = ready
    application = services.apply_for_kitemark(organisation, user=provider)
    client.sign_in(assessor.email)
    page = text_of(client.get(_url(application)))
    assert "I have no conflict of interest with this organisation" in page and "Record the decision" in page

    response = client.submit(
        f"{_url(application)}/take-and-decide", review_data(no_conflict="y"), page_url=_url(application)
    )

    assert response.status_code == 302
    db.session.refresh(application)
    assert application.assessor_id == assessor.id and application.no_conflict_declared_at is not None
    assert db.session.scalar(select(Kitemark).where(Kitemark.organisation_id == organisation.id)) is not None
    assert actions() == ["kitemark.applied", "kitemark.assigned", "kitemark.no_conflict_declared", "kitemark.awarded"]


def test_the_declaration_is_required(client, ready, assessor):
    organisation, provider = ready
    application = services.apply_for_kitemark(organisation, user=provider)
    client.sign_in(assessor.email)

    response = client.submit(f"{_url(application)}/take-and-decide", review_data(), page_url=_url(application))

    assert response.status_code == 400
    assert error_summary(response) == ["Declare that you have no conflict of interest before you decide"]
    db.session.refresh(application)
    assert application.assessor_id is None and application.status == ApplicationStatus.SUBMITTED
    assert actions() == ["kitemark.applied"]


def test_bad_review_input_is_refused_before_anything_is_assigned(client, ready, assessor):
    organisation, provider = ready
    application = services.apply_for_kitemark(organisation, user=provider)
    client.sign_in(assessor.email)
    data = review_data(no_conflict="y", reasons="")
    data.pop("decision")
    response = client.submit(f"{_url(application)}/take-and-decide", data, page_url=_url(application))
    assert response.status_code == 400
    assert "Select a decision" in error_summary(response)
    assert actions() == ["kitemark.applied"]


def test_an_application_someone_else_has_taken_cannot_be_decided_this_way(client, ready, assessor):
    organisation, provider = ready
    application = services.apply_for_kitemark(organisation, user=provider)
    other = make_assessor(name="Other Assessor")
    services.assign_application(application, assessor=other, by=other)
    client.sign_in(assessor.email)
    assert "I have no conflict of interest with this organisation" not in text_of(client.get(_url(application)))

    client.submit(f"{_url(application)}/take-and-decide", review_data(no_conflict="y"), page_url=_url(application))

    db.session.refresh(application)
    assert application.assessor_id == other.id and application.status == ApplicationStatus.IN_REVIEW
    assert db.session.scalar(select(Kitemark)) is None


def test_a_member_of_the_organisation_is_refused(client, ready):
    organisation, provider = ready
    insider = make_assessor(name="Inside Assessor", organisation=organisation)
    application = services.apply_for_kitemark(organisation, user=provider)
    client.sign_in(insider.email)
    assert "I have no conflict of interest with this organisation" not in text_of(client.get(_url(application)))

    client.submit(f"{_url(application)}/take-and-decide", review_data(no_conflict="y"), page_url="/assessor/kitemark")

    assert "you cannot" in text_of(client.get("/assessor/kitemark"))
    assert db.session.scalar(select(Kitemark)) is None


def test_assign_to_me_makes_the_declaration_in_the_same_post(client, ready, assessor):
    organisation, provider = ready
    application = services.apply_for_kitemark(organisation, user=provider)
    client.sign_in(assessor.email)
    url = _url(application)

    response = client.submit(f"{url}/take", {"declare_no_conflict": "y"}, page_url=url, follow_redirects=True)

    db.session.refresh(application)
    assert application.assessor_id == assessor.id and application.no_conflict_declared_at is not None
    assert "Record the decision" in text_of(response)  # the review form follows straight away
    assert actions() == ["kitemark.applied", "kitemark.assigned", "kitemark.no_conflict_declared"]


def test_assign_to_me_without_the_declaration_is_refused(client, ready, assessor):
    organisation, provider = ready
    application = services.apply_for_kitemark(organisation, user=provider)
    client.sign_in(assessor.email)

    response = client.submit(f"{_url(application)}/take", {}, page_url=_url(application))

    assert response.status_code == 400
    assert error_summary(response) == ["Declare that you have no conflict of interest before you take it"]
    db.session.refresh(application)
    assert application.assessor_id is None
