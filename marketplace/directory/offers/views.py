"""Offer pages: a provider manages its organisation's offers; an offer's page is public once its organisation is."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.core.permissions import public, require_access, role_required
from marketplace.core.roles import Role
from marketplace.directory import access
from marketplace.directory.models import Offer, Organisation
from marketplace.directory.offers import bp, forms, services
from marketplace.extensions import db


def _own_organisation() -> Organisation:
    organisation = current_user.organisation
    require_access(organisation is not None and access.can_edit_organisation(current_user, organisation))
    return organisation


def _own_offer(offer_id: int) -> Offer:
    """The offer, if it belongs to the user's organisation; 404 otherwise (existence is not leaked)."""
    offer = db.get_or_404(Offer, offer_id)
    require_access(access.can_edit_organisation(current_user, offer.organisation))
    return offer


@bp.get("/provider/offers")
@role_required(Role.PROVIDER)
def index():
    organisation = current_user.organisation
    offers = services.offers_of(organisation) if organisation is not None else []
    return render_template("offers/index.html", organisation=organisation, offers=offers)


@bp.route("/provider/offers/new", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
def new():
    organisation = _own_organisation()
    # A new offer is usually delivered where the organisation works: start from the profile's localities
    start = {"localities": [locality.id for locality in organisation.localities]} if request.method == "GET" else {}
    form = forms.OfferForm(data=start)
    if form.validate_on_submit():
        offer = services.create_offer(organisation, forms.offer_details(form), actor=current_user)
        flash(f"Offer ‘{offer.title}’ added", "success")
        return redirect(url_for("offers.index"))
    return render_template("offers/new.html", form=form)


@bp.route("/provider/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
def edit(offer_id: int):
    offer = _own_offer(offer_id)
    form = forms.OfferForm(data=forms.offer_form_data(offer))
    if form.validate_on_submit():
        services.update_offer(offer, forms.offer_details(form), actor=current_user)
        flash(f"Offer ‘{offer.title}’ saved", "success")
        return redirect(url_for("offers.index"))
    return render_template("offers/edit.html", form=form, offer=offer)


@bp.post("/provider/offers/<int:offer_id>/delete")
@role_required(Role.PROVIDER)
def delete(offer_id: int):
    offer = _own_offer(offer_id)
    title = offer.title
    services.delete_offer(offer, actor=current_user)
    flash(f"Offer ‘{title}’ deleted", "success")
    return redirect(url_for("offers.index"))


@bp.get("/offers/<int:offer_id>")
@public
def offer(offer_id: int):
    offer = db.get_or_404(Offer, offer_id)
    require_access(access.can_view_organisation(current_user, offer.organisation))
    return render_template(
        "offers/offer.html", offer=offer, can_edit=access.can_edit_organisation(current_user, offer.organisation)
    )
