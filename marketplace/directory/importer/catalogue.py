"""Vocabularies, localities and existing refs, read once per import so checking a record needs no queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from marketplace.directory.importer.schema import VOCABULARY_OF
from marketplace.directory.models import Offer, Organisation
from marketplace.extensions import db
from marketplace.reference.models import Locality, Term, Vocabulary


@dataclass
class Catalogue:
    """Vocabularies, localities and existing refs, loaded once so validating a record needs no queries."""

    terms: dict[str, dict[str, Term]]
    aims_of: dict[str, set[str]]
    localities: dict[str, Locality]
    organisation_refs: set[str]
    offer_owners: dict[str, str | None]

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
        owners = db.session.execute(
            select(Offer.ref, Organisation.ref).join(Offer.organisation).where(Offer.ref.is_not(None))
        )
        return cls(
            terms=terms,
            aims_of=aims_of,
            localities={locality.ons_code: locality for locality in db.session.scalars(select(Locality))},
            organisation_refs=set(db.session.scalars(select(Organisation.ref).where(Organisation.ref.is_not(None)))),
            offer_owners={offer_ref: organisation_ref for offer_ref, organisation_ref in owners},
        )

    def term(self, field_name: str, code: str) -> Term:
        return self.terms[VOCABULARY_OF[field_name]][code]

    def known(self, field_name: str, code: str) -> str | None:
        """Why ``code`` cannot be used for ``field_name``, or None when it can."""
        term = self.terms.get(VOCABULARY_OF[field_name], {}).get(code)
        if term is None:
            return f'unknown {VOCABULARY_OF[field_name]} "{code}"'
        if not term.is_active:
            return f'{VOCABULARY_OF[field_name]} "{code}" is no longer in use'
        return None
