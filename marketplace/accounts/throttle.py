"""Rate-limit keys for the account forms: what the form itself reads, never a second opinion of the request.

Flask-WTF fills a form from ``request.form`` or, failing that, from a JSON body; a key read from ``request.form``
alone was empty for a JSON sign-in, so the per-email limit never applied. These keys read the same data the form
validates, through Flask-WTF's own ``wrap_formdata``.
"""

from __future__ import annotations

from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto

from marketplace.accounts.services import normalise_email


def submitted_value(name: str) -> str:
    """The value of field ``name`` exactly as a FlaskForm of this request would receive it ('' if absent)."""
    try:
        formdata = FlaskForm.Meta().wrap_formdata(None, _Auto)
    except (TypeError, ValueError):  # a JSON body that is not an object: the form gets nothing either
        return ""
    value = formdata.get(name) if formdata is not None else None
    return value if isinstance(value, str) else ""


def sign_in_email_key() -> str:
    """One bucket per account, whichever address the attempts come from."""
    return "sign-in:" + normalise_email(submitted_value("email"))[:254]


def signed_in_user_key() -> str:
    """One bucket per signed-in account (password checks from a stolen session, whatever the address)."""
    return f"user:{getattr(current_user, 'id', None) or 'anonymous'}"
