"""The OpenAPI 3.1 description of the open-data API, served at ``/api/v1/openapi.json``.

Built from the same :mod:`marketplace.api.params` declarations the views validate with, so the documented
parameters are exactly the accepted ones. ``tests/api`` checks the document against the OpenAPI schema and that
every ``/api/v1`` route is in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from marketplace.api import params
from marketplace.api.openapi_schemas import ORUK_PROFILE_URL, ORUK_VERSION, SCHEMAS, STRING, _object, _ref
from marketplace.api.params import Param

__all__ = ["ORUK_PROFILE_URL", "ORUK_VERSION", "VERSION", "document"]

VERSION = "3.0.0"


def _parameter(param: Param) -> dict[str, Any]:
    return {
        "name": param.name,
        "in": "query",
        "required": False,
        "description": param.description,
        "schema": param.schema(),
        "example": param.example,
    }


def _path_parameter(name: str, what: str) -> dict[str, Any]:
    schema = {"type": "integer", "minimum": 1} if what == "need" else {"type": "string", "format": "uuid"}
    return {"name": name, "in": "path", "required": True, "description": f"The {what}'s id.", "schema": schema}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _paged(item: str | dict[str, Any]) -> dict[str, Any]:
    items = _ref(item) if isinstance(item, str) else item
    return {"allOf": [_ref("Page"), _object({"contents": {"type": "array", "items": items}})]}


ERRORS = {
    "400": _json(_ref("Error"), "A parameter is unknown, repeated, malformed or names nothing."),
    "404": _json(_ref("Error"), "No such published record."),
}


def _list(
    summary: str, description: str, item: str | dict[str, Any], accepted: Sequence[Param], tag: str
) -> dict[str, Any]:
    return {
        "get": {
            "tags": [tag],
            "summary": summary,
            "description": description,
            "operationId": f"list_{tag.lower().replace(' ', '_')}",
            "parameters": [_parameter(param) for param in accepted],
            "responses": {"200": _json(_paged(item), summary), "400": ERRORS["400"]},
        }
    }


def _one(
    summary: str, item: str, path_name: str, what: str, tag: str, accepted: Sequence[Param] = ()
) -> dict[str, Any]:
    return {
        "get": {
            "tags": [tag],
            "summary": summary,
            "operationId": f"get_{what.replace(' ', '_')}",
            "parameters": [_path_parameter(path_name, what), *(_parameter(param) for param in accepted)],
            "responses": {"200": _json(_ref(item), summary), **ERRORS},
        }
    }


ORUK_NOTE = (
    " Parameters of the ORUK 3.0 profile and of this service combine (AND). `day`, `start_time` and `end_time` are "
    "accepted but do not narrow the results: we hold no opening schedules."
)

PATHS: dict[str, Any] = {
    "/": {
        "get": {
            "tags": ["About"],
            "summary": "Which standard this API follows",
            "description": "The Open Referral UK validator reads `version` here first.",
            "operationId": "get_api_meta_information",
            "responses": {"200": _json(_ref("Root"), "The version, profile and this document's address.")},
        }
    },
    "/organizations": _list(
        "Published organisations",
        "Cultural organisations with a published profile, in a stable order (by internal key, oldest first: "
        "Open Referral UK sets no order, and this one keeps deep pages fast). Filters combine (AND). Items carry the "
        "one-to-one fields and their services in brief; `full_service=true` gives each organization in full.",
        {"oneOf": [_ref("OrganizationListItem"), _ref("Organization")]},
        (*params.DIRECTORY_FILTERS, *params.ORGANIZATION_FILTERS, *params.PAGINATION),
        "Organizations",
    ),
    "/organizations/{organization_id}": _one(
        "One published organisation",
        "Organization",
        "organization_id",
        "organization",
        "Organizations",
        (params.FULL_SERVICE,),
    ),
    "/services": _list(
        "Offers of published organisations",
        "Services and activities offered by published organisations, in a stable order (by their organization's "
        "internal key, then their own; Open Referral UK sets no order): each offer's one-to-one fields and "
        "its organization (the profile's service_list); the rest is on /services/{id}." + ORUK_NOTE,
        "ServiceListItem",
        (*params.DIRECTORY_FILTERS, *params.ORUK_FILTERS, params.ORGANIZATION, *params.PAGINATION),
        "Services",
    ),
    "/services/{service_id}": _one("One offer, fully nested", "Service", "service_id", "service", "Services"),
    "/service_at_locations": _list(
        "Offers at their locations",
        "Each offer at its venue, or at its organization's address when it names none (offers with neither are "
        "left out), in the order of /services." + ORUK_NOTE,
        "ServiceAtLocationListItem",
        (*params.DIRECTORY_FILTERS, *params.ORUK_FILTERS, params.ORGANIZATION, *params.PAGINATION),
        "Service at locations",
    ),
    "/service_at_locations/{service_at_location_id}": _one(
        "One offer at its location",
        "ServiceAtLocationDetail",
        "service_at_location_id",
        "service at location",
        "Service at locations",
    ),
    "/taxonomies": _list(
        "Vocabularies",
        "Every vocabulary (ECM outcomes and aims, themes, problem areas, service areas, target groups, "
        "organisation types, delivery modes, cost bases, frameworks, accreditation schemes, National Indicators "
        "…), by key. Use an `id` (or `key`) as `taxonomy_id`.",
        "Taxonomy",
        params.PAGINATION,
        "Taxonomies",
    ),
    "/taxonomies/{taxonomy_id}": _one(
        "One vocabulary with its active terms", "Taxonomy", "taxonomy_id", "taxonomy", "Taxonomies"
    ),
    "/taxonomy_terms": _list(
        "Vocabulary terms",
        "Every active term of every vocabulary, vocabulary by vocabulary. Use a term's `id` (or `key`) as "
        "`taxonomy_term_id`.",
        "TaxonomyTerm",
        (params.VOCABULARY, params.TAXONOMY, *params.PAGINATION),
        "Taxonomy terms",
    ),
    "/taxonomy_terms/{taxonomy_term_id}": _one(
        "One vocabulary term", "TaxonomyTerm", "taxonomy_term_id", "taxonomy term", "Taxonomy terms"
    ),
    "/kitemarked": _list(
        "The kitemarked list",
        "Extension. Published organisations holding a kitemark in force today, with its award and expiry "
        "dates; `q`, `taxonomy_term_id`, `locality` and `age` filter as on /organizations. A suspended, lapsed "
        "or expired kitemark leaves the list at once.",
        "KitemarkedOrganization",
        (*params.DIRECTORY_FILTERS, *params.PAGINATION),
        "Kitemarked",
    ),
    "/needs": _list(
        "Open needs",
        "Extension. Needs open for responses, latest deadline first. `locality` matches as on the opportunities "
        "board: a need in a district matches its county and the other way round.",
        "Need",
        (*params.DIRECTORY_FILTERS, *params.PAGINATION),
        "Needs",
    ),
    "/needs/{need_id}": _one("One open need", "Need", "need_id", "need", "Needs"),
    "/openapi.json": {
        "get": {
            "tags": ["About"],
            "summary": "This document",
            "operationId": "get_openapi",
            "responses": {"200": _json({"type": "object"}, "The OpenAPI 3.1 document.")},
        }
    },
    "/docs": {
        "get": {
            "tags": ["About"],
            "summary": "Human-readable documentation",
            "operationId": "get_docs",
            "responses": {"200": {"description": "An HTML page.", "content": {"text/html": {"schema": STRING}}}},
        }
    },
}


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document (paths relative to the ``/api/v1`` server)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Cultural Commissioning Marketplace open data API",
            "version": VERSION,
            "description": (
                "Read-only open data conforming to the Open Referral UK 3.0 profile (HSDS-UK-3.0; `GET /` says "
                "so): published cultural organisations and their offers as organizations, services and services "
                "at locations, the vocabularies they are tagged with as taxonomies and taxonomy terms. Every id "
                "is a UUID, stable for the record. Optional fields we hold no value for are left out. This "
                "service's extensions: the kitemarked list, open needs and the fields marked Extension. "
                "Latitude and longitude are the centre of the postcode district, not the address. Only what the "
                "public pages show is ever included. No key is needed; responses allow any origin "
                "(CORS) and carry an ETag for cheap revalidation. Reference data contains public sector "
                "information licensed under the Open Government Licence v3.0."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
