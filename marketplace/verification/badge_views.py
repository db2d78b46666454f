"""Public: the verify page (``/verify/<code>``) and the embeddable SVG badge, both always current."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, url_for

from marketplace.core.permissions import public
from marketplace.verification import bp
from marketplace.verification.badge import badge_lines, badge_status, code_for, organisation_for

# Every viewer revalidates (a 304 while nothing changed), so a suspension shows at once, never after a cache expiry.
BADGE_CACHE = "public, no-cache"


def _status_or_404(code: str):
    organisation = organisation_for(code)
    if organisation is None:
        abort(404)
    return organisation, badge_status(organisation)


def snippet(organisation) -> str:
    """The HTML a provider pastes into its own website (absolute links from BASE_URL, never the Host header)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    code = code_for(organisation)
    page = base + url_for("verification.verify_page", code=code)
    image = base + url_for("verification.badge_svg", code=code)
    return (
        f'<a href="{page}"><img src="{image}" width="240" height="48" '
        f'alt="{organisation.name}: check its kitemark and safeguarding status"></a>'
    )


@bp.get("/verify/<code>")
@public
def verify_page(code: str):
    organisation, status = _status_or_404(code)
    response = Response(
        render_template(
            "verification/verify.html", organisation=organisation, status=status, snippet=snippet(organisation)
        )
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/verify/<code>/badge.svg")
@public
def badge_svg(code: str):
    _, status = _status_or_404(code)
    etag = status.fingerprint()
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        headline, second, colour = badge_lines(status)
        svg = render_template("verification/badge.svg", headline=headline, second=second, colour=colour, status=status)
        response = Response(svg, mimetype="image/svg+xml")
    response.set_etag(etag)
    response.headers["Cache-Control"] = BADGE_CACHE
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
