"""Foundation routes: public pages, accounts, admin, reference data, notifications, dashboards."""

from __future__ import annotations

from marketplace.accounts.services import invite_member
from tests.permissions.roles import GUEST_PAGE, everyone, only, signed_in

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("directory.home", "GET"): everyone(200),
    ("core.accessibility", "GET"): everyone(200),
    ("core.privacy", "GET"): everyone(200),
    ("core.dashboard", "GET"): signed_in(302, pending_commissioner=200),  # what happens next, not a redirect to a 403
    ("kitemark.assessor_home", "GET"): only("assessor"),
    ("admin.home", "GET"): only("admin"),
    ("accounts.sign_in", "GET"): GUEST_PAGE,
    ("accounts.sign_in", "POST"): everyone(400),
    ("registration.register", "GET"): GUEST_PAGE,
    ("registration.register", "POST"): everyone(400),
    ("accounts.sign_out", "POST"): signed_in(400),
    ("accounts.forgot_password", "GET"): everyone(200),
    ("accounts.forgot_password", "POST"): everyone(400),
    ("accounts.reset_password", "GET"): everyone(404),  # the walk uses an invalid token
    ("accounts.reset_password", "POST"): everyone(400),
    ("accounts.accept_invitation", "GET"): everyone(404),  # the walk uses an invalid token
    ("accounts.accept_invitation", "POST"): everyone(400),
    ("accounts.profile", "GET"): signed_in(200),
    ("accounts.profile", "POST"): signed_in(400),
    ("accounts.team", "GET"): signed_in(200, assessor=404, admin=404),
    ("accounts.team", "POST"): signed_in(400),
    ("accounts.revoke_invitation", "POST"): signed_in(400),
    ("accounts_admin.index", "GET"): only("admin"),
    ("accounts_admin.approve", "POST"): only("admin", status=400),
    ("accounts_admin.deactivate", "POST"): only("admin", status=400),
    ("accounts_admin.activate", "POST"): only("admin", status=400),
    ("accounts_admin.reset_two_factor", "POST"): only("admin", status=400),
    ("accounts_admin.invite_staff", "GET"): only("admin"),
    ("accounts_admin.invite_staff", "POST"): only("admin", status=400),
    ("reference.index", "GET"): only("admin"),
    ("reference.vocabulary", "GET"): only("admin"),
    ("reference.localities", "GET"): only("admin"),
    ("reference.import_localities", "GET"): only("admin"),
    ("reference.import_localities", "POST"): only("admin", status=400),
    ("directory.dashboard", "GET"): only("provider_a", "provider_b"),
    ("directory.organisation_list", "GET"): everyone(200),
    # Organisation A is a draft: only its members, assessors and admins may see it.
    ("directory.organisation", "GET"): {**everyone(404), "provider_a": 200, "assessor": 200, "admin": 200},
    ("commissioning.dashboard", "GET"): only("commissioner"),
    ("notifications.index", "GET"): signed_in(200),
    ("notifications.mark_read", "POST"): signed_in(400),
}


def make_url_args(users: dict) -> dict:
    invitation = invite_member(users["provider_a"], "new.colleague@example.org")
    return {
        "organisation_id": users["provider_a"].organisation_id,
        "user_id": users["pending_commissioner"].id,
        "invitation_id": invitation.id,
        "token": "not-a-valid-token",
        "key": "ecm_outcome",
    }
