"""Who may use which view: declared once per view, enforced centrally before every request.

Every view carries a :class:`Permission` set by one of the decorators below (``public``, ``signed_in``,
``role_required``). :func:`enforce_view_permission` runs before each request and refuses any endpoint that
declares nothing, so a forgotten declaration fails closed. Object-level checks go through
:func:`require_access`, which answers 404 (hide the object) or 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Response, abort, current_app, request
from flask_login import current_user

from marketplace.core.roles import Role
from marketplace.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])

UNRESTRICTED_ENDPOINTS = frozenset({"static"})


@dataclass(frozen=True)
class Permission:
    """A view's access rule: whether sign-in is needed and which roles (if any) are allowed."""

    name: str
    requires_sign_in: bool
    roles: frozenset[Role] = frozenset()
    requires_approval: bool = True

    def allows(self, user: Any) -> bool:
        if not self.requires_sign_in:
            return True
        if not user.is_authenticated:
            return False
        if not self.roles:
            return True
        if user.role_enum not in self.roles:
            return False
        return not self.requires_approval or user.is_approved


PUBLIC = Permission("public", requires_sign_in=False)
SIGNED_IN = Permission("signed in", requires_sign_in=True)


def _declare(permission: Permission) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        view.permission = permission  # type: ignore[attr-defined]
        return view

    return decorator


def public(view: F) -> F:
    """Anyone, signed in or not."""
    return _declare(PUBLIC)(view)


def signed_in(view: F) -> F:
    """Any signed-in account, whatever its role or approval."""
    return _declare(SIGNED_IN)(view)


def role_required(*roles: Role, approved: bool = True) -> Callable[[F], F]:
    """Signed-in accounts with one of ``roles``; commissioners must also be approved unless ``approved=False``."""
    name = " or ".join(role.value for role in roles)
    return _declare(Permission(name, requires_sign_in=True, roles=frozenset(roles), requires_approval=approved))


def permission_for(endpoint: str) -> Permission | None:
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "permission", None)


def enforce_view_permission() -> Any:
    """``before_request`` hook: apply the current endpoint's declared permission."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in UNRESTRICTED_ENDPOINTS:
        return None
    permission = permission_for(endpoint)
    if permission is None:
        current_app.logger.error("Refusing %s: the view declares no permission", endpoint)
        abort(403)
    if permission.requires_sign_in and not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permission.allows(current_user):
        if current_user.role_enum is Role.COMMISSIONER and not current_user.is_approved:
            abort(403, description="Your commissioner account is waiting for approval by an administrator.")
        abort(403)
    return None


def forbid_storing_private_responses(response: Response) -> Response:
    """``after_request`` hook: a page or download that needs sign-in is never stored by a browser or proxy
    (``Cache-Control: no-store``), so a shared computer's back button or cache cannot show it to the next person.
    Public pages keep their caching as it is."""
    endpoint = request.endpoint
    permission = permission_for(endpoint) if endpoint and endpoint not in UNRESTRICTED_ENDPOINTS else None
    if permission is not None and permission.requires_sign_in:
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("ETag", None)
    return response


def require_access(allowed: bool, *, hide: bool = True) -> None:
    """Object-level check: 404 when the object's existence is itself private (``hide``), else 403."""
    if not allowed:
        abort(404 if hide else 403)
