"""Refs: the stable, readable keys that import files give records ("derby-museum-of-making", "derby-cyps").

A ref names the same organisation, need or commissioning body across imports and exports, so a file can be
loaded again to update what it loaded before, and one record can point at another ("body": "derby-cyps").
Every importer checks refs with this one rule, so a ref one accepts is a ref the others accept too: 1 to 80
lower-case letters, digits and hyphens, starting with a letter or digit (safe in a URL and a file name).
"""

from __future__ import annotations

import re

REF_MAX_LENGTH = 80  # the ref columns are String(80)
# \Z, not $: "$" would also take a ref followed by a newline.
REF = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}\Z")


def is_ref(value: object) -> bool:
    """Whether ``value`` is a well-formed ref (a string; anything else, such as a number in JSON, is not)."""
    return isinstance(value, str) and REF.match(value) is not None
