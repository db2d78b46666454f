"""The contribution composer (/provider/contributions): the MLA guide's twelve statements and statements written
for a commissioning body's framework, each started from the organisation's own offers, outcomes and evidence."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.commissioning.contributions import bp, scaffold, services
from marketplace.commissioning.contributions.forms import ComposeForm
from marketplace.commissioning.contributions.models import BodyContribution
from marketplace.commissioning.models import CommissioningBody
from marketplace.core.permissions import require_access, role_required
from marketplace.core.roles import Role
from marketplace.directory import access
from marketplace.directory.models import Organisation
from marketplace.directory.services import active_terms, update_frameworks
from marketplace.extensions import db


def _own_organisation() -> Organisation:
    organisation = current_user.organisation
    require_access(organisation is not None and access.can_edit_organisation(current_user, organisation))
    return organisation


def _citations(form: ComposeForm, organisation: Organisation) -> services.Citations:
    """The ticked items, taken from the organisation's own (the form only offered those)."""
    offers, outcomes, evidence = (
        set(form.offers.data or []),
        set(form.outcomes.data or []),
        set(form.evidence.data or []),
    )
    return services.Citations(
        offers=[offer for offer in organisation.offers if offer.id in offers],
        ecm_outcomes=[item.outcome for item in organisation.outcome_contributions if item.outcome_id in outcomes],
        evidence=[item for item in organisation.impact_evidence if item.id in evidence],
    )


def _cited_contributions(organisation: Organisation, citations: services.Citations) -> list:
    ids = {term.id for term in citations.ecm_outcomes}
    chosen = [item for item in organisation.outcome_contributions if item.outcome_id in ids]
    return sorted(chosen, key=lambda item: item.outcome.position)


def contributions_for_reader(organisation: Organisation) -> list[services.ShownContribution]:
    """For the profile page: the statements the signed-in reader may see, their own body's first."""
    return services.visible_contributions(organisation, current_user)


@bp.get("/provider/contributions")
@role_required(Role.PROVIDER)
def index():
    organisation = _own_organisation()
    written = {item.framework_id: item for item in organisation.framework_statements}
    return render_template(
        "contributions/index.html",
        organisation=organisation,
        templates=active_terms("contribution_framework"),
        written=written,
        contributions=services.contributions_of(organisation),
        bodies=services.bodies_with_frameworks(),
    )


@bp.route("/provider/contributions/templates/<template_code>", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
def compose_template(template_code: str):
    organisation = _own_organisation()
    framework = next((term for term in active_terms("contribution_framework") if term.code == template_code), None)
    require_access(framework is not None)
    existing = next((item for item in organisation.framework_statements if item.framework_id == framework.id), None)
    form = ComposeForm(organisation, data={"statement": existing.statement if existing else ""})
    if form.validate_on_submit():
        citations = _citations(form, organisation)
        if form.wants_draft:
            form.statement.data = scaffold.template_draft(
                framework,
                organisation,
                offers=citations.offers,
                contributions=_cited_contributions(organisation, citations),
                evidence=citations.evidence,
            )
        else:
            update_frameworks(organisation, {framework.id: form.statement.data}, actor=current_user)
            flash(f"Your {framework.label} statement has been saved", "success")
            return redirect(url_for("contributions.index"))
    return render_template("contributions/compose.html", form=form, framework=framework, body=None)


def _compose_for_body(
    organisation: Organisation, body: CommissioningBody, contribution: BodyContribution | None, form: ComposeForm
) -> Response | None:
    """Draft or save a statement for ``body``; a response when saved, None to show the page (again)."""
    if not form.validate_on_submit():
        return None
    target = services.target_from_choice(body, form.target.data)
    if target is None:
        form.target.errors = ["Select a priority from the list"]
        return None
    citations = _citations(form, organisation)
    if form.wants_draft:
        form.statement.data = scaffold.body_draft(
            organisation,
            theme=target.theme,
            aim=target.aim,
            outcome=target.outcome,
            offers=citations.offers,
            contributions=_cited_contributions(organisation, citations),
            evidence=citations.evidence,
        )
        return None
    services.save_body_contribution(
        organisation,
        contribution,
        body=body,
        target=target,
        statement=form.statement.data,
        is_public=bool(form.is_public.data),
        citations=citations,
        actor=current_user,
    )
    flash(f"Your statement for {body.name} has been saved", "success")
    return redirect(url_for("contributions.index"))


@bp.route("/provider/contributions/bodies/<int:body_id>", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
def compose_for_body(body_id: int):
    organisation = _own_organisation()
    body = db.session.get(CommissioningBody, body_id)
    require_access(body is not None and body in services.bodies_with_frameworks())
    form = ComposeForm(organisation, body, data={"is_public": True})
    done = _compose_for_body(organisation, body, None, form)
    return done or render_template("contributions/compose.html", form=form, framework=None, body=body)


def _own_contribution(contribution_id: int) -> tuple[Organisation, BodyContribution]:
    organisation = _own_organisation()
    contribution = db.session.get(BodyContribution, contribution_id)
    require_access(contribution is not None and contribution.organisation_id == organisation.id)
    return organisation, contribution


@bp.route("/provider/contributions/statements/<int:contribution_id>", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
def edit_statement(contribution_id: int):
    organisation, contribution = _own_contribution(contribution_id)
    initial = {
        "target": services.target_choice(contribution),
        "offers": [offer.id for offer in contribution.offers],
        "outcomes": [term.id for term in contribution.ecm_outcomes],
        "evidence": [item.id for item in contribution.evidence],
        "statement": contribution.statement,
        "is_public": contribution.is_public,
    }
    form = ComposeForm(organisation, contribution.body, data=initial)
    done = _compose_for_body(organisation, contribution.body, contribution, form)
    return done or render_template(
        "contributions/compose.html", form=form, framework=None, body=contribution.body, contribution=contribution
    )


@bp.post("/provider/contributions/statements/<int:contribution_id>/remove")
@role_required(Role.PROVIDER)
def remove_statement(contribution_id: int):
    _, contribution = _own_contribution(contribution_id)
    name = contribution.body.name
    services.remove_body_contribution(contribution, actor=current_user)
    flash(f"Your statement for {name} has been removed", "success")
    return redirect(url_for("contributions.index"))
