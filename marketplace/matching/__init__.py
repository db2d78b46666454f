"""Matching: the providers that fit a need and the needs that fit a provider, as a room of its own.

:mod:`.ranking` ranks and explains (one score per pair), :mod:`.places` and :mod:`.ages` hold its rules of where
and for whom, :mod:`.views` the commissioner's matches and the provider's opportunities. The search engines
only supply candidates; ``flask search match`` stays the command-line way in.
"""

from flask import Blueprint

bp = Blueprint("matching", __name__)

from marketplace.matching import cli  # noqa: E402, F401 - adds ``flask search match``
