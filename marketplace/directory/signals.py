"""Directory events other domains may act on, without the directory importing them.

``safeguarding_changed`` is sent by ``save_safeguarding`` inside its transaction, before the commit, when an edit
changes a verified safeguarding record: the record is the sender, ``changed`` (labels of the fields changed) and
``user`` are keyword arguments. Verification subscribes to send the record back for re-verification, so a
receiver's changes are committed (or rolled back) with the edit itself.
"""

from blinker import Namespace

_signals = Namespace()
safeguarding_changed = _signals.signal("safeguarding-changed")
