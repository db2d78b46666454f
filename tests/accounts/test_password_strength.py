"""Password strength for people choosing a password: the service's own words (its name, its subject, the demo)
and the person's own email and name do not make a password strong; the demo loader's shared password is set
without this check, so the demo still signs in."""

from __future__ import annotations

import pytest

from marketplace.accounts.passwords import password_problem
from tests import factories
from tests.client import error_summary
from tests.factories import NEW_PASSWORD

TOO_EASY = "Password is too easy to guess. Use 3 or more random words, or a longer password"
SITE_WORD_PASSWORDS = ["Marketplace2026", "culture-demo-2026", "DemoCulture!2026", "Cultural Commissioning 2026"]


@pytest.mark.parametrize("password", SITE_WORD_PASSWORDS)
def test_passwords_made_of_the_sites_words_are_too_easy(app, password):
    assert password_problem(password, min_length=10) == TOO_EASY


def test_a_password_made_of_the_persons_own_name_and_email_is_too_easy(app):
    inputs = ["ada.lovelace@example.org", "Ada Lovelace"]

    assert password_problem("Lovelace.Ada.1815", min_length=10, user_inputs=inputs) == TOO_EASY


@pytest.mark.parametrize("password", [NEW_PASSWORD, factories.PASSWORD, "sunny culture parrot kettle"])
def test_random_words_are_still_accepted_even_with_a_site_word_among_them(app, password):
    assert password_problem(password, min_length=10) is None


@pytest.mark.parametrize("password", SITE_WORD_PASSWORDS[:2])
def test_the_change_password_form_refuses_site_words(client, password):
    user = factories.make_provider()
    client.sign_in(user.email)

    response = client.submit(
        "/account/",
        {"current_password": factories.PASSWORD, "password": password, "confirm_password": password},
    )

    assert response.status_code == 200
    assert error_summary(response) == [TOO_EASY]
