"""Draft sentences for a contribution statement, built from what the organisation has already told us.

The MLA guide gives each statement as a template ("The (insert name of service) contributes to … by …") and
people stared at an empty box. The composer starts them from their own offers, ECM outcome contributions and
impact evidence: they pick which to cite, get a draft made of plain sentences, and edit it. These functions are
pure (no database, no request), so the wording is easy to test and to change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from marketplace.commissioning.models import FrameworkAim, FrameworkOutcome, FrameworkTheme
from marketplace.directory.models import ImpactEvidence, Offer, Organisation, OutcomeContribution
from marketplace.reference.models import Term

PLACEHOLDER = re.compile(r"(the\s+)?\(insert name of service\)", re.I)
RESULT_LIMIT = 300
GAP = "…"


def _join(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _ages(offer: Offer) -> str:
    if offer.age_min is not None and offer.age_max is not None:
        return f" (ages {offer.age_min} to {offer.age_max})"
    if offer.age_min is not None:
        return f" (ages {offer.age_min} and over)"
    return ""


def offers_phrase(offers: Sequence[Offer]) -> str:
    """ "running Family Makers (ages 5 to 11) and Story Time", or the template's gap when nothing is cited."""
    if not offers:
        return GAP
    return "running " + _join([f"{offer.title}{_ages(offer)}" for offer in offers])


def outcomes_sentence(contributions: Sequence[OutcomeContribution]) -> str:
    """ "This helps children and young people to be healthy (healthy lifestyles) and enjoy and achieve." """
    if not contributions:
        return ""
    parts = []
    for contribution in contributions:
        aims = "; ".join(aim.label.lower() for aim in contribution.aims)
        parts.append(f"{contribution.outcome.label.lower()}{f' ({aims})' if aims else ''}")
    return f"This helps children and young people to {_join(parts)}."


def _period(evidence: ImpactEvidence) -> str:
    if evidence.period_start and evidence.period_end:
        return f" ({evidence.period_start.year}" + (
            f" to {evidence.period_end.year})" if evidence.period_end.year != evidence.period_start.year else ")"
        )
    return ""


def evidence_sentences(evidence: Sequence[ImpactEvidence]) -> list[str]:
    """One sentence per piece of evidence: what it was, when, with how many, and what it found."""
    sentences = []
    for item in evidence:
        kind = "evaluation" if item.kind == "evaluation" else "case study"
        sample = f" with {item.sample_size} participants" if item.sample_size else ""
        result = " ".join(item.result.split())
        if len(result) > RESULT_LIMIT:
            result = result[: RESULT_LIMIT - 1].rsplit(" ", 1)[0] + "…"
        finding = f" found: {result.rstrip('.')}." if result else "."
        sentences.append(f"Our {kind} “{item.title}”{_period(item)}{sample}{finding}")
    return sentences


def _sentences(lead: str, contributions, evidence) -> str:
    return " ".join(part for part in (lead, outcomes_sentence(contributions), *evidence_sentences(evidence)) if part)


def template_draft(
    framework: Term,
    organisation: Organisation,
    *,
    offers: Sequence[Offer] = (),
    contributions: Sequence[OutcomeContribution] = (),
    evidence: Sequence[ImpactEvidence] = (),
) -> str:
    """The MLA template for ``framework`` with the organisation's name and cited offers filled in; any further
    "…" of the template stays for the writer, followed by sentences for the cited outcomes and evidence."""
    template = framework.description or f"The (insert name of service) contributes to the {framework.label} by …"
    template = template.split(" (for example", 1)[0].split(" under each outcome", 1)[0].strip()
    lead = PLACEHOLDER.sub(organisation.name, template, count=1)
    lead = lead.replace(GAP, offers_phrase(offers), 1)
    if not lead.endswith((".", GAP)):
        lead += "."
    return _sentences(lead, contributions, evidence)


def body_draft(
    organisation: Organisation,
    *,
    theme: FrameworkTheme,
    aim: FrameworkAim | None = None,
    outcome: FrameworkOutcome | None = None,
    offers: Sequence[Offer] = (),
    contributions: Sequence[OutcomeContribution] = (),
    evidence: Sequence[ImpactEvidence] = (),
) -> str:
    """ "Derby Museums contributes to Derby City Council's Children and Young People's Plan priority “Be healthy”
    (aim “…”, outcome “…”) by running …", then outcomes and evidence, then the measure it can move, if any."""
    framework = theme.framework
    target = f"priority “{theme.title}”"
    details = [f"aim “{aim.title}”" if aim else "", f"outcome “{outcome.title}”" if outcome else ""]
    if any(details):
        target += f" ({', '.join(part for part in details if part)})"
    by = offers_phrase(offers)
    lead = f"{organisation.name} contributes to {framework.body.name}'s {framework.name} {target} by {by}"
    lead = lead if lead.endswith(GAP) else lead + "."
    text = _sentences(lead, contributions, evidence)
    if outcome is not None and outcome.measures:
        text += f" We can report against the measure “{outcome.measures[0].title}”."
    return text
