"""An in-memory table of every indexed document's filter values, held as bitsets (Python ints).

Structured filtering and facet counting are cheapest here: each (field, value) has a bitset of document
ordinals, so a filter is a few ANDs/ORs and a facet count is ``(results & value_bits).bit_count()``, whatever
the engine. The process that writes updates its table in place; the others update theirs with just the documents
each commit changed (the index's CHANGES journal, see ``base``), and read every document again only after a
rebuild.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from marketplace.search.engines.engine import (
    AGE_UNSTATED_MAX,
    AGE_UNSTATED_MIN,
    FACET_FIELDS,
    SearchQuery,
    keyword_value,
)


def document_values(document: dict, field: str) -> list[str]:
    value = document.get(field)
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted({keyword_value(item) for item in value})
    return [keyword_value(value)]


def index_terms(value: Any) -> list[str]:
    """:func:`document_values` of a field's value, unsorted and with any repeats: what an engine indexes as the
    field's terms, where order and repeats make no difference (a document's lists are sorted and unique anyway).
    Called for every field of every document in a rebuild, so the usual shape (a list of strings) goes first."""
    if value.__class__ is list:
        return [item if item.__class__ is str else keyword_value(item) for item in value]
    if value is None:
        return []
    if isinstance(value, (tuple, set, frozenset)):
        return [keyword_value(item) for item in value]
    return [keyword_value(value)]


def document_ages(document: dict) -> tuple[int, int]:
    low = document.get("age_min")
    high = document.get("age_max")
    return (AGE_UNSTATED_MIN if low is None else int(low)), (AGE_UNSTATED_MAX if high is None else int(high))


def _distinct_keywords(value: object) -> Iterable[str]:
    """``document_values`` without the sort, and with strings taken as they are: the table's load runs it for
    every value of every document."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return {item if type(item) is str else keyword_value(item) for item in value}
    return (value if type(value) is str else keyword_value(value),)


def bit_positions(bits: int) -> Iterator[int]:
    text = bin(bits)[:1:-1]
    position = text.find("1")
    while position != -1:
        yield position
        position = text.find("1", position + 1)


class FacetTable:
    def __init__(self, documents: Iterable[dict] = ()) -> None:
        self.ordinal: dict[str, int] = {}
        self.ids: list[str] = []
        self.names: list[str] = []
        # Per document, the ids of its (field, value) pairs (see _value_id), or None once removed: compact, as a
        # worker holds one table (a dict of lists of strings per document was ~150 MB at 50,000 organisations).
        self.values: list[array | None] = []
        self._value_ids: dict[str, dict[str, int]] = {field: {} for field in FACET_FIELDS}
        self._value_keys: list[tuple[str, str]] = []
        self._shared: dict[object, object] = {}  # one copy of each outcode and age pair, however many documents
        self.ages: list[tuple[int, int]] = []
        self.prices: list[int | None] = []
        self.outcodes: list[str] = []
        self.alive = 0
        self.bits: dict[str, dict[str, int]] = {field: {} for field in FACET_FIELDS}
        self._by_age_min: dict[int, int] = {}
        self._by_age_max: dict[int, int] = {}
        self._by_outcode: dict[str, int] = {}
        self._name_order: list[int] | None = None
        self._price_order: list[tuple[int, int]] | None = None
        self._load(documents)

    def __len__(self) -> int:
        return self.alive.bit_count()

    # Updating

    def put(self, document: dict) -> None:
        doc_id = document["id"]
        if doc_id in self.ordinal:
            self.remove(doc_id)
            position = self.ordinal[doc_id]
        else:
            position = self._slot(doc_id)
        bit = 1 << position
        value_ids, low, high, outcode = self._record(position, document)
        for value_id in value_ids:
            field, value = self._value_keys[value_id]
            table = self.bits[field]
            table[value] = table.get(value, 0) | bit
        self._by_age_min[low] = self._by_age_min.get(low, 0) | bit
        self._by_age_max[high] = self._by_age_max.get(high, 0) | bit
        self._by_outcode[outcode] = self._by_outcode.get(outcode, 0) | bit
        self.alive |= bit
        self._name_order = self._price_order = None

    def _load(self, documents: Iterable[dict]) -> None:
        """Fill an empty table, setting each bitset once at the end from its positions.

        ``put`` ORs one bit into each of a document's bitsets, which copies the whole bitset every time: loading
        50,000 documents that way cost several seconds of a worker's first search.
        """
        buckets: dict[object, array] = {}
        later = []
        for document in documents:
            if document["id"] in self.ordinal:  # a repeated id replaces the first: put does that
                later.append(document)
                continue
            position = self._slot(document["id"])
            value_ids, low, high, outcode = self._record(position, document)
            for key in (*value_ids, ("age_min", low), ("age_max", high), ("outcode", outcode)):
                found = buckets.get(key)
                if found is None:
                    found = buckets[key] = array("I")
                found.append(position)
        for key, positions in buckets.items():
            bits = self._bits_from(positions)
            if isinstance(key, int):
                field, value = self._value_keys[key]
                self.bits[field][value] = bits
            elif key[0] == "outcode":
                self._by_outcode[key[1]] = bits
            else:
                (self._by_age_min if key[0] == "age_min" else self._by_age_max)[key[1]] = bits
        self.alive = (1 << len(self.ids)) - 1
        for document in later:
            self.put(document)

    def _bits_from(self, positions: array) -> int:
        if len(positions) < 64:  # sparse (most outcodes): a few small shifts beat a pass over every position
            bits = 0
            for position in positions:
                bits |= 1 << position
            return bits
        return self.bits_of(positions)

    def _slot(self, doc_id: str) -> int:
        """A new position for ``doc_id`` (positions are never reused: a removed document keeps its own)."""
        position = len(self.ids)
        self.ordinal[doc_id] = position
        self.ids.append(doc_id)
        self.names.append("")
        self.values.append(None)
        self.ages.append((AGE_UNSTATED_MIN, AGE_UNSTATED_MAX))
        self.prices.append(None)
        self.outcodes.append("")
        return position

    def _record(self, position: int, document: dict) -> tuple[array, int, int, str]:
        """Store the document's own columns at ``position``; returns its value ids, ages and outcode."""
        value_ids = array("I")
        for field in FACET_FIELDS:
            raw = document.get(field)
            if raw is None:
                continue
            known = self._value_ids[field]
            for value in _distinct_keywords(raw):
                found = known.get(value)
                value_ids.append(self._value_id(field, value) if found is None else found)
        low, high = document_ages(document)
        outcode = document.get("outcode") or ""
        outcode = self._shared.setdefault(outcode, outcode)  # type: ignore[assignment]
        self.names[position] = (document.get("name") or "").casefold()
        self.values[position] = value_ids
        self.ages[position] = self._shared.setdefault((low, high), (low, high))  # type: ignore[assignment]
        self.prices[position] = document.get("min_price_pence")
        self.outcodes[position] = outcode
        return value_ids, low, high, outcode

    def remove(self, doc_id: str) -> None:
        position = self.ordinal.get(doc_id)
        if position is None or self.values[position] is None:
            return
        mask = ~(1 << position)
        for value_id in self.values[position] or ():
            field, value = self._value_keys[value_id]
            self.bits[field][value] &= mask
        low, high = self.ages[position]
        self._by_age_min[low] &= mask
        self._by_age_max[high] &= mask
        self._by_outcode[self.outcodes[position]] &= mask
        self.values[position] = None
        self.alive &= mask
        self._name_order = self._price_order = None

    def _value_id(self, field: str, value: str) -> int:
        known = self._value_ids[field]
        found = known.get(value)
        if found is None:
            found = known[value] = len(self._value_keys)
            self._value_keys.append((field, value))
        return found

    # Reading

    def filter_bits(self, query: SearchQuery) -> int:
        bits = self.alive
        for field, values in query.normalised_filters().items():
            table = self.bits[field]
            either = 0
            for value in values:
                either |= table.get(value, 0)
            bits &= either
        ages = query.age_range()
        if ages is not None:
            low, high = ages
            bits &= self._union(self._by_age_min, lambda start: start <= high)
            bits &= self._union(self._by_age_max, lambda end: end >= low)
        if query.max_price_pence is not None:
            bits &= self._cheaper_than(query.max_price_pence)
        if query.near is not None:
            bits &= self.near_bits(query.near)
        return bits

    def near_bits(self, near: Iterable[str]) -> int:
        """The documents whose outcode is one of ``near`` (a few thousand ORs at most, however many documents)."""
        by_outcode = self._by_outcode
        result = 0
        for outcode in near:
            result |= by_outcode.get(outcode, 0)
        return result

    def outcode_of(self, doc_id: str) -> str:
        position = self.ordinal.get(doc_id)
        return "" if position is None else self.outcodes[position]

    def distance_ordered(self, bits: int, near: Mapping[str, float], start: int, stop: int) -> list[str]:
        """Ids of the documents in ``bits``, nearest outcode first (by name within one), ``start`` to ``stop``.

        Walks the outcodes by distance counting each one's documents, so only the outcodes that reach the page
        are opened and sorted.
        """
        found: list[str] = []
        seen = 0
        for outcode in sorted(near, key=lambda code: (near[code], code)):
            here = bits & self._by_outcode.get(outcode, 0)
            count = here.bit_count()
            if not count or seen + count <= start:
                seen += count
                continue
            ordered = sorted(bit_positions(here), key=lambda position: (self.names[position], self.ids[position]))
            for position in ordered[max(0, start - seen) :]:
                found.append(self.ids[position])
                if len(found) >= stop - start:
                    return found
            seen += count
        return found

    @staticmethod
    def _union(buckets: dict[int, int], keep) -> int:
        result = 0
        for value, bits in buckets.items():
            if keep(value):
                result |= bits
        return result

    def _cheaper_than(self, limit: int) -> int:
        if self._price_order is None:
            self._price_order = sorted(
                (price, position)
                for position, price in enumerate(self.prices)
                if price is not None and self.values[position] is not None
            )
        end = bisect.bisect_right(self._price_order, (limit, len(self.ids)))
        return self.bits_of(position for _, position in self._price_order[:end])

    def bits_of(self, positions: Iterable[int]) -> int:
        # One ASCII digit per position, read as a base-2 number: a third of the cost of setting bits in bytes
        # one by one in Python, which a search with 30,000 hits felt (base 2 has no digit limit).
        digits = bytearray(b"0") * (len(self.ids) + 1)
        for position in positions:
            digits[position] = 49  # "1"
        digits.reverse()
        return int(digits, 2)

    def bits_of_ids(self, ids: Iterable[str]) -> int:
        ordinal = self.ordinal
        return self.bits_of(ordinal[doc_id] for doc_id in ids if doc_id in ordinal)

    def facet_counts(self, bits: int, fields: Iterable[str]) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        for field in fields:
            if field not in self.bits:
                continue
            field_counts = {}
            for value, value_bits in self.bits[field].items():
                count = (bits & value_bits).bit_count()
                if count:
                    field_counts[value] = count
            counts[field] = dict(sorted(field_counts.items(), key=lambda item: (-item[1], item[0])))
        return counts

    def name_ordered(self, bits: int, start: int, stop: int) -> list[str]:
        """Ids of the documents in ``bits``, sorted by name, positions ``start`` to ``stop``."""
        if self._name_order is None:
            self._name_order = sorted(
                (position for position in range(len(self.ids)) if self.values[position] is not None),
                key=lambda position: (self.names[position], self.ids[position]),
            )
        order = self._name_order
        if bits == self.alive:
            return [self.ids[position] for position in order[start:stop]]
        members = set(bit_positions(bits))
        found: list[str] = []
        seen = 0
        for position in order:
            if position in members:
                if seen >= start:
                    found.append(self.ids[position])
                    if len(found) >= stop - start:
                        break
                seen += 1
        return found

    def contains(self, doc_id: str) -> bool:
        position = self.ordinal.get(doc_id)
        return position is not None and self.values[position] is not None

    def name_of(self, doc_id: str) -> str:
        position = self.ordinal.get(doc_id)
        return "" if position is None else self.names[position]

    def name_rank_key(self, doc_id: str) -> tuple[str, str]:
        return self.name_of(doc_id), doc_id
