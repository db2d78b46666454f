"""Open-data API views: parse and validate the parameters, ask the services, answer JSON.

Every view is public and GET-only (so nothing needs a CSRF exemption), and answers the same whoever asks:
a signed-in commissioner sees no more here than anyone else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from flask import Response, abort, jsonify, render_template, request
from markupsafe import Markup, escape
from sqlalchemy import Select

from marketplace.api import bp, openapi, params, serializers, services
from marketplace.api.params import ParameterError
from marketplace.core.permissions import public

PARAMETERS_TITLE = "There is a problem with the request's parameters"


@bp.errorhandler(ParameterError)
def parameter_error(error: ParameterError) -> tuple[Response, int]:
    """400 in the shape of every /api error, with one entry per bad parameter."""
    problems = [{"name": name, "problem": problem} for name, problem in error.problems.items()]
    detail = "; ".join(f"{item['name']}: {item['problem']}" for item in problems)
    return jsonify(error={"status": 400, "title": PARAMETERS_TITLE, "detail": detail, "parameters": problems}), 400


@bp.after_request
def open_data_headers(response: Response) -> Response:
    """Any origin may read open data (CORS); JSON answers revalidate by ETag, so changes show at once."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    if response.status_code == 200 and response.is_json:
        response.cache_control.public = True
        response.cache_control.no_cache = True
        response.add_etag()
        response.make_conditional(request)
    elif response.status_code != 200:
        response.cache_control.no_store = True
    return response


def _listing(accepted: Sequence[params.Param], query: Callable[[dict[str, Any]], Select], serialise) -> Response:
    values = params.parse(request.args, accepted)
    page = services.paginate(query(values), values)
    return jsonify(serializers.page_envelope(page, serialise))


def _one(lookup: Callable[[], Any], serialise, what: str, record_id: int) -> Response:
    params.parse(request.args, ())
    record = lookup()
    if record is None:
        abort(404, description=f"There is no {what} with the id {record_id}.")
    return jsonify(serialise(record))


@bp.get("/organizations")
@public
def organizations():
    return _listing(
        (*params.DIRECTORY_FILTERS, *params.PAGINATION),
        lambda values: services.organisations_query(services.filters_from(values)),
        serializers.organisation,
    )


@bp.get("/organizations/<int:organization_id>")
@public
def organization(organization_id: int):
    lookup = lambda: services.published_organisation(organization_id)  # noqa: E731
    return _one(lookup, serializers.organisation, "published organization", organization_id)


@bp.get("/services")
@public
def services_list():
    return _listing(
        (*params.DIRECTORY_FILTERS, params.ORGANIZATION, *params.PAGINATION),
        lambda values: services.services_query(services.filters_from(values)),
        serializers.service,
    )


@bp.get("/services/<int:service_id>")
@public
def service(service_id: int):
    return _one(lambda: services.published_offer(service_id), serializers.service, "published service", service_id)


@bp.get("/taxonomies")
@public
def taxonomies():
    return _listing(
        (params.VOCABULARY, *params.PAGINATION),
        lambda values: services.terms_query(values.get("vocabulary")),
        serializers.taxonomy_term,
    )


@bp.get("/kitemarked")
@public
def kitemarked():
    return _listing(
        (*params.DIRECTORY_FILTERS, *params.PAGINATION),
        lambda values: services.kitemarked_query(services.filters_from(values)),
        serializers.kitemarked_organisation,
    )


@bp.get("/needs")
@public
def needs():
    return _listing(
        (*params.DIRECTORY_FILTERS, *params.PAGINATION),
        lambda values: services.open_needs_query(services.filters_from(values)),
        serializers.need,
    )


@bp.get("/needs/<int:need_id>")
@public
def need(need_id: int):
    return _one(lambda: services.open_need(need_id), serializers.need, "open need", need_id)


@bp.get("/openapi.json")
@public
def openapi_document():
    params.parse(request.args, ())
    return jsonify(openapi.document())


@bp.app_template_filter("inline_code")
def inline_code(text: str) -> Markup:
    """OpenAPI descriptions mark code with `backticks`; show it as <code> (after escaping everything)."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))  # nosec B704  # escaped first


@bp.get("/docs")
@public
def docs():
    return render_template("api/docs.html", document=openapi.document())
