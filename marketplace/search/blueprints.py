"""The search pages' blueprints: the directory search (``search``), matching needs and providers
(``matching``) and the commissioners' area overview (``area``)."""

from flask import Blueprint

search_bp = Blueprint("search", __name__)
matching_bp = Blueprint("matching", __name__)
area_bp = Blueprint("area", __name__)
