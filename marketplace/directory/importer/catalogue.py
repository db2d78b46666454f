"""Vocabularies and localities, read once per import so checking a record needs no queries.

Existing organisations and offers are not read up front (at 50,000 organisations that is most of the database):
:meth:`Catalogue.offer_owners` and :meth:`Catalogue.existing_refs` ask about one batch's refs at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from marketplace.directory.importer.schema import VOCABULARY_OF
from marketplace.directory.models import Offer, Organisation
from marketplace.extensions import db
from marketplace.reference.models import Locality, Term, Vocabulary


@dataclass
class Catalogue:
    """Vocabularies and localities, loaded once so validating a record needs no queries."""

    terms: dict[str, dict[str, Term]]
    aims_of: dict[str, set[str]]
    localities: dict[str, Locality]
    term_ids: dict[str, dict[str, int]]  # plain ids too: bulk writes read them after commits expire the rows
    locality_ids: dict[str, int]
    inactive: set[tuple[str, str]]  # (vocabulary, code) of terms no longer in use
    digest: str = ""  # changes whenever any code, its use or an aim's outcome changes (see ``fingerprint``)

    @classmethod
    def load(cls) -> Catalogue:
        terms: dict[str, dict[str, Term]] = {}
        by_id: dict[int, Term] = {}
        for term, key in db.session.execute(select(Term, Vocabulary.key).join(Term.vocabulary)):
            terms.setdefault(key, {})[term.code] = term
            by_id[term.id] = term
        aims_of: dict[str, set[str]] = {}
        for aim in terms.get("ecm_aim", {}).values():
            if aim.parent_id in by_id:
                aims_of.setdefault(by_id[aim.parent_id].code, set()).add(aim.code)
        localities = {locality.ons_code: locality for locality in db.session.scalars(select(Locality))}
        described = sorted((key, code, term.is_active) for key, codes in terms.items() for code, term in codes.items())
        aims = sorted((outcome, sorted(codes)) for outcome, codes in aims_of.items())
        digest = hashlib.sha256(repr((described, aims, sorted(localities))).encode()).hexdigest()
        return cls(
            terms=terms,
            aims_of=aims_of,
            localities=localities,
            term_ids={key: {code: term.id for code, term in codes.items()} for key, codes in terms.items()},
            locality_ids={code: locality.id for code, locality in localities.items()},
            digest=digest,
            inactive={
                (key, code) for key, codes in terms.items() for code, term in codes.items() if not term.is_active
            },
        )

    def term(self, field_name: str, code: str) -> Term:
        return self.terms[VOCABULARY_OF[field_name]][code]

    def term_id(self, field_name: str, code: str) -> int:
        return self.term_ids[VOCABULARY_OF[field_name]][code]

    def known(self, field_name: str, code: str) -> str | None:
        """Why ``code`` cannot be used for ``field_name``, or None when it can."""
        vocabulary = VOCABULARY_OF[field_name]
        if code not in self.term_ids.get(vocabulary, {}):
            return f'unknown {VOCABULARY_OF[field_name]} "{code}"'
        if (vocabulary, code) in self.inactive:
            return f'{VOCABULARY_OF[field_name]} "{code}" is no longer in use'
        return None

    @staticmethod
    def offer_owners(offer_refs: Iterable[str]) -> dict[str, str | None]:
        """``offer ref → its organisation's ref`` for the offers among ``offer_refs`` that exist: one query."""
        query = select(Offer.ref, Organisation.ref).join(Offer.organisation).where(Offer.ref.in_(list(offer_refs)))
        return {offer_ref: owner for offer_ref, owner in db.session.execute(query)}

    @staticmethod
    def existing_refs(organisation_refs: Iterable[str]) -> set[str]:
        """The refs among ``organisation_refs`` of organisations in the database: one query."""
        return set(db.session.scalars(select(Organisation.ref).where(Organisation.ref.in_(list(organisation_refs)))))
