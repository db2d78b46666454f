"""The directory search page and saved searches."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from marketplace.core.fields import strip_text
from marketplace.core.permissions import public, require_access, signed_in
from marketplace.search import presenters, saved
from marketplace.search.blueprints import search_bp
from marketplace.search.models import SavedSearch


class SaveSearchForm(FlaskForm):
    name = StringField(
        "Name this search",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter a name for the search"),
            Length(max=saved.MAX_NAME, message=f"Name must be {saved.MAX_NAME} characters or fewer"),
        ],
    )
    query_string = HiddenField(validators=[Length(max=10 * 1024 + 2000)])
    submit = SubmitField("Save this search", widget=GovSubmitInput())


def _owned(saved_search_id: int) -> SavedSearch:
    found = saved.owned_saved_search(current_user, saved_search_id)
    require_access(found is not None)
    return found  # type: ignore[return-value]


@search_bp.get("/search")
@public
def directory():
    params = presenters.parse_params(request.args)
    page = presenters.search_page(params)
    save_form = None
    if current_user.is_authenticated:
        save_form = SaveSearchForm(formdata=None, query_string=saved.clean_query_string(request.query_string.decode()))
    return render_template(
        "search/directory.html",
        page=page,
        params=params,
        save_form=save_form,
        freshness_options=list(presenters.FRESHNESS.items()),
    )


@search_bp.get("/search/saved")
@signed_in
def saved_searches():
    return render_template("search/saved.html", searches=saved.saved_searches_of(current_user), form=None)


@search_bp.post("/search/saved")
@signed_in
def save():
    form = SaveSearchForm()
    if not form.validate_on_submit():
        searches = saved.saved_searches_of(current_user)
        return render_template("search/saved.html", searches=searches, form=form)
    saved.save_search(current_user, form.name.data, form.query_string.data or "")
    flash(f"Search saved as “{form.name.data}”", "success")
    return redirect(url_for("search.saved_searches"))


@search_bp.post("/search/saved/<int:saved_search_id>/delete")
@signed_in
def delete(saved_search_id: int):
    found = _owned(saved_search_id)
    name = found.name
    saved.delete_saved_search(current_user, found)
    flash(f"Saved search “{name}” deleted", "success")
    return redirect(url_for("search.saved_searches"))


@search_bp.post("/search/saved/<int:saved_search_id>/alerts")
@signed_in
def alerts(saved_search_id: int):
    found = _owned(saved_search_id)
    enabled = saved.toggle_alerts(current_user, found)
    flash(f"Email alerts turned {'on' if enabled else 'off'} for “{found.name}”", "success")
    return redirect(url_for("search.saved_searches"))
