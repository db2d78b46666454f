"""One counter for every factory, so generated names and emails never collide across domains."""

from __future__ import annotations

import itertools

_counter = itertools.count(1)


def next_number() -> int:
    return next(_counter)
