"""Outcomes frameworks of the commissioner's own body: list, import, view, map outcomes to ECM outcomes."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from marketplace.commissioning.access import acts_for_body
from marketplace.commissioning.frameworks import bp, services
from marketplace.commissioning.frameworks.forms import ImportFrameworkForm, MapOutcomeForm
from marketplace.commissioning.frameworks.importer import FrameworkFileError, read_framework_file
from marketplace.commissioning.models import FrameworkOutcome, OutcomesFramework
from marketplace.core.permissions import require_access, role_required
from marketplace.core.roles import Role
from marketplace.extensions import db


def _own_framework(framework_id: int) -> OutcomesFramework:
    framework = db.session.get(OutcomesFramework, framework_id)
    require_access(framework is not None and acts_for_body(current_user, framework.body))
    return framework


@bp.get("/commissioner/frameworks")
@role_required(Role.COMMISSIONER)
def index():
    body = current_user.commissioning_body
    require_access(acts_for_body(current_user, body))
    frameworks = services.frameworks_of(body)
    counts = {framework.id: services.framework_counts(framework) for framework in frameworks}
    return render_template("frameworks/index.html", body=body, frameworks=frameworks, counts=counts)


@bp.route("/commissioner/frameworks/import", methods=["GET", "POST"])
@role_required(Role.COMMISSIONER)
def import_framework():
    body = current_user.commissioning_body
    require_access(acts_for_body(current_user, body))
    form = ImportFrameworkForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.framework_file.data
        try:
            data = read_framework_file(upload.filename or "", upload.read(), name=form.name.data or "")
            framework = services.import_framework(body, data, actor=current_user)
        except FrameworkFileError as error:
            problems = error.problems
            noun = "problem" if len(problems) == 1 else "problems"
            form.framework_file.errors = [f"The file has {len(problems)} {noun} and was not imported"]
        else:
            flash(f"Imported {framework.name}", "success")
            return redirect(url_for("frameworks.framework", framework_id=framework.id))
    return render_template("frameworks/import_framework.html", form=form, problems=problems)


@bp.get("/commissioner/frameworks/<int:framework_id>")
@role_required(Role.COMMISSIONER)
def framework(framework_id: int):
    framework = _own_framework(framework_id)
    return render_template(
        "frameworks/framework.html", framework=framework, counts=services.framework_counts(framework)
    )


@bp.route(
    "/commissioner/frameworks/<int:framework_id>/outcomes/<int:framework_outcome_id>/map", methods=["GET", "POST"]
)
@role_required(Role.COMMISSIONER)
def map_outcome(framework_id: int, framework_outcome_id: int):
    framework = _own_framework(framework_id)
    outcome = db.session.get(FrameworkOutcome, framework_outcome_id)
    require_access(outcome is not None and outcome.aim.theme.framework_id == framework.id)
    form = MapOutcomeForm(data={"ecm_outcomes": [term.id for term in outcome.ecm_outcomes]})
    if form.validate_on_submit():
        services.map_outcome(outcome, form.ecm_outcomes.data or [], actor=current_user)
        flash(f"Saved the Every Child Matters outcomes for {outcome.title}", "success")
        return redirect(url_for("frameworks.framework", framework_id=framework.id, _anchor=f"outcome-{outcome.id}"))
    return render_template("frameworks/map_outcome.html", form=form, framework=framework, outcome=outcome)
