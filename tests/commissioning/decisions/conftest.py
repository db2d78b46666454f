"""Decision record fixtures: the shortlist's (a body, its approved commissioner signed in, an open need)."""

from tests.commissioning.shortlists.conftest import body, commissioner, need, signed_in  # noqa: F401
