"""Kitemark events other domains may act on, without kitemark importing them.

``kitemark_awarded`` is sent by ``decide_application`` inside its transaction, before the commit, with the
application as sender and ``assessor`` as a keyword argument: a receiver's changes are committed (or rolled back)
with the award itself. Safeguarding verification subscribes: an award's checklist verifies safeguarding.
"""

from blinker import Namespace

_signals = Namespace()
kitemark_awarded = _signals.signal("kitemark-awarded")
