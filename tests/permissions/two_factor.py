"""Two-factor routes: the second sign-in step, set-up and status, recovery codes, turning it off."""

from __future__ import annotations

from tests.permissions.roles import everyone, signed_in

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    # Nobody in the walk is half-way through signing in: the second step sends them to sign in (or on, if signed in).
    ("accounts.two_factor_challenge", "GET"): everyone(302),
    ("accounts.two_factor_challenge", "POST"): everyone(400),
    # Staff have two-factor on (the status page); everyone else sees the set-up page.
    ("accounts.two_factor_setup", "GET"): signed_in(200),
    ("accounts.two_factor_setup", "POST"): signed_in(400),
    ("accounts.two_factor_recovery_codes", "POST"): signed_in(400),
    # Without two-factor there is nothing to turn off (sent to set-up); staff may never turn it off.
    ("accounts.two_factor_disable", "GET"): signed_in(302, assessor=403, admin=403),
    ("accounts.two_factor_disable", "POST"): signed_in(400),
}
