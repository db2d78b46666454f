"""Seeing progress: the body's portfolio (page, CSV, board report), a framework outcome's roll-up, exports,
returns import and the provider's public track record (published close-out reviews only)."""

from __future__ import annotations

from flask import Response as HttpResponse
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.commissioning.access import acts_for_body
from marketplace.commissioning.models import FrameworkOutcome
from marketplace.core.clock import today
from marketplace.core.permissions import public, require_access, role_required, signed_in
from marketplace.core.roles import Role
from marketplace.directory.models import Organisation, OrganisationStatus
from marketplace.extensions import db
from marketplace.monitoring import access, bp, exports, forms, queries, rating, returns, reviews
from marketplace.monitoring.models import Contract


def _own_body():
    body = current_user.commissioning_body
    require_access(acts_for_body(current_user, body))
    return body


def _filter() -> queries.PortfolioFilter:
    """The portfolio filter from the query string; unknown values are ignored rather than refused."""
    args = request.args
    return queries.PortfolioFilter(
        status=args.get("status", "") if args.get("status") in ("active", "closed") else "",
        rating=args.get("rating", "") if args.get("rating") in rating.STATUSES else "",
        returns=args.get("returns", "") if args.get("returns") == "overdue" else "",
        text=args.get("q", "")[:100],
    )


@bp.get("/commissioner/contracts")
@role_required(Role.COMMISSIONER)
def portfolio():
    body = _own_body()
    chosen = _filter()
    result = queries.portfolio(body.id, chosen)
    if request.args.get("format") == "csv":
        return HttpResponse(
            exports.portfolio_csv(result),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="contracts.csv"'},
        )
    return render_template(
        "monitoring/portfolio.html", body=body, result=result, chosen=chosen, statuses=rating.STATUSES
    )


@bp.get("/commissioner/contracts/report")
@role_required(Role.COMMISSIONER)
def board_report():
    body = _own_body()
    result = queries.portfolio(body.id, queries.PortfolioFilter(status="active"))
    return render_template("monitoring/board_report.html", body=body, result=result, on=today())


@bp.get("/commissioner/frameworks/<int:framework_id>/outcomes/<int:framework_outcome_id>/contracts")
@role_required(Role.COMMISSIONER)
def outcome_roll_up(framework_id: int, framework_outcome_id: int):
    outcome = db.session.get(FrameworkOutcome, framework_outcome_id)
    require_access(
        outcome is not None
        and outcome.aim.theme.framework_id == framework_id
        and acts_for_body(current_user, outcome.aim.theme.framework.body)
    )
    return render_template("monitoring/roll_up.html", roll_up=queries.outcome_roll_up(outcome))


@bp.get("/contracts/<int:contract_id>/<any(returns, measures):kind>.<any(csv, json):fmt>")
@signed_in
def export(contract_id: int, kind: str, fmt: str):
    contract = db.session.get(Contract, contract_id)
    require_access(contract is not None and access.can_view_contract(current_user, contract))
    body, mimetype = exports.export(kind, fmt, contract)
    filename = f"contract-{contract.id}-{kind}.{fmt}"
    return HttpResponse(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/contracts/<int:contract_id>/returns/import", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
def import_returns(contract_id: int):
    contract = db.session.get(Contract, contract_id)
    require_access(contract is not None and access.reports_for(current_user, contract))
    form = forms.ImportReturnsForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.returns_file.data
        try:
            imported = exports.read_returns_file(contract, upload.filename or "", upload.read())
        except exports.ImportFileError as error:
            problems = error.problems
            form.returns_file.errors = [
                f"The file has {len(problems)} problem{'s' if len(problems) > 1 else ''} and was not imported"
            ]
        else:
            for entry in imported:
                returns.submit_return(
                    contract, returns.period_of(contract, entry.number), entry.details, actor=current_user
                )
            flash(f"Imported {len(imported)} return{'s' if len(imported) != 1 else ''}", "success")
            return redirect(url_for("monitoring.contract", contract_id=contract.id))
    return render_template("monitoring/import_returns.html", form=form, contract=contract, problems=problems)


@bp.get("/providers/<int:organisation_id>/track-record")
@public
def track_record(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.status != OrganisationStatus.PUBLISHED:
        abort(404)
    records = reviews.track_record_of(organisation.id)
    return render_template(
        "monitoring/track_record.html",
        organisation=organisation,
        records=[(record, reviews.track_record_line(record)) for record in records],
    )
