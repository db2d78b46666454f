"""Commissioning test data: bodies, needs, outcomes frameworks and responses, with sensible defaults.

Every helper commits, so ids exist and the objects are visible to requests made by the test client.
"""

from __future__ import annotations

from datetime import timedelta

from marketplace.commissioning.models import (
    CommissioningBody,
    FrameworkAim,
    FrameworkMeasure,
    FrameworkOutcome,
    FrameworkTheme,
    Need,
    NeedStatus,
    OutcomesFramework,
    Response,
    ResponseStatus,
)
from marketplace.core.clock import today, utcnow
from marketplace.directory.models import Consortium, Organisation
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code
from tests.factories.sequence import next_number
from tests.lookups import locality


def make_body(name: str | None = None, **fields) -> CommissioningBody:
    body = CommissioningBody(name=name or f"Test Council {next_number()}", **fields)
    db.session.add(body)
    db.session.commit()
    return body


def make_need(
    body: CommissioningBody,
    *,
    status: str = NeedStatus.OPEN,
    deadline_days: int = 30,
    **fields,
) -> Need:
    """A complete need of ``body`` (short breaks in Derby, ages 5-18, £5,000-£10,000), open unless told."""
    number = next_number()
    fields.setdefault("localities", [locality("E06000015")])
    need = Need(
        body=body,
        ref=fields.pop("ref", f"test-need-{number}"),
        title=fields.pop("title", f"Short breaks programme {number}"),
        summary=fields.pop("summary", "Creative short breaks for disabled children and their families."),
        description=fields.pop("description", "Weekend and holiday sessions at a museum or arts venue."),
        kind=fields.pop("kind", terms_by_code("need_kind")["short-breaks"]),
        service_area=fields.pop("service_area", terms_by_code("service_area")["short-breaks-for-disabled-children"]),
        level=fields.pop("level", terms_by_code("commissioning_level")["locality"]),
        age_min=fields.pop("age_min", 5),
        age_max=fields.pop("age_max", 18),
        budget_min_pence=fields.pop("budget_min_pence", 500_000),
        budget_max_pence=fields.pop("budget_max_pence", 1_000_000),
        response_deadline=fields.pop("response_deadline", today() + timedelta(days=deadline_days)),
        status=status,
        published_at=fields.pop("published_at", None if status == NeedStatus.DRAFT else utcnow()),
        **fields,
    )
    db.session.add(need)
    db.session.commit()
    return need


def make_framework(body: CommissioningBody, name: str | None = None) -> OutcomesFramework:
    """A small framework of ``body``: one theme → aim → outcome (mapped to "enjoy and achieve") → measure."""
    number = next_number()
    measure = FrameworkMeasure(
        code="ks2-attainment",
        title="% achieving level 4 in English and maths at key stage 2",
        current_position="72%",
        target="78%",
        timescale="2014",
        lead="Head of school improvement",
    )
    outcome = FrameworkOutcome(
        code="outstanding-teaching",
        title="Outstanding teaching and learning",
        ecm_outcomes=[terms_by_code("ecm_outcome")["enjoy-and-achieve"]],
        measures=[measure],
    )
    aim = FrameworkAim(code="improving-achievement", title="Improving achievement", outcomes=[outcome])
    theme = FrameworkTheme(code="attainment", title="Improved educational attainment", aims=[aim])
    framework = OutcomesFramework(body=body, name=name or f"Outcomes framework {number}", themes=[theme])
    db.session.add(framework)
    db.session.commit()
    return framework


def make_response(
    need: Need,
    organisation: Organisation,
    *,
    consortium: Consortium | None = None,
    **fields,
) -> Response:
    """A submitted response by ``organisation`` (or ``consortium``, led by it) to ``need``."""
    response = Response(
        need=need,
        organisation=organisation,
        consortium=consortium,
        approach=fields.pop("approach", "Weekly creative sessions at our venue, led by experienced artists."),
        outcomes_statement=fields.pop("outcomes_statement", "Improved confidence and enjoyment."),
        price_pence=fields.pop("price_pence", 750_000),
        status=fields.pop("status", ResponseStatus.SUBMITTED),
        **fields,
    )
    db.session.add(response)
    db.session.commit()
    return response
