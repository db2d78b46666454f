"""The OpenAPI 3.1 description of the open-data API, served at ``/api/v1/openapi.json``.

Built from the same :mod:`marketplace.api.params` declarations the views validate with, so the documented
parameters are exactly the accepted ones. ``tests/api`` checks the document against the OpenAPI schema and that
every ``/api/v1`` route is in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from marketplace.api import params
from marketplace.api.params import Param

VERSION = "3.0.0"
ORUK_VERSION = "HSDS-UK-3.0"
ORUK_PROFILE_URL = "https://open-referral-uk-profile.readthedocs.io/"


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(name: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(name)}


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties, "required": list(properties)}
    if description:
        schema["description"] = description
    return schema


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
NULLABLE_STRING = _nullable("string")
NULLABLE_INTEGER = _nullable("integer")
NULLABLE_DATE = _nullable("string", format="date")
NULLABLE_URI = _nullable("string", format="uri")

SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {
            "error": {
                "type": "object",
                "properties": {
                    "status": INTEGER,
                    "title": STRING,
                    "detail": STRING,
                    "parameters": {
                        "type": "array",
                        "description": "400 only: each bad parameter and what is wrong with it.",
                        "items": _object({"name": STRING, "problem": STRING}),
                    },
                },
                "required": ["status", "title", "detail"],
            }
        },
        "Every error under /api/v1 (400, 404, 405, 500 …).",
    ),
    "Page": _object(
        {
            "total_items": INTEGER,
            "total_pages": INTEGER,
            "page_number": INTEGER,
            "size": {"type": "integer", "description": "Items on this page."},
            "first_page": BOOLEAN,
            "last_page": BOOLEAN,
            "empty": {"type": "boolean", "description": "True when nothing matched at all."},
        },
        "The Open Referral UK 3.0 page envelope; the items are in `contents`. A page past the end is empty.",
    ),
    "TaxonomyTerm": _object(
        {
            "id": {"type": "string", "description": "`vocabulary:code`, stable across deployments."},
            "code": STRING,
            "term": STRING,
            "name": STRING,
            "description": NULLABLE_STRING,
            "taxonomy_id": {"type": "string", "description": "The vocabulary key."},
            "vocabulary": STRING,
            "taxonomy": {"type": "string", "description": "The vocabulary's name."},
            "parent_id": _nullable("string", description="The parent term (an ECM aim's outcome)."),
        },
        "A term of one of the marketplace's vocabularies (ORUK taxonomy_term).",
    ),
    "Attribute": _object(
        {
            "id": STRING,
            "link_id": STRING,
            "link_entity": {"type": "string", "enum": ["organization", "service"]},
            "link_type": {"type": "string", "description": "The vocabulary key."},
            "taxonomy_term": _ref("TaxonomyTerm"),
        },
        "Links a record to a taxonomy term (ORUK 3.0 attribute).",
    ),
    "ServiceArea": {
        "type": "object",
        "description": "An English local authority area served; a county includes its districts.",
        "properties": {
            "id": {"type": "string", "description": "ONS code."},
            "name": STRING,
            "service_area": STRING,
            "ons_code": STRING,
            "tier": {
                "type": "string",
                "enum": ["county", "district", "unitary", "metropolitan_district", "london_borough"],
            },
            "extent": {"type": "null"},
            "extent_type": {"type": "null"},
            "uri": {"type": "string", "format": "uri"},
            "district_ons_codes": {"type": "array", "items": STRING, "description": "Counties only."},
        },
        "required": ["id", "name", "service_area", "ons_code", "tier", "extent", "extent_type", "uri"],
    },
    "Kitemark": _nullable(
        "object",
        properties={
            "awarded_on": {"type": "string", "format": "date"},
            "expires_on": {"type": "string", "format": "date"},
        },
        description="The kitemark in force today, or null (never awarded, expired, lapsed or suspended).",
    ),
    "OrganizationSummary": _object(
        {"id": STRING, "name": STRING, "uri": {"type": "string", "format": "uri", "description": "Public profile."}}
    ),
    "Organization": {
        "allOf": [
            _ref("OrganizationSummary"),
            _object(
                {
                    "description": STRING,
                    "email": NULLABLE_STRING,
                    "url": NULLABLE_URI,
                    "website": NULLABLE_URI,
                    "logo": {"type": "null"},
                    "organization_identifiers": {
                        "type": "array",
                        "items": _object(
                            {
                                "id": STRING,
                                "identifier_scheme": NULLABLE_STRING,
                                "identifier_type": STRING,
                                "identifier": STRING,
                            }
                        ),
                    },
                    "contacts": {
                        "type": "array",
                        "items": _object(
                            {
                                "id": STRING,
                                "name": NULLABLE_STRING,
                                "email": STRING,
                                "phones": {"type": "array", "items": _object({"number": STRING})},
                            }
                        ),
                    },
                    "locations": {
                        "type": "array",
                        "items": _object(
                            {
                                "id": STRING,
                                "name": STRING,
                                "location_type": STRING,
                                "latitude": {"type": "null"},
                                "longitude": {"type": "null"},
                                "physical_addresses": {
                                    "type": "array",
                                    "items": _object(
                                        {
                                            "address_1": NULLABLE_STRING,
                                            "postal_code": NULLABLE_STRING,
                                            "country": STRING,
                                        }
                                    ),
                                },
                            }
                        ),
                    },
                    "minimum_age": NULLABLE_INTEGER,
                    "maximum_age": NULLABLE_INTEGER,
                    "service_areas": _array("ServiceArea"),
                    "attributes": _array("Attribute"),
                    "outcome_statements": {
                        "type": "array",
                        "description": "Contribution to each Every Child Matters outcome: aims and a statement.",
                        "items": _object(
                            {
                                "outcome": _ref("TaxonomyTerm"),
                                "aims": _array("TaxonomyTerm"),
                                "statement": NULLABLE_STRING,
                            }
                        ),
                    },
                    "framework_statements": {
                        "type": "array",
                        "items": _object({"framework": _ref("TaxonomyTerm"), "statement": STRING}),
                    },
                    "kitemark": _ref("Kitemark"),
                    "services": {
                        "type": "array",
                        "items": _object({"id": STRING, "name": STRING, "url": {"type": "string", "format": "uri"}}),
                    },
                }
            ),
        ],
        "description": "A published organisation (ORUK organization). Only what its public profile shows.",
    },
    "KitemarkedOrganization": {
        "allOf": [_ref("OrganizationSummary"), _object({"kitemark": _ref("Kitemark")})],
    },
    "Eligibility": {
        "type": "object",
        "description": "Who the service is for: an age range, or a target group (with its taxonomy term).",
        "properties": {
            "id": STRING,
            "eligibility": {"type": "string", "description": "`age`, or the name of a target group."},
            "minimum_age": NULLABLE_INTEGER,
            "maximum_age": NULLABLE_INTEGER,
            "taxonomy_term": _ref("TaxonomyTerm"),
        },
        "required": ["id", "eligibility", "minimum_age", "maximum_age"],
    },
    "CostOption": _object(
        {
            "id": STRING,
            "service_id": STRING,
            "option": STRING,
            "amount": {"type": "number", "description": "Pounds sterling."},
            "currency": {"type": "string", "const": "GBP"},
            "amount_description": NULLABLE_STRING,
            "valid_from": NULLABLE_DATE,
            "valid_to": NULLABLE_DATE,
        }
    ),
    "Service": _object(
        {
            "id": STRING,
            "organization_id": STRING,
            "organization": _ref("OrganizationSummary"),
            "name": STRING,
            "description": STRING,
            "url": {"type": "string", "format": "uri"},
            "email": NULLABLE_STRING,
            "status": {"type": "string", "const": "active"},
            "fees": NULLABLE_STRING,
            "fees_description": NULLABLE_STRING,
            "accreditations": _nullable("string", description="The kitemark in words, when one is in force."),
            "assured_date": _nullable("string", format="date", description="When the kitemark in force was awarded."),
            "minimum_age": NULLABLE_INTEGER,
            "maximum_age": NULLABLE_INTEGER,
            "eligibilitys": _array("Eligibility"),
            "service_areas": _array("ServiceArea"),
            "cost_options": _array("CostOption"),
            "service_at_locations": {
                "type": "array",
                "items": _object(
                    {"id": STRING, "location": _object({"id": STRING, "name": STRING, "location_type": STRING})}
                ),
            },
            "attributes": _array("Attribute"),
            "group_size_min": NULLABLE_INTEGER,
            "group_size_max": NULLABLE_INTEGER,
            "capacity_per_year": NULLABLE_INTEGER,
            "send_suitable": BOOLEAN,
        },
        "An offer of a published organisation (ORUK service).",
    ),
    "Need": _object(
        {
            "id": STRING,
            "title": STRING,
            "summary": STRING,
            "description": STRING,
            "url": {"type": "string", "format": "uri"},
            "status": {"type": "string", "const": "open"},
            "commissioning_body": _object({"name": STRING}),
            "kind": {"oneOf": [_ref("TaxonomyTerm"), {"type": "null"}]},
            "commissioning_level": {"oneOf": [_ref("TaxonomyTerm"), {"type": "null"}]},
            "service_area": {"oneOf": [_ref("TaxonomyTerm"), {"type": "null"}]},
            "localities": _array("ServiceArea"),
            "target_groups": _array("TaxonomyTerm"),
            "minimum_age": NULLABLE_INTEGER,
            "maximum_age": NULLABLE_INTEGER,
            "budget": _object(
                {"minimum": _nullable("number"), "maximum": _nullable("number"), "currency": {"const": "GBP"}}
            ),
            "contract_start": NULLABLE_DATE,
            "contract_end": NULLABLE_DATE,
            "response_deadline": NULLABLE_DATE,
            "outcomes": _array("TaxonomyTerm"),
            "aims": _array("TaxonomyTerm"),
            "indicators": _array("TaxonomyTerm"),
            "framework_outcomes": {"type": "array", "items": STRING},
            "framework_measures": {"type": "array", "items": STRING},
            "requirements": _object(
                {
                    "safeguarding_verified": BOOLEAN,
                    "kitemark": BOOLEAN,
                    "accreditation": {"oneOf": [_ref("TaxonomyTerm"), {"type": "null"}]},
                    "consortium_welcome": BOOLEAN,
                }
            ),
        },
        "A commissioner's need open for responses.",
    ),
}


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
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": f"The {what}'s id.",
        "schema": {"type": "integer", "minimum": 1},
    }


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _paged(item: str) -> dict[str, Any]:
    return {"allOf": [_ref("Page"), _object({"contents": _array(item)})]}


ERRORS = {
    "400": _json(_ref("Error"), "A parameter is unknown, repeated, malformed or names nothing."),
    "404": _json(_ref("Error"), "No such published record."),
}


def _list(summary: str, description: str, item: str, accepted: Sequence[Param], tag: str) -> dict[str, Any]:
    return {
        "get": {
            "tags": [tag],
            "summary": summary,
            "description": description,
            "operationId": f"list_{tag.lower()}",
            "parameters": [_parameter(param) for param in accepted],
            "responses": {"200": _json(_paged(item), summary), "400": ERRORS["400"]},
        }
    }


def _one(summary: str, item: str, path_name: str, what: str, tag: str) -> dict[str, Any]:
    return {
        "get": {
            "tags": [tag],
            "summary": summary,
            "operationId": f"get_{what.replace(' ', '_')}",
            "parameters": [_path_parameter(path_name, what)],
            "responses": {"200": _json(_ref(item), summary), **ERRORS},
        }
    }


PATHS: dict[str, Any] = {
    "/organizations": _list(
        "Published organisations",
        "Cultural organisations with a published profile, by name. Filters combine (AND).",
        "Organization",
        (*params.DIRECTORY_FILTERS, *params.PAGINATION),
        "Organizations",
    ),
    "/organizations/{organization_id}": _one(
        "One published organisation", "Organization", "organization_id", "organization", "Organizations"
    ),
    "/services": _list(
        "Offers of published organisations",
        "Services and activities offered by published organisations, by name. Filters combine (AND).",
        "Service",
        (*params.DIRECTORY_FILTERS, params.ORGANIZATION, *params.PAGINATION),
        "Services",
    ),
    "/services/{service_id}": _one("One offer", "Service", "service_id", "service", "Services"),
    "/taxonomies": _list(
        "Vocabulary terms",
        "Every active term of every vocabulary (ECM outcomes and aims, themes, problem areas, service areas, "
        "target groups, organisation types, delivery modes, cost bases, frameworks, accreditation schemes, "
        "National Indicators …), vocabulary by vocabulary. Use a term's `id` as `taxonomy_term_id`.",
        "TaxonomyTerm",
        (params.VOCABULARY, *params.PAGINATION),
        "Taxonomies",
    ),
    "/kitemarked": _list(
        "The kitemarked list",
        "Published organisations holding a kitemark in force today, with its award and expiry dates; the filters "
        "are those of /organizations. A suspended, lapsed or expired kitemark leaves the list at once.",
        "KitemarkedOrganization",
        (*params.DIRECTORY_FILTERS, *params.PAGINATION),
        "Kitemarked",
    ),
    "/needs": _list(
        "Open needs",
        "Needs open for responses, latest deadline first. `locality` matches as on the opportunities board: a "
        "need in a district matches its county and the other way round.",
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
                "Read-only open data: published cultural organisations and their offers in the shape of the Open "
                "Referral UK standard, the vocabularies they are tagged with, the kitemarked list and open needs. "
                "Only what the public pages show is ever included. No key is needed; responses allow any origin "
                "(CORS) and carry an ETag for cheap revalidation. Reference data contains public sector "
                "information licensed under the Open Government Licence v3.0."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
