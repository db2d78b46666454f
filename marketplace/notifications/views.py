"""In-app notifications page."""

from flask import redirect, render_template, url_for
from flask_login import current_user

from marketplace.core.permissions import signed_in
from marketplace.notifications import bp
from marketplace.notifications.services import mark_all_read, notifications_for


@bp.get("/")
@signed_in
def index():
    return render_template("notifications/index.html", notifications=notifications_for(current_user.id))


@bp.post("/read")
@signed_in
def mark_read():
    mark_all_read(current_user.id)
    return redirect(url_for("notifications.index"))
