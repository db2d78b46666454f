"""Evidence routes: provider pages for the provider's own organisation, and document downloads."""

from __future__ import annotations

from datetime import date

from marketplace.directory.evidence import services, storage
from marketplace.reference.services import terms_by_code
from tests.directory.evidence import files
from tests.forms import file_storage
from tests.permissions.roles import everyone, only

PROVIDERS = ("provider_a", "provider_b")
# Provider A's own record: provider B gets 404 (another organisation's record is never revealed).
OWN_RECORD = {**only(*PROVIDERS), "provider_b": 404}
POST_BY_PROVIDERS = only(*PROVIDERS, status=400)  # the walk sends no CSRF token

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("evidence.index", "GET"): only(*PROVIDERS),
    # Organisation A is a draft: its documents go to its members, assessors and admins only.
    ("evidence.download_document", "GET"): {**everyone(404), "provider_a": 200, "assessor": 200, "admin": 200},
    ("evidence.safeguarding", "GET"): only(*PROVIDERS),
    ("evidence.safeguarding", "POST"): POST_BY_PROVIDERS,
    ("evidence.accreditations", "GET"): only(*PROVIDERS),
    ("evidence.new_accreditation", "GET"): only(*PROVIDERS),
    ("evidence.new_accreditation", "POST"): POST_BY_PROVIDERS,
    ("evidence.edit_accreditation", "GET"): OWN_RECORD,
    ("evidence.edit_accreditation", "POST"): POST_BY_PROVIDERS,
    ("evidence.delete_accreditation", "GET"): OWN_RECORD,
    ("evidence.delete_accreditation", "POST"): POST_BY_PROVIDERS,
    ("evidence.impact_list", "GET"): only(*PROVIDERS),
    ("evidence.new_impact", "GET"): only(*PROVIDERS),
    ("evidence.new_impact", "POST"): POST_BY_PROVIDERS,
    ("evidence.edit_impact", "GET"): OWN_RECORD,
    ("evidence.edit_impact", "POST"): POST_BY_PROVIDERS,
    ("evidence.delete_impact", "GET"): OWN_RECORD,
    ("evidence.delete_impact", "POST"): POST_BY_PROVIDERS,
}


def make_url_args(users: dict) -> dict:
    provider = users["provider_a"]
    organisation = provider.organisation
    document = storage.store_upload(file_storage(files.pdf(), "policy.pdf"), organisation, provider)
    accreditation = services.save_accreditation(
        organisation,
        user=provider,
        data={
            "scheme_id": terms_by_code("accreditation_scheme")["museum-accreditation"].id,
            "awarded_on": date(2024, 1, 1),
        },
    )
    evidence = services.save_impact_evidence(
        organisation, user=provider, data={"title": "Case study", "kind": "case_study"}
    )
    return {"document_id": document.id, "accreditation_id": accreditation.id, "impact_evidence_id": evidence.id}
