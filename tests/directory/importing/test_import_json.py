"""Importing the JSON interchange format: create, update by ref, converge, reject bad records with every reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.audit.models import AuditEvent
from marketplace.directory.importer import InterchangeFileError, import_directory
from marketplace.directory.importer import writer as importer
from marketplace.directory.models import (
    Consortium,
    ConsortiumMembership,
    FrameworkStatement,
    MembershipStatus,
    Offer,
    Organisation,
    OrganisationStatus,
    OutcomeContribution,
)
from marketplace.extensions import db
from tests.directory.importing import samples
from tests.factories import make_organisation


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _organisation(ref: str) -> Organisation:
    db.session.expire_all()
    return db.session.scalar(select(Organisation).where(Organisation.ref == ref))


def _codes(terms) -> list[str]:
    return sorted(term.code for term in terms)


def test_importing_a_small_file_creates_organisations_offers_and_all_their_links(app):
    report = import_directory(samples.directory())

    assert (report.organisations.created, report.offers.created, report.consortia.created) == (2, 2, 1)
    assert report.rejected == []
    trust = _organisation("peak-heritage")
    assert trust.name == "Peak Heritage Trust"
    assert (trust.organisation_type.code, trust.legal_form.code) == ("heritage-site", "charity")
    assert (trust.postcode, trust.contact_email, trust.age_min, trust.age_max) == (
        "DE56 1YD",
        "learning@peak-heritage.example.org",
        5,
        18,
    )
    assert sorted(locality.ons_code for locality in trust.localities) == [samples.AMBER_VALLEY, samples.DERBYSHIRE]
    assert _codes(trust.target_groups) == ["families", "young-carers"]
    assert _codes(trust.indicators) == ["ni-11", "ni-110"]
    contributions = {c.outcome.code: c for c in trust.outcome_contributions}
    assert _codes(contributions["enjoy-and-achieve"].aims) == [
        "attend-and-enjoy-school",
        "personal-and-social-development-and-recreation",
    ]
    assert contributions["make-a-positive-contribution"].statement.startswith("The trust contributes to Make")
    assert {s.framework.code for s in trust.framework_statements} == {"national-indicators", "extended-services"}
    assert (trust.full_cost_recovery, trust.unit_cost_pence, trust.social_return_ratio) == (True, 850, Decimal("3.50"))
    assert trust.status == OrganisationStatus.PUBLISHED and trust.published_at is not None
    guides = db.session.scalar(select(Offer).where(Offer.ref == "peak-heritage-young-guides"))
    assert guides.organisation == trust
    assert (guides.title, guides.price_pence, guides.cost_basis.code, guides.send_suitable) == (
        "Young Guides",
        300000,
        "per-project",
        False,
    )
    assert _codes(guides.delivery_modes) == ["at-our-venue"]
    assert [locality.ons_code for locality in guides.localities] == [samples.AMBER_VALLEY]
    assert _codes(guides.outcomes) == ["make-a-positive-contribution"]
    assert _codes(guides.aims) == ["develop-self-confidence-and-deal-with-change"]
    assert _codes(guides.service_areas) == ["integrated-youth-support", "positive-activities"]
    consortium = db.session.scalar(select(Consortium))
    assert consortium.lead_organisation == trust and consortium.legal_form.code == "unincorporated"
    assert {(m.organisation.ref, m.status) for m in consortium.memberships} == {
        ("peak-heritage", MembershipStatus.ACCEPTED),
        ("derby-story-house", MembershipStatus.ACCEPTED),
    }


def test_importing_the_same_file_again_changes_nothing(app):
    import_directory(samples.directory())
    rows = [_count(model) for model in (Organisation, Offer, OutcomeContribution, FrameworkStatement, AuditEvent)]

    again = import_directory(samples.directory())

    assert (again.organisations.unchanged, again.offers.unchanged, again.consortia.unchanged) == (2, 2, 1)
    assert again.organisations.created == again.organisations.updated == again.offers.created == 0
    assert again.consortia.created == again.consortia.updated == 0
    assert [
        _count(model) for model in (Organisation, Offer, OutcomeContribution, FrameworkStatement, AuditEvent)
    ] == rows


def test_an_updated_file_updates_fields_and_replaces_child_collections(app):
    import_directory(samples.directory())
    evidence_kept = _organisation("peak-heritage").outcome_contributions
    kept_id = next(c.id for c in evidence_kept if c.outcome.code == "enjoy-and-achieve")
    changed = samples.organisation(
        name="Peak Heritage and Mills Trust",
        localities=[samples.DERBY],
        target_groups=["families"],
        indicators=[],
        outcomes=[
            {"outcome": "enjoy-and-achieve", "aims": ["ready-for-school"], "statement": "A new statement."},
            {"outcome": "be-healthy", "aims": ["healthy-lifestyles"], "statement": "Walks along the river."},
        ],
        framework_statements=[{"framework": "extended-services", "statement": "Holiday clubs too."}],
    )
    changed["offers"] = [dict(changed["offers"][1], price_pence=15000), new_offer()]

    report = import_directory({"organisations": [changed]})

    assert (report.organisations.updated, report.organisations.unchanged) == (1, 0)
    assert (report.offers.created, report.offers.updated, report.offers.removed) == (1, 1, 1)
    trust = _organisation("peak-heritage")
    assert trust.name == "Peak Heritage and Mills Trust"
    assert [locality.ons_code for locality in trust.localities] == [samples.DERBY]
    assert _codes(trust.target_groups) == ["families"] and trust.indicators == []
    contributions = {c.outcome.code: c for c in trust.outcome_contributions}
    assert set(contributions) == {"enjoy-and-achieve", "be-healthy"}
    assert contributions["enjoy-and-achieve"].id == kept_id  # kept (with any evidence linked to it), not recreated
    assert _codes(contributions["enjoy-and-achieve"].aims) == ["ready-for-school"]
    assert [(s.framework.code, s.statement) for s in trust.framework_statements] == [
        ("extended-services", "Holiday clubs too.")
    ]
    assert sorted(offer.ref for offer in trust.offers) == ["peak-heritage-school-visits", "peak-heritage-story-walks"]
    assert db.session.scalar(select(Offer).where(Offer.ref == "peak-heritage-young-guides")) is None
    assert _count(OutcomeContribution) == 2 and _count(FrameworkStatement) == 1


def new_offer() -> dict:
    return {
        "ref": "peak-heritage-story-walks",
        "title": "Story Walks",
        "outcomes": ["be-healthy"],
        "aims": ["healthy-lifestyles"],
        "localities": [samples.DERBY],
    }


def test_a_key_left_out_of_a_record_leaves_what_is_stored(app):
    import_directory(samples.directory())

    report = import_directory(
        {"organisations": [{"ref": "peak-heritage", "name": "Peak Heritage Trust", "age_max": 19}]}
    )

    assert report.organisations.updated == 1 and report.offers == importer.Counts()
    trust = _organisation("peak-heritage")
    assert (trust.age_min, trust.age_max) == (5, 19)
    assert len(trust.offers) == 2 and len(trust.outcome_contributions) == 2 and trust.contact_name == "Asha Patel"


def test_each_created_or_updated_organisation_gets_an_audit_event(app):
    import_directory(samples.directory())
    import_directory({"organisations": [samples.organisation(contact_phone="01773 999999")]})

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "organisation.imported")).all()

    trust = _organisation("peak-heritage")
    assert len(events) == 3
    update = [e for e in events if e.object_id == str(trust.id)][-1]
    assert update.before == {"contact_phone": "01773 000111"} and update.after == {"contact_phone": "01773 999999"}


def test_consortium_members_not_in_the_file_have_left_and_listed_ones_are_accepted(app):
    import_directory(samples.directory())

    report = import_directory({"consortia": [samples.consortium(members=["peak-heritage"])]})

    assert report.consortia.updated == 1
    memberships = {m.organisation.ref: m for m in db.session.scalars(select(ConsortiumMembership))}
    assert memberships["peak-heritage"].status == MembershipStatus.ACCEPTED
    assert memberships["derby-story-house"].status == MembershipStatus.LEFT
    assert memberships["derby-story-house"].left_at is not None


def test_a_suspended_organisation_stays_suspended_when_imported_as_published(app):
    import_directory(samples.directory())
    _organisation("peak-heritage").status = OrganisationStatus.SUSPENDED
    db.session.commit()

    report = import_directory({"organisations": [samples.organisation()]})

    assert report.organisations.unchanged == 1
    assert _organisation("peak-heritage").status == OrganisationStatus.SUSPENDED


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"organisation_type": "musem"}, 'unknown organisation_type "musem"'),
        ({"age_min": 130}, "age_min must be between 0 and 120"),
        ({"age_min": 12, "age_max": 8}, "age_min must not be more than age_max"),
        ({"ref": "Peak Heritage"}, "ref must be 1 to 80 lowercase letters, digits and hyphens"),
        ({"name": " "}, "name is missing"),
        ({"localities": ["E99999999"]}, 'localities: unknown ONS code "E99999999"'),
        ({"target_groups": ["pirates"]}, 'unknown target_group "pirates"'),
        ({"indicators": ["ni-999"]}, 'unknown national_indicator "ni-999"'),
        ({"contact_email": "not an email"}, "contact_email must be an email address"),
        ({"website": "www.example.org"}, "website must be a web address starting http:// or https://"),
        ({"postcode": "DE1"}, "postcode must be a UK postcode"),
        ({"status": "live"}, 'status must be "draft" or "published", not "live"'),
        ({"registration_number": 1155478}, "registration_number must be text"),
        ({"colour": "blue"}, 'unknown field "colour"'),
        (
            {"outcomes": [{"outcome": "be-healthy", "aims": ["ready-for-school"], "statement": "x"}]},
            'outcomes[0] aim "ready-for-school" is not an aim of outcome "be-healthy"',
        ),
        (
            {"framework_statements": [{"framework": "laa"}]},
            'framework_statements[0] unknown contribution_framework "laa"',
        ),
        (
            {"value_for_money": {"unit_cost_pence": 8.5}},
            "value_for_money unit_cost_pence must be a whole number of pence",
        ),
        ({"value_for_money": {"social_return_ratio": "high"}}, "social_return_ratio must be a number"),
    ],
)
def test_an_invalid_organisation_is_rejected_with_its_reason(app, changes, reason):
    report = import_directory({"organisations": [samples.organisation(**changes)]})

    assert _count(Organisation) == 0
    assert len(report.rejected) == 1
    assert reason in str(report.rejected[0])


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"price_pence": 12.5}, "price_pence must be a whole number of pence"),
        ({"capacity_per_year": -1}, "capacity_per_year must not be negative"),
        ({"group_size_min": 20, "group_size_max": 10}, "group_size_min must not be more than group_size_max"),
        ({"title": ""}, "title is missing"),
        ({"cost_basis": "per-hour"}, 'unknown cost_basis "per-hour"'),
        ({"delivery_modes": "outreach"}, "delivery_modes must be a list of codes"),
        ({"aims": ["ready-for-school"]}, 'aim "ready-for-school" is not an aim of the offer\'s outcomes'),
        ({"send_suitable": "yes"}, "send_suitable must be true or false"),
    ],
)
def test_an_invalid_offer_rejects_its_organisation_and_names_the_offer(app, changes, reason):
    record = samples.organisation()
    record["offers"][0].update(changes)

    report = import_directory({"organisations": [record]})

    assert _count(Organisation) == 0 and _count(Offer) == 0
    assert f'offers[0] ref "peak-heritage-young-guides" {reason}' in str(report.rejected[0])


def test_a_file_with_valid_and_invalid_records_imports_the_valid_ones_and_reports_every_reason(app):
    bad = samples.second_organisation(ref="bad-museum", organisation_type="musem", age_min=130, contact_email="nope")
    duplicate = samples.organisation(name="A copy")
    data = {"organisations": [samples.organisation(), bad, samples.second_organisation(), duplicate, "not a record"]}

    report = import_directory(data)

    assert report.organisations.created == 2
    assert {o.ref for o in db.session.scalars(select(Organisation))} == {"peak-heritage", "derby-story-house"}
    messages = [str(rejection) for rejection in report.rejected]
    assert messages == [
        'organisations[1] ref "bad-museum": unknown organisation_type "musem"; '
        "contact_email must be an email address, like name@example.org; age_min must be between 0 and 120",
        'organisations[3] ref "peak-heritage": ref "peak-heritage" appears more than once (first at organisations[0]); '
        'offer ref "peak-heritage-school-visits" appears more than once (first at organisations[0]); '
        'offer ref "peak-heritage-young-guides" appears more than once (first at organisations[0])',
        "organisations[4] (no ref): must be an object with a ref and a name",
    ]
    assert [(r.index, r.ref) for r in report.rejected] == [(1, "bad-museum"), (3, "peak-heritage"), (4, None)]


def test_an_offer_ref_belonging_to_another_organisation_is_rejected(app):
    import_directory(samples.directory())
    record = samples.second_organisation(offers=[dict(new_offer(), ref="peak-heritage-young-guides")])

    report = import_directory({"organisations": [record]})

    assert 'offer ref "peak-heritage-young-guides" already belongs to organisation "peak-heritage"' in str(
        report.rejected[0]
    )
    assert db.session.scalar(select(Offer).where(Offer.ref == "peak-heritage-young-guides")).organisation.ref == (
        "peak-heritage"
    )


def test_a_consortium_with_an_unknown_lead_or_member_is_rejected(app):
    data = samples.directory()
    data["consortia"] = [samples.consortium(lead="nobody", members=["peak-heritage", "ghost"])]

    report = import_directory(data)

    assert report.organisations.created == 2 and _count(Consortium) == 0
    assert str(report.rejected[0]) == (
        'consortia[0] ref "derbyshire-heritage-consortium": lead "nobody" is not an organisation in the file or the '
        'directory; member "ghost" is not an organisation in the file or the directory'
    )


def test_a_record_the_database_refuses_is_rejected_without_undoing_the_others(app, monkeypatch):
    real = importer._import_organisation

    def refuse_one(record, organisation, catalogue, report):
        if record["ref"] == "derby-story-house":
            real(record, organisation, catalogue, report)
            db.session.flush()
            raise IntegrityError("INSERT", {}, Exception("simulated constraint failure"))
        return real(record, organisation, catalogue, report)

    monkeypatch.setattr(importer, "_import_organisation", refuse_one)
    data = samples.directory()
    data["organisations"].append(dict(samples.second_organisation(), ref="third-org", name="Third"))

    report = import_directory(data)

    assert {o.ref for o in db.session.scalars(select(Organisation))} == {"peak-heritage", "third-org"}
    assert "the database refused it: simulated constraint failure" in str(report.rejected[0])
    assert _count(AuditEvent) == 2  # the refused record's audit event went with it
    assert str(report.rejected[1]) == (
        'consortia[0] ref "derbyshire-heritage-consortium": organisation "derby-story-house" was not imported'
    )


@pytest.mark.parametrize("data", [[], {"people": []}, {"organisations": {"ref": "x"}}, "text"])
def test_data_of_the_wrong_shape_imports_nothing(app, data):
    with pytest.raises(InterchangeFileError):
        import_directory(data)
    assert _count(Organisation) == 0


def test_an_organisation_created_in_the_app_is_not_touched_by_an_import_of_another_ref(app):
    existing = make_organisation("App Museum")

    import_directory(samples.directory())

    db.session.expire_all()
    assert existing.ref is None and existing.name == "App Museum"
