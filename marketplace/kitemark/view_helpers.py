"""Small view helpers shared by the kitemark and safeguarding verification pages (the same assessor rooms)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.core.permissions import require_access
from marketplace.directory.models import Organisation


def signed_in_user() -> Any:
    """The signed-in user itself (not the proxy), as the services record it as the actor."""
    return current_user._get_current_object()


def refused(error: Any, endpoint: str, **values: Any) -> Response:
    """A rule refused the change: show its ``message`` and go back to ``endpoint``."""
    flash(error.message, "error")
    return redirect(url_for(endpoint, **values))


def own_organisation() -> Organisation:
    """The signed-in provider's organisation; a provider without one has nothing here (404)."""
    organisation = current_user.organisation
    require_access(organisation is not None)
    return organisation
