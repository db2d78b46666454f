"""GOV.UK task list pattern (issue 17): "Save and continue" moves on to the next unfinished step; "Save and return
to your profile" still goes back to the task list; publishing links to the public profile."""

from __future__ import annotations

from marketplace.directory.models import OrganisationStatus
from marketplace.extensions import db
from tests.client import error_summary
from tests.directory.profiles.test_profile_steps import basics, locality
from tests.directory.profiles.test_publishing import complete_basics


def test_save_and_continue_goes_to_the_next_unfinished_step(signed_in, organisation):
    response = signed_in.submit("/provider/profile/basics", {**basics(), "then": "continue"})
    assert response.status_code == 302
    assert response.location == "/provider/profile/localities"


def test_save_and_continue_skips_steps_already_done(signed_in, organisation):
    organisation.age_min, organisation.age_max = 5, 16
    db.session.commit()
    data = {"localities": [str(locality("Derby").id)], "then": "continue"}
    response = signed_in.submit("/provider/profile/localities", data)
    assert response.location == "/provider/profile/outcomes"  # ages and groups are done


def test_save_and_continue_on_the_last_unfinished_step_goes_to_the_profile_to_publish(signed_in, organisation):
    data = {"full_cost_recovery": "yes", "unit_cost": "£12.50", "unit_cost_basis": "per participant"}
    response = signed_in.submit("/provider/profile/value-for-money", {**data, "then": "continue"})
    assert response.status_code == 302
    assert response.location == "/provider/profile"


def test_save_and_return_still_goes_to_the_task_list(signed_in, organisation):
    response = signed_in.submit("/provider/profile/basics", basics())
    assert response.location == "/provider/profile"


def test_bad_input_with_save_and_continue_stays_on_the_step_with_the_message(signed_in, organisation):
    response = signed_in.submit("/provider/profile/basics", {**basics(postcode="not a postcode"), "then": "continue"})
    assert response.status_code == 200
    assert error_summary(response)
    assert "Save and continue" in response.get_data(as_text=True)


def test_the_published_banner_links_to_the_public_profile(signed_in, organisation):
    complete_basics(organisation)
    response = signed_in.submit("/provider/profile/publish", page_url="/provider/profile", follow_redirects=True)
    assert organisation.status == OrganisationStatus.PUBLISHED
    assert f'href="/organisations/{organisation.id}">View your public profile</a>' in response.get_data(as_text=True)
