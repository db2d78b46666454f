"""Monitoring pages for both sides of a contract: the contract, returns, measures, ratings, challenge, close-out.

Portfolio, roll-up, board report and exports are in :mod:`marketplace.monitoring.report_views`.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from marketplace.commissioning.access import acts_for_body
from marketplace.commissioning.frameworks.labels import read_period, read_reading
from marketplace.commissioning.frameworks.services import all_outcomes, frameworks_of
from marketplace.commissioning.models import FrameworkMeasure
from marketplace.commissioning.needs.forms import framework_choices
from marketplace.core.permissions import require_access, role_required, signed_in
from marketplace.core.roles import Role
from marketplace.directory.models import Consortium, Organisation
from marketplace.extensions import db
from marketplace.monitoring import access, bp, forms, presenters, queries, ratings, returns, reviews, services
from marketplace.monitoring.models import Contract, ContractMeasure, MeasureRating, PerformanceReturn
from marketplace.monitoring.schedule import Period

bp.context_processor(presenters.template_helpers)


def _contract(contract_id: int, allowed=access.can_view_contract) -> Contract:
    contract = db.session.get(Contract, contract_id)
    require_access(contract is not None and allowed(current_user, contract))
    return contract


def _period(contract: Contract, number: int) -> Period:
    period = returns.period_of(contract, number)
    if period is None:
        abort(404)
    return period


@bp.get("/provider/contracts")
@role_required(Role.PROVIDER)
def provider_contracts():
    contracts = services.contracts_of_organisation(current_user.organisation_id) if current_user.organisation_id else []
    return render_template("monitoring/provider_contracts.html", rows=queries.contract_rows(contracts))


@bp.get("/contracts/<int:contract_id>")
@signed_in
def contract(contract_id: int):
    contract = _contract(contract_id)
    charts = []
    for measure in contract.measures:
        points = presenters.trend(contract, measure)
        charts.append((measure, points, presenters.trend_chart(measure, points, chart_id=f"trend-{measure.id}")))
    return render_template(
        "monitoring/contract.html",
        contract=contract,
        schedule=returns.schedule_of(contract),
        charts=charts,
        latest=ratings.latest_statuses(contract),
        is_manager=access.can_manage_contract(current_user, contract),
        reports=access.reports_for(current_user, contract),
        can_challenge=access.can_challenge(current_user, contract),
    )


@bp.route("/commissioner/contracts/new", methods=["GET", "POST"])
@role_required(Role.COMMISSIONER)
def new_contract():
    body = current_user.commissioning_body
    require_access(acts_for_body(current_user, body))
    form = forms.ExistingContractForm()
    _contract_choices(form, body)
    if form.validate_on_submit():
        details = services.ContractDetails(
            title=form.title.data,
            organisation=db.session.get(Organisation, form.organisation_id.data),
            consortium=db.session.get(Consortium, form.consortium_id.data) if form.consortium_id.data else None,
            start_date=form.start_date.data,
            end_date=form.end_date.data,
            reporting_frequency=form.reporting_frequency.data,
            value_pence=form.value.data,
            framework_outcomes=[o for o in _body_outcomes(body) if o.id in set(form.framework_outcomes.data or [])],
        )
        try:
            contract = services.record_existing_contract(body, details, actor=current_user)
        except services.ContractError as error:
            form.consortium_id.errors.append(str(error))
        else:
            flash(f"Recorded {contract.title}", "success")
            return redirect(url_for("monitoring.contract", contract_id=contract.id))
    return render_template("monitoring/new_contract.html", form=form)


def _body_outcomes(body):
    return [outcome for framework in frameworks_of(body) for outcome in all_outcomes(framework)]


def _contract_choices(form: forms.ExistingContractForm, body) -> None:
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name))
    form.organisation_id.choices = forms.choices([(0, "Select a provider")] + [(o.id, o.name) for o in organisations])
    consortia = db.session.scalars(select(Consortium).order_by(Consortium.name))
    form.consortium_id.choices = forms.choices([(0, "None")] + [(c.id, c.name) for c in consortia])
    form.framework_outcomes.choices = framework_choices(body)[0]
    if form.is_submitted() and form.organisation_id.data == 0:
        form.organisation_id.data = None


@bp.route("/contracts/<int:contract_id>/measures/new", methods=["GET", "POST"])
@role_required(Role.COMMISSIONER)
def add_measure(contract_id: int):
    contract = _contract(contract_id, access.can_manage_contract)
    form = forms.MeasureForm()
    form.framework_measure_id.choices = forms.choices([(0, "None")]) + [c for c in framework_choices(contract.body)[1]]
    if form.validate_on_submit():
        try:
            services.add_measure(contract, _measure_from(form), actor=current_user)
        except services.ContractError as error:
            form.framework_measure_id.errors.append(str(error))
        else:
            flash("Measure added", "success")
            return redirect(url_for("monitoring.contract", contract_id=contract.id, _anchor="measures"))
    return render_template("monitoring/add_measure.html", form=form, contract=contract)


def _measure_from(form: forms.MeasureForm) -> ContractMeasure:
    framework_measure = (
        db.session.get(FrameworkMeasure, form.framework_measure_id.data) if form.framework_measure_id.data else None
    )
    measure = (
        services.measure_from_framework(framework_measure, kind=form.kind.data)
        if framework_measure
        else ContractMeasure(kind=form.kind.data)
    )
    measure.title = form.title.data or measure.title
    baseline, target = read_reading(form.baseline.data or ""), read_reading(form.target.data or "")
    if form.baseline.data:
        measure.baseline_value, measure.baseline_state, measure.baseline_text = (
            baseline.value,
            baseline.state,
            form.baseline.data,
        )
    if form.target.data:
        measure.target_value, measure.target_state, measure.target_text = target.value, target.state, form.target.data
    measure.unit = form.unit.data or baseline.unit or target.unit or measure.unit or ""
    measure.direction = form.direction.data or measure.direction or ""
    measure.baseline_period = read_period(form.baseline_period.data or "") or measure.baseline_period or ""
    measure.target_period = read_period(form.target_period.data or "") or measure.target_period or ""
    if form.tolerance.data:
        measure.tolerance = float(form.tolerance.data.rstrip("%"))
    return measure


# Returns -------------------------------------------------------------------------------------------------------------


@bp.get("/contracts/<int:contract_id>/periods/<int:number>")
@signed_in
def period(contract_id: int, number: int):
    contract = _contract(contract_id)
    period = _period(contract, number)
    return render_template(
        "monitoring/period.html",
        contract=contract,
        period=period,
        versions=list(reversed(returns.versions_of(contract, period))),
        is_manager=access.can_manage_contract(current_user, contract),
        reports=access.reports_for(current_user, contract),
    )


def _return_form(contract: Contract, *, correction: bool, data: dict | None = None):
    form = forms.return_form(contract.measures, correction=correction, data=data)
    form.evidence.choices = forms.choices((item.id, item.title) for item in contract.organisation.impact_evidence)
    return form


def _details(form) -> returns.ReturnDetails:
    figures = {}
    for measure, field in form.figure_fields():
        value, state = field.figure
        if value is not None or state:
            figures[measure.id] = returns.Figure(value=value, state=state)
    return returns.ReturnDetails(
        figures=figures,
        story=form.story.data,
        needs_help=form.needs_help.data,
        help_note=form.help_note.data or "",
        evidence_ids=tuple(form.evidence.data or ()),
    )


@bp.route("/contracts/<int:contract_id>/periods/<int:number>/return", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
def submit_return(contract_id: int, number: int):
    contract = _contract(contract_id, access.reports_for)
    period = _period(contract, number)
    form = _return_form(contract, correction=False)
    if form.validate_on_submit():
        try:
            returns.submit_return(contract, period, _details(form), actor=current_user)
        except returns.ReturnError as error:
            form.story.errors.append(str(error))
        else:
            flash(f"Return for {period.label} submitted", "success")
            return redirect(url_for("monitoring.period", contract_id=contract.id, number=number))
    return render_template("monitoring/return_form.html", form=form, contract=contract, period=period, correction=False)


@bp.route("/contracts/<int:contract_id>/periods/<int:number>/correction", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
def correct_return(contract_id: int, number: int):
    contract = _contract(contract_id, access.reports_for)
    period = _period(contract, number)
    form = _return_form(contract, correction=True)
    if form.validate_on_submit():
        try:
            returns.correct_return(contract, period, _details(form), reason=form.reason.data, actor=current_user)
        except returns.ReturnError as error:
            form.reason.errors.append(str(error))
        else:
            flash(f"Correction for {period.label} sent", "success")
            return redirect(url_for("monitoring.period", contract_id=contract.id, number=number))
    return render_template("monitoring/return_form.html", form=form, contract=contract, period=period, correction=True)


@bp.post("/contracts/<int:contract_id>/returns/<int:return_id>/accept")
@role_required(Role.COMMISSIONER)
def accept_return(contract_id: int, return_id: int):
    contract = _contract(contract_id, access.can_manage_contract)
    ret = db.session.get(PerformanceReturn, return_id)
    require_access(ret is not None and ret.contract_id == contract.id)
    try:
        returns.accept_return(ret, actor=current_user)
    except returns.ReturnError as error:
        flash(str(error), "error")
    else:
        flash(f"Return for {ret.period_label} accepted", "success")
    return redirect(url_for("monitoring.contract", contract_id=contract.id))


# Ratings, challenge, close-out ----------------------------------------------------------------------------------------


@bp.route("/contracts/<int:contract_id>/ratings/<int:rating_id>/override", methods=["GET", "POST"])
@role_required(Role.COMMISSIONER)
def override(contract_id: int, rating_id: int):
    contract = _contract(contract_id, access.can_manage_contract)
    measure_rating = db.session.get(MeasureRating, rating_id)
    require_access(measure_rating is not None and measure_rating.measure.contract_id == contract.id)
    form = forms.OverrideForm()
    if form.validate_on_submit():
        status = "" if form.status.data == "rule" else form.status.data
        ratings.override_rating(measure_rating, status, reason=form.reason.data, actor=current_user)
        flash("Status saved", "success")
        return redirect(url_for("monitoring.contract", contract_id=contract.id, _anchor="measures"))
    return render_template("monitoring/override.html", form=form, contract=contract, measure_rating=measure_rating)


@bp.route("/contracts/<int:contract_id>/challenge", methods=["GET", "POST"])
@role_required(Role.COMMISSIONER)
def challenge(contract_id: int):
    contract = _contract(contract_id, access.can_manage_contract)
    form = forms.ChallengeForm()
    rated = [row for row in returns.schedule_of(contract) if row.live is not None]
    form.period.choices = forms.choices((row.period.start.isoformat(), row.period.label) for row in reversed(rated))
    if form.validate_on_submit():
        chosen = next(row.period for row in rated if row.period.start.isoformat() == form.period.data)
        try:
            ratings.record_challenge(
                contract, chosen.start, verdict=form.verdict.data, note=form.note.data or "", actor=current_user
            )
        except ratings.RatingError as error:
            form.verdict.errors.append(str(error))
        else:
            flash("Challenge recorded" if form.verdict.data == "challenge" else "Agreement recorded", "success")
            return redirect(url_for("monitoring.contract", contract_id=contract.id, _anchor="challenge"))
    return render_template("monitoring/challenge.html", form=form, contract=contract, rated=rated)


@bp.route("/contracts/<int:contract_id>/close-out", methods=["GET", "POST"])
@role_required(Role.COMMISSIONER)
def close_out(contract_id: int):
    contract = _contract(contract_id, access.can_manage_contract)
    form = forms.CloseOutForm()
    if form.validate_on_submit():
        try:
            reviews.close_out(contract, summary=form.summary.data, actor=current_user)
        except reviews.ReviewError as error:
            form.summary.errors.append(str(error))
        else:
            flash(f"{contract.title} closed out", "success")
            return redirect(url_for("monitoring.contract", contract_id=contract.id, _anchor="review"))
    met, total = reviews.targets_tally(contract)
    return render_template("monitoring/close_out.html", form=form, contract=contract, met=met, total=total)


@bp.post("/contracts/<int:contract_id>/close-out/consent")
@role_required(Role.PROVIDER)
def consent(contract_id: int):
    contract = _contract(contract_id, access.reports_for)
    require_access(contract.review is not None)
    try:
        reviews.consent_to_publish(contract.review, actor=current_user)
    except reviews.ReviewError as error:
        flash(str(error), "error")
    else:
        flash("The review is now shown on your profile as track record", "success")
    return redirect(url_for("monitoring.contract", contract_id=contract.id, _anchor="review"))


from marketplace.monitoring import report_views  # noqa: E402, F401 - attach the report routes
