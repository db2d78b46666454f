"""An in-memory table of every indexed document's filter values, held as bitsets (Python ints).

Structured filtering and facet counting are cheapest here: each (field, value) has a bitset of document
ordinals, so a filter is a few ANDs/ORs and a facet count is ``(results & value_bits).bit_count()``, whatever
the engine. The process that writes updates its table in place; the others update theirs with just the documents
each commit changed (the index's CHANGES journal, see ``base``), and read every document again only after a
rebuild.
"""

from __future__ import annotations

import bisect
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
        self.values: list[dict[str, list[str]] | None] = []
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
        for document in documents:
            self.put(document)

    def __len__(self) -> int:
        return self.alive.bit_count()

    # Updating

    def put(self, document: dict) -> None:
        doc_id = document["id"]
        if doc_id in self.ordinal:
            self.remove(doc_id)
            position = self.ordinal[doc_id]
        else:
            position = len(self.ids)
            self.ordinal[doc_id] = position
            self.ids.append(doc_id)
            self.names.append("")
            self.values.append(None)
            self.ages.append((AGE_UNSTATED_MIN, AGE_UNSTATED_MAX))
            self.prices.append(None)
            self.outcodes.append("")
        bit = 1 << position
        values = {field: document_values(document, field) for field in FACET_FIELDS}
        for field, field_values in values.items():
            table = self.bits[field]
            for value in field_values:
                table[value] = table.get(value, 0) | bit
        low, high = document_ages(document)
        self._by_age_min[low] = self._by_age_min.get(low, 0) | bit
        self._by_age_max[high] = self._by_age_max.get(high, 0) | bit
        self.names[position] = (document.get("name") or "").casefold()
        self.values[position] = values
        self.ages[position] = (low, high)
        self.prices[position] = document.get("min_price_pence")
        outcode = document.get("outcode") or ""
        self.outcodes[position] = outcode
        self._by_outcode[outcode] = self._by_outcode.get(outcode, 0) | bit
        self.alive |= bit
        self._name_order = self._price_order = None

    def remove(self, doc_id: str) -> None:
        position = self.ordinal.get(doc_id)
        if position is None or self.values[position] is None:
            return
        mask = ~(1 << position)
        for field, field_values in (self.values[position] or {}).items():
            for value in field_values:
                self.bits[field][value] &= mask
        low, high = self.ages[position]
        self._by_age_min[low] &= mask
        self._by_age_max[high] &= mask
        self._by_outcode[self.outcodes[position]] &= mask
        self.values[position] = None
        self.alive &= mask
        self._name_order = self._price_order = None

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
        array = bytearray(len(self.ids) // 8 + 1)
        for position in positions:
            array[position >> 3] |= 1 << (position & 7)
        return int.from_bytes(array, "little")

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
