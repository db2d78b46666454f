"""The search pages' blueprints: the directory search (``search``) and the commissioners' area overview
(``area``). Matching has its own (:mod:`marketplace.matching`)."""

from flask import Blueprint

search_bp = Blueprint("search", __name__)
area_bp = Blueprint("area", __name__)
