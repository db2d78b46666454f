"""Documents built in bulk (plain rows, one query per kind for a batch) equal documents built one at a time.

The one-at-a-time builder (``organisation_document`` from an ORM object) is the reference; the bulk path is what
rebuilds, index updates and matching use. A varied directory: generated organisations and consortia, plus the
cases a document must get right — drafts, a stale listing, kitemarks in force and lapsed, verified safeguarding,
current and expired accreditations, adults-only,
problem areas, an older confirmation, a consortium with an invited member and an unpublished lead.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from marketplace.core.clock import today, utcnow
from marketplace.directory.importer import import_directory
from marketplace.directory.models import (
    Consortium,
    ConsortiumMembership,
    MembershipStatus,
    Organisation,
    OrganisationStatus,
)
from marketplace.extensions import db
from marketplace.kitemark.models import Kitemark, KitemarkStatus
from marketplace.search.engines.engine import engine_for
from marketplace.search.index.documents import (
    DocumentBatch,
    _published_members,
    all_documents,
    consortium_doc_id,
    consortium_document,
    organisation_doc_id,
    organisation_document,
)
from marketplace.search.index.maintenance import check
from scripts.generate_directory import generate
from tests.factories import make_accreditation, make_safeguarding
from tests.lookups import term


@pytest.fixture
def directory(app):
    """Generated organisations and consortia, then the awkward cases set on some of them."""
    import_directory(generate(60, seed=21))
    organisations = list(db.session.scalars(select(Organisation).order_by(Organisation.id)))
    published = [o for o in organisations if o.status == OrganisationStatus.PUBLISHED]
    on = today()
    make_safeguarding(published[0], verified_at=utcnow())
    make_safeguarding(published[1])  # not verified
    make_accreditation(published[2], expires_on=on + timedelta(days=30))
    make_accreditation(published[3], expires_on=on - timedelta(days=1))  # expired: not listed
    make_accreditation(published[4], expires_on=None)
    for organisation, status, expires in (
        (published[5], KitemarkStatus.ACTIVE, on + timedelta(days=200)),
        (published[6], KitemarkStatus.SUSPENDED, on + timedelta(days=200)),
        (published[7], KitemarkStatus.ACTIVE, on - timedelta(days=3)),
    ):
        db.session.add(
            Kitemark(
                organisation_id=organisation.id, awarded_on=on - timedelta(days=300), expires_on=expires, status=status
            )
        )
    published[8].adults_only = True
    published[9].is_stale = True
    published[12].problem_areas = [term("problem_area", "neet"), term("problem_area", "obesity")]
    published[13].confirmed_at = utcnow() - timedelta(days=200)
    consortium = Consortium(name="Northern Lights Partnership", description="Libraries together")
    consortium.lead_organisation = next(o for o in organisations if o.status != OrganisationStatus.PUBLISHED)
    db.session.add(consortium)
    db.session.flush()
    for organisation, status in ((published[10], MembershipStatus.ACCEPTED), (published[11], MembershipStatus.INVITED)):
        db.session.add(ConsortiumMembership(consortium=consortium, organisation=organisation, status=status))
    db.session.commit()
    assert db.session.scalar(select(Consortium.id).where(Consortium.id != consortium.id).limit(1)) is not None
    return organisations


def _built_singly() -> dict[str, dict]:
    documents = {}
    for organisation in db.session.scalars(select(Organisation)):
        if organisation.status == OrganisationStatus.PUBLISHED and not organisation.is_stale:
            documents[organisation_doc_id(organisation.id)] = organisation_document(organisation)
    for consortium in db.session.scalars(select(Consortium)):
        members = _published_members(consortium)
        if members:
            documents[consortium_doc_id(consortium.id)] = consortium_document(consortium, members)
    return documents


@pytest.mark.parametrize("batch", [7, 30])  # small batches list their ids; larger ones read a range of ids and skip
def test_documents_built_in_bulk_equal_documents_built_one_at_a_time(directory, batch):
    single = _built_singly()
    bulk = {document["id"]: document for document in all_documents(db.session, batch=batch)}

    assert bulk.keys() == single.keys()
    assert [doc_id for doc_id in single if bulk[doc_id] != single[doc_id]] == []
    kinds = {document["kind"] for document in bulk.values()}
    assert kinds == {"organisation", "consortium"}
    assert any(document["kitemarked"] for document in bulk.values())
    assert any(document["safeguarding_verified"] for document in bulk.values())
    assert any(document["accreditation"] for document in bulk.values())
    assert any(document["in_consortium"] for document in bulk.values() if document["kind"] == "organisation")
    assert any(document["adults_only"] for document in bulk.values())


def test_a_batch_leaves_out_drafts_and_stale_listings_and_says_they_are_gone(directory):
    draft = next(o for o in directory if o.status != OrganisationStatus.PUBLISHED)
    stale = next(o for o in directory if o.is_stale)
    live = next(o for o in directory if o.status == OrganisationStatus.PUBLISHED and not o.is_stale)
    ids = [organisation_doc_id(o.id) for o in (draft, stale, live)] + ["org-999999", "consortium-999999"]

    batch = DocumentBatch(db.session, ids)

    assert [document["id"] for document in batch.documents] == [organisation_doc_id(live.id)]
    assert batch.gone == set(ids) - {organisation_doc_id(live.id)}


@pytest.mark.parametrize("engine_name", ["whoosh", "tantivy"])
def test_each_engine_holds_the_same_versions_whichever_builder_made_the_documents(app, directory, engine_name):
    app.config["SEARCH_ENGINE"] = engine_name
    engine = engine_for(app)
    engine.rebuild(_built_singly().values())

    result = check(app)  # compares the index with documents built in bulk

    assert (result.missing, result.stale, result.extra) == ([], [], [])
    assert result.indexed == result.expected > 40


def test_a_batch_costs_the_same_queries_whatever_its_size(directory):
    ids = [organisation_doc_id(o.id) for o in directory] + [
        consortium_doc_id(i) for i in db.session.scalars(select(Consortium.id))
    ]
    counts = []
    for chosen in (ids[:4] + ids[-1:], ids):  # organisations and a consortium in both
        statements = []

        def count(*args, statements=statements):
            statements.append(args)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            DocumentBatch(db.session, chosen)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        counts.append(len(statements))

    assert counts[0] == counts[1]
