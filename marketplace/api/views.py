"""Open-data API views: parse and validate the parameters, ask the services, answer JSON.

Every view is public and GET-only (so nothing needs a CSRF exemption), and answers the same whoever asks:
a signed-in commissioner sees no more here than anyone else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

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


def _listing(
    accepted: Sequence[params.Param],
    query: Callable[[dict[str, Any]], Select],
    serialise,
    loading: Sequence = (),
    order: Sequence = (),
) -> Response:
    values = params.parse(request.args, accepted)
    page = services.paginate(query(values), values, loading, order=order)
    return jsonify(serializers.page_envelope(page, serialise))


def _one(lookup: Callable[[], Any], serialise, what: str, record_id: Any) -> Response:
    params.parse(request.args, ())
    record = lookup()
    if record is None:
        abort(404, description=f"There is no {what} with the id {record_id}.")
    return jsonify(serialise(record))


def _published_offer(value: UUID, kind: str = "service") -> Any:
    offer_id = services.offer_id_of(value, kind)
    return services.published_offer(offer_id) if offer_id is not None else None


@bp.get("/")
@public
def root():
    """What the Open Referral UK validator asks first: which standard this API follows, and where it is described."""
    params.parse(request.args, ())
    return jsonify(
        version=openapi.ORUK_VERSION,
        profile=openapi.ORUK_PROFILE_URL,
        openapi_url=serializers.page_url("api.openapi_document"),
    )


@bp.get("/organizations")
@public
def organizations():
    accepted = (*params.DIRECTORY_FILTERS, *params.ORGANIZATION_FILTERS, *params.PAGINATION)
    values = params.parse(request.args, accepted)
    full = bool(values.get("full_service"))
    loading = services.ORGANISATION_FULL_SERVICE_LOADING if full else services.ORGANISATION_LIST_LOADING
    page = services.paginate(services.organisations_query(services.filters_from(values), full=full), values, loading)
    if full:
        return jsonify(serializers.page_envelope(page, lambda item: serializers.organisation(item, full_service=True)))
    return jsonify(serializers.page_envelope(page, serializers.organisation_list_item))


@bp.get("/organizations/<uuid:organization_id>")
@public
def organization(organization_id: UUID):
    values = params.parse(request.args, (params.FULL_SERVICE,))
    record_id = services.organisation_id_of(organization_id)
    record = services.published_organisation(record_id) if record_id is not None else None
    if record is None:
        abort(404, description=f"There is no published organization with the id {organization_id}.")
    return jsonify(serializers.organisation(record, full_service=bool(values.get("full_service"))))


@bp.get("/services")
@public
def services_list():
    accepted = (*params.DIRECTORY_FILTERS, *params.ORUK_FILTERS, params.ORGANIZATION, *params.PAGINATION)
    values = params.parse(request.args, accepted)
    filters = services.filters_from(values)
    query = services.services_query(filters)
    total = services.services_total(filters)
    page = services.paginate(query, values, services.OFFER_LIST_LOADING, total=total, order=services.SERVICE_ORDER)
    return jsonify(serializers.page_envelope(page, serializers.service_list_item))


@bp.get("/services/<uuid:service_id>")
@public
def service(service_id: UUID):
    return _one(lambda: _published_offer(service_id), serializers.service, "published service", service_id)


@bp.get("/service_at_locations")
@public
def service_at_locations():
    return _listing(
        (*params.DIRECTORY_FILTERS, *params.ORUK_FILTERS, params.ORGANIZATION, *params.PAGINATION),
        lambda values: services.service_at_locations_query(services.filters_from(values)),
        serializers.service_at_location_list_item,
        services.OFFER_LIST_LOADING,
        services.SERVICE_ORDER,
    )


@bp.get("/service_at_locations/<uuid:service_at_location_id>")
@public
def service_at_location(service_at_location_id: UUID):
    def lookup() -> Any:
        offer = _published_offer(service_at_location_id, "service_at_location")
        return offer if offer is not None and serializers.has_location(offer) else None

    return _one(lookup, serializers.service_at_location_detail, "service at a location", service_at_location_id)


@bp.get("/taxonomies")
@public
def taxonomies():
    return _listing(params.PAGINATION, lambda values: services.vocabularies_query(), serializers.taxonomy)


@bp.get("/taxonomies/<uuid:taxonomy_id>")
@public
def taxonomy(taxonomy_id: UUID):
    return _one(
        lambda: services.vocabulary_by_uuid(taxonomy_id),
        lambda vocabulary: serializers.taxonomy(vocabulary, with_terms=True),
        "taxonomy",
        taxonomy_id,
    )


@bp.get("/taxonomy_terms")
@public
def taxonomy_terms():
    return _listing(
        (params.VOCABULARY, params.TAXONOMY, *params.PAGINATION),
        lambda values: services.terms_query(values.get("vocabulary"), values.get("taxonomy_id")),
        serializers.taxonomy_term,
        services.TERM_LOADING,
    )


@bp.get("/taxonomy_terms/<uuid:taxonomy_term_id>")
@public
def taxonomy_term(taxonomy_term_id: UUID):
    return _one(
        lambda: services.term_by_uuid(taxonomy_term_id), serializers.taxonomy_term, "taxonomy term", taxonomy_term_id
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
        services.NEED_LOADING,
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
