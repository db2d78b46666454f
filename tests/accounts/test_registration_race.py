"""Two registrations with one email at the same moment: both pass the "is it free?" check, the unique email
column refuses the second, and it gets the same answer as any taken email instead of a 500."""

from __future__ import annotations

import pytest

from marketplace.accounts import services
from tests import factories
from tests.accounts.test_registration import REGISTER, field_errors, provider_form
from tests.lookups import user_count


@pytest.fixture
def check_sees_nobody(monkeypatch):
    monkeypatch.setattr(services, "find_user_by_email", lambda email: None)


def test_a_registration_that_loses_the_race_for_an_email_gets_a_clean_answer(client, check_sees_nobody):
    factories.make_user(email="ada@example.org")  # the concurrent request that committed first

    response = client.submit(REGISTER, provider_form())

    assert response.status_code == 200
    assert "An account already exists for this email address" in field_errors(response)
    assert user_count() == 1


def test_accepting_an_invitation_that_loses_the_race_is_refused_cleanly(app, check_sees_nobody):
    inviter = factories.make_provider(is_org_admin=True)
    invitation = services.invite_member(inviter, "colleague@example.org")
    factories.make_user(email="colleague@example.org")

    with pytest.raises(services.AccountError) as caught:
        services.accept_invitation(invitation, name="Colin", password="velvet orbit lantern kestrel")

    assert caught.value.field == "email"
