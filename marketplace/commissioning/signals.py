"""Commissioning events other domains may act on, without commissioning importing them.

``need_awarded`` is sent by ``award_need`` inside its transaction, before the commit, with the need as sender and
``response`` and ``commissioner`` as keyword arguments: a receiver's changes are committed (or rolled back)
with the award itself. Monitoring subscribes to create the commissioned service.
"""

from blinker import Namespace

_signals = Namespace()
need_awarded = _signals.signal("need-awarded")
