"""The commissioners' area overview: the cultural offer in a locality, its gaps, a chart and a CSV download."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, render_template, request, url_for
from flask_login import current_user

from marketplace.commissioning.access import acts_for_body
from marketplace.core.permissions import require_access, role_required
from marketplace.core.roles import Role
from marketplace.reference.geography import locality_by_code
from marketplace.reference.models import Locality
from marketplace.search import area, maps
from marketplace.search.blueprints import area_bp


def _requested_locality() -> tuple[str, Locality | None]:
    """The ``locality`` parameter (default: the commissioner's body's locality) and the locality it names."""
    body = current_user.commissioning_body
    default = body.locality.ons_code if body is not None and body.locality is not None else ""
    code = request.args.get("locality", default, type=str)[: area.MAX_CODE_LENGTH + 1]
    return code, locality_by_code(code)


def _profile_url() -> Callable[[int], str]:
    """A profile link maker built once per page: a county lists thousands of providers, and ``url_for`` for each
    was a third of the page's time at 50,000 organisations."""
    prefix = url_for("directory.organisation", organisation_id=0).removesuffix("0")
    return lambda organisation_id: f"{prefix}{organisation_id}"


@area_bp.get("/commissioner/area")
@role_required(Role.COMMISSIONER)
def overview():
    body = current_user.commissioning_body
    require_access(acts_for_body(current_user, body))
    code, locality = _requested_locality()
    result = area.area_overview(locality, body) if locality is not None else None
    return render_template(
        "area/overview.html",
        body=body,
        code=code,
        overview=result,
        chart=area.outcome_chart(result) if result is not None else "",
        contract_chart=area.commissioned_chart(result) if result is not None else "",
        area_map=maps.area_map(result.locality, result.organisations) if result is not None else None,
        regions=area.localities_by_region(),
        gap_label=area.gap_label,
        ecm_labels=area.ecm_labels,
        profile_url=_profile_url(),
    )


@area_bp.get("/commissioner/area.csv")
@role_required(Role.COMMISSIONER)
def overview_csv():
    body = current_user.commissioning_body
    require_access(acts_for_body(current_user, body))
    _, locality = _requested_locality()
    if locality is None:
        abort(404)
    text = area.overview_csv(area.area_overview(locality, body))
    filename = f"area-overview-{locality.ons_code}.csv"
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})
