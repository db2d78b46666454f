"""Registration: a provider's account with its new draft organisation, or a commissioner's account in a body.

It lives above accounts, directory and commissioning because it creates a user *and* an organisation or a body:
accounts stays a room about people (sign-in, passwords, invitations) that imports neither.
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.accounts.services import AccountError, admins, ensure_email_free, flush_new_user, normalise_email
from marketplace.audit.services import record_event
from marketplace.commissioning.bodies.services import body_lists_domain_of, email_domain_of
from marketplace.commissioning.models import CommissioningBody
from marketplace.core.clock import utcnow
from marketplace.core.roles import Role
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.notifications.services import notify, send_email


@dataclass
class Registration:
    name: str
    email: str
    password: str
    account_type: Role
    organisation_name: str = ""
    organisation_type_id: int | None = None
    commissioning_body_id: int | None = None
    new_body_name: str = ""
    new_body_kind_id: int | None = None
    registration_number: str = ""
    website: str = ""
    password_hash: str = ""  # set when the password was hashed earlier (a registration confirmed by email)
    email_confirmed: bool = False  # the address was confirmed by following an emailed link
    join_organisation_id: int | None = None  # asked to join this listed organisation instead of creating one


def register_user(registration: Registration) -> User:
    """Create a provider (with a new draft organisation they administer) or a commissioner awaiting approval."""
    ensure_email_free(registration.email)
    user = User(
        email=normalise_email(registration.email),
        name=registration.name.strip(),
        password_hash=registration.password_hash or hash_password(registration.password),
        role=registration.account_type.value,
        is_org_admin=True,
        password_changed_at=utcnow(),
    )
    if registration.account_type is Role.PROVIDER:
        user.organisation = Organisation(
            name=registration.organisation_name.strip(),
            organisation_type_id=registration.organisation_type_id,
            registration_number=registration.registration_number.strip(),
            website=registration.website.strip(),
        )
    elif registration.account_type is Role.COMMISSIONER:
        _attach_commissioning_body(user, registration)
    else:
        raise AccountError("Select provider or commissioner", "account_type")
    flush_new_user(user)
    record_event("account.registered", obj=user, actor=user, after={"email": user.email, "role": user.role})
    if user.role_enum is Role.COMMISSIONER and registration.email_confirmed:
        approve_by_email_domain(user)
    if user.role_enum is Role.COMMISSIONER and not user.is_approved:
        for admin in admins():
            notify(admin.id, f"{user.name} ({user.email}) asks for a commissioner account", "/admin/users?pending=1")
            send_email(
                admin.email,
                "A commissioner account is waiting for approval",
                f"{user.name} <{user.email}> registered for {user.membership_name}.\n"
                "Approve or refuse them on the users page of the marketplace.",
            )
    db.session.commit()
    return user


def approve_by_email_domain(user: User) -> None:
    """A commissioner joining an existing body with a confirmed address at one of its email domains is approved
    without an administrator (audited as an approval with no admin)."""
    body = user.commissioning_body
    if not body_lists_domain_of(body, user.email):
        return
    user.approved_at = utcnow()
    record_event(
        "account.approved",
        obj=user,
        actor=user,
        summary=f"Approved: confirmed address at an email domain of {body.name}",
        before={"approved": False},
        after={"approved": True, "by_email_domain": email_domain_of(user.email)},
    )


def _attach_commissioning_body(user: User, registration: Registration) -> None:
    if registration.commissioning_body_id:
        body = db.session.get(CommissioningBody, registration.commissioning_body_id)
        if body is None:
            raise AccountError("Select your commissioning body", "commissioning_body_id")
        user.commissioning_body = body
        # Joining an existing body: the body's own admins invite; a self-registrant is a plain member.
        user.is_org_admin = False
    elif registration.new_body_name.strip():
        user.commissioning_body = CommissioningBody(  # unlisted until an admin approves the registrant
            name=registration.new_body_name.strip(), kind_id=registration.new_body_kind_id, is_listed=False
        )
    else:
        raise AccountError(
            "Select your commissioning body, or enter its name if it is not listed", "commissioning_body_id"
        )
