"""Admin pages: the audit log, newest first, filtered by who/what/which object/when, and its CSV export."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, render_template, request, stream_with_context

from marketplace.audit import bp, presenters, queries
from marketplace.audit.forms import AuditFilterForm
from marketplace.core.clock import utcnow
from marketplace.core.permissions import role_required
from marketplace.core.roles import Role


def _filter_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args, actions=queries.known_actions(), object_types=queries.object_types())
    form.validate()
    return form


def _filter_query() -> str:
    """The filters as a query string, for page links and the download link."""
    return urlencode([(name, value) for name, value in request.args.items(multi=True) if name != "page"])


def _page(form: AuditFilterForm, status: int = 200):
    pagination = None
    if not form.errors:
        pagination = queries.events_page(form.filters(), request.args.get("page", 1, type=int))
    return render_template(
        "audit/index.html",
        form=form,
        pagination=pagination,
        filter_query=_filter_query(),
        changes=presenters.changes,
        describe=presenters.describe,
        object_label=presenters.object_label,
        names=queries.object_names(pagination.items) if pagination else {},
    ), status


@bp.get("/")
@role_required(Role.ADMIN)
def index():
    return _page(_filter_form())


@bp.get("/events.csv")
@role_required(Role.ADMIN)
def export_csv():
    form = _filter_form()
    if form.errors:
        return _page(form, status=400)
    lines = presenters.csv_lines(queries.all_events(form.filters()))
    filename = f"audit-log-{utcnow():%Y-%m-%d-%H%M}.csv"
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
