"""Admin pages to view vocabularies and localities, and to import a localities CSV."""

from __future__ import annotations

import io

from flask import abort, flash, render_template, request
from sqlalchemy import select

from marketplace.core.permissions import role_required
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.reference import bp, services
from marketplace.reference.forms import LocalityImportForm
from marketplace.reference.models import Term, Vocabulary


@bp.get("/")
@role_required(Role.ADMIN)
def index():
    return render_template("reference/index.html", vocabularies=services.vocabulary_summaries())


@bp.get("/vocabularies/<key>")
@role_required(Role.ADMIN)
def vocabulary(key: str):
    vocab = db.session.scalar(select(Vocabulary).where(Vocabulary.key == key)) or abort(404)
    terms = db.session.scalars(select(Term).where(Term.vocabulary_id == vocab.id).order_by(Term.position)).all()
    return render_template("reference/vocabulary.html", vocabulary=vocab, terms=terms)


@bp.get("/localities")
@role_required(Role.ADMIN)
def localities():
    region = request.args.get("region") or None
    tier = request.args.get("tier") if request.args.get("tier") in services.LOCALITY_TIERS else None
    text = (request.args.get("q") or "").strip()
    return render_template(
        "reference/localities.html",
        localities=services.localities(region=region, tier=tier, text=text),
        regions=services.regions(),
        tiers=services.LOCALITY_TIERS,
        region=region,
        tier=tier,
        text=text,
    )


@bp.route("/localities/import", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def import_localities():
    form = LocalityImportForm()
    report = None
    if form.validate_on_submit():
        raw = form.csv_file.data.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.csv_file.errors = [*form.csv_file.errors, "The file must be a CSV file saved as UTF-8"]
        else:
            report = services.import_localities_csv(io.StringIO(text, newline=""))
            flash(f"Localities: {report.summary}", "error" if report.errors else "success")
    return render_template("reference/import_localities.html", form=form, report=report)
