"""Two registrations with one email confirmed at the same moment: both pass the "is it free?" check, the unique
email column refuses the second, and it gets the same answer as any taken email instead of a 500."""

from __future__ import annotations

import pytest

from marketplace.accounts import services
from tests import factories
from tests.accounts.test_registration import REGISTER, provider_form
from tests.client import link_in, path_of, text_of
from tests.lookups import user_count


@pytest.fixture
def check_sees_nobody(monkeypatch):
    monkeypatch.setattr(services, "find_user_by_email", lambda email: None)


def test_a_registration_that_loses_the_race_for_an_email_gets_a_clean_answer(client, outbox, check_sees_nobody):
    client.submit(REGISTER, provider_form()).close()  # the link is emailed (once the response is sent); no account
    factories.make_user(email="ada@example.org")  # a concurrent registration confirmed first

    response = client.submit(path_of(link_in(outbox[-1])), {}, follow_redirects=True)

    assert response.status_code == 200
    assert "An account already exists for this email address" in text_of(response)
    assert user_count() == 1


def test_accepting_an_invitation_that_loses_the_race_is_refused_cleanly(app, check_sees_nobody):
    inviter = factories.make_provider(is_org_admin=True)
    invitation = services.invite_member(inviter, "colleague@example.org")
    factories.make_user(email="colleague@example.org")

    with pytest.raises(services.AccountError) as caught:
        services.accept_invitation(invitation, name="Colin", password="velvet orbit lantern kestrel")

    assert caught.value.field == "email"
