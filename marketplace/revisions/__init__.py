"""Reviewed edits for trusted listings: material changes wait for an assessor; minor ones feed a change list.

Once an organisation is kitemarked or its safeguarding verified (``trust``), the directory asks here before saving
a material edit (``directory.signals.material_edit``): the edit is stored as a :class:`ProfileRevision` with its
field-by-field diff and the live records, which everything public reads, stay as approved until an assessor
approves it. Minor edits go live at once and are listed in the assessors' change feed.
"""

from flask import Blueprint

bp = Blueprint("revisions", __name__)

from marketplace.revisions import receivers, views  # noqa: E402, F401
