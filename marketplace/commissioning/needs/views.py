"""Needs: the public opportunities board and need pages; the body's commissioners create, edit and publish."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.commissioning.access import acts_for_body, can_manage_need, can_view_need
from marketplace.commissioning.models import Need
from marketplace.commissioning.needs import bp, services
from marketplace.commissioning.needs.forms import NeedForm, board_choices, parse_board_filters
from marketplace.core.permissions import public, require_access, role_required
from marketplace.core.roles import Role
from marketplace.extensions import db


def _own_body():
    body = current_user.commissioning_body
    require_access(acts_for_body(current_user, body))
    return body


def _managed_need(need_id: int) -> Need:
    need = db.session.get(Need, need_id)
    require_access(need is not None and can_manage_need(current_user, need))
    return need


@bp.get("/needs")
@public
def board():
    filters, page = parse_board_filters(request.args)
    pagination = services.opportunities(filters, page)
    return render_template(
        "needs/board.html", pagination=pagination, filters=filters, choices=board_choices(), args=filters.as_args()
    )


@bp.get("/needs/<int:need_id>")
@public
def need(need_id: int):
    need = db.session.get(Need, need_id)
    require_access(need is not None and can_view_need(current_user, need))
    manages = can_manage_need(current_user, need)
    problems = services.publication_problems(need) if manages and need.status == "draft" else []
    return render_template("needs/need.html", need=need, manages=manages, problems=problems)


@bp.get("/commissioner/needs")
@role_required(Role.COMMISSIONER)
def index():
    body = _own_body()
    return render_template("needs/index.html", body=body, needs=services.needs_of(body))


@bp.route("/commissioner/needs/new", methods=["GET", "POST"])
@role_required(Role.COMMISSIONER)
def new():
    body = _own_body()
    form = NeedForm(body)
    if form.validate_on_submit():
        need = services.create_need(body, form.details(), actor=current_user)
        if request.form.get("then") == "publish":
            return _publish_new(need)
        flash("Need saved as a draft. Publish it when it is ready.", "success")
        return redirect(url_for("needs.need", need_id=need.id))
    return render_template("needs/new.html", form=form)


def _publish_new(need: Need):
    """ "Save and publish": publish the new draft and show its matches, the commissioner's next step.

    Publishing runs the same checks as the need page's "Publish need"; when one fails the draft stays saved and
    the need page lists what is missing.
    """
    try:
        services.publish_need(need, actor=current_user)
    except services.NeedStateError as error:
        for problem in error.problems:
            flash(problem, "error")
        return redirect(url_for("needs.need", need_id=need.id))
    flash("Need published on the opportunities board. Tick the matching providers you want to shortlist.", "success")
    return redirect(url_for("matching.need_matches", need_id=need.id))


@bp.route("/commissioner/needs/<int:need_id>/edit", methods=["GET", "POST"])
@role_required(Role.COMMISSIONER)
def edit(need_id: int):
    need = _managed_need(need_id)
    if need.status not in services.EDITABLE:
        flash(f"A {need.status} need cannot be changed", "error")
        return redirect(url_for("needs.need", need_id=need.id))
    form = NeedForm(need.body, need)
    if form.validate_on_submit():
        services.update_need(need, form.details(), actor=current_user)
        flash("Need saved", "success")
        return redirect(url_for("needs.need", need_id=need.id))
    return render_template("needs/edit.html", form=form, need=need)


def _transition(need_id: int, change, done: str):
    need = _managed_need(need_id)
    try:
        change(need, actor=current_user)
    except services.NeedStateError as error:
        for problem in error.problems:
            flash(problem, "error")
    else:
        flash(done, "success")
    return redirect(url_for("needs.need", need_id=need.id))


@bp.post("/commissioner/needs/<int:need_id>/publish")
@role_required(Role.COMMISSIONER)
def publish(need_id: int):
    return _transition(need_id, services.publish_need, "Need published on the opportunities board")


@bp.post("/commissioner/needs/<int:need_id>/close")
@role_required(Role.COMMISSIONER)
def close(need_id: int):
    return _transition(need_id, services.close_need, "Need closed: no more responses are accepted")


@bp.post("/commissioner/needs/<int:need_id>/cancel")
@role_required(Role.COMMISSIONER)
def cancel(need_id: int):
    return _transition(need_id, services.cancel_need, "Need cancelled: everyone who responded has been told")
