"""Facet values and dates of one Whoosh index as NumPy columns: exact counts in a millisecond.

Whoosh's own grouping walks every match in Python (90–700 ms on the corpus).
Here each facet becomes NumPy arrays once per opened index — for every
(document, value) pair, the document number and the value's ordinal — so
counting the values of a set of matches is a gather and a ``bincount``, and a
filter is a cached boolean mask over document numbers. What the counts mean
is :mod:`search.facets`'.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from whoosh.util.times import datetime_to_long

from ..facets import FACETS, Names, date_facet, selected_keys, value_facet
from ..request import Facet, SearchRequest
from ..trends import DateCounts
from .postings import column_values, document_numbers

UNDATED = np.iinfo(np.int64).max          # ticks of an article without a date
NO_MONTH = -1
_EPOCH = datetime_to_long(datetime(1970, 1, 1))   # Whoosh ticks: microseconds since year 1
_DAY = 86_400 * 1_000_000
_MASK_CACHE = 256


@dataclass
class Column:
    """A facet's (document, value) pairs; a document may have none, one or several values."""

    keys: list[str]          # sorted
    rows: np.ndarray         # document number of each pair
    values: np.ndarray       # key ordinal of each pair

    def counts(self, mask: np.ndarray) -> np.ndarray:
        return np.bincount(self.values[mask[self.rows]], minlength=len(self.keys))


def _column(reader, field: str) -> Column:
    """From the lexicon and postings, segment by segment (Whoosh's merged view costs 3x more per term)."""
    ordinals: dict[str, int] = {}
    rows, values = [], []
    for leaf, offset in reader.leaf_readers():
        if field not in leaf.indexed_field_names():
            continue
        for term in leaf.lexicon(field):
            ids = document_numbers(leaf, field, term)
            rows.append(ids + offset)
            values.append(np.full(len(ids), ordinals.setdefault(term.decode("utf-8"), len(ordinals)), np.int32))
    if not ordinals:
        return Column([], np.zeros(0, np.int32), np.zeros(0, np.int32))
    keys = sorted(ordinals)
    # Ordinals in key order, so that ties between counts list values alphabetically.
    remap = np.empty(len(keys), dtype=np.int32)
    remap[[ordinals[k] for k in keys]] = np.arange(len(keys), dtype=np.int32)
    return Column(keys, np.concatenate(rows), remap[np.concatenate(values)])


class Columns:
    """Every facet of one opened index as arrays indexed by document number."""

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        self.live = _live(reader, self.size)
        self.facets = {name: _column(reader, name) for name in FACETS}
        self.ticks = _ticks(reader, self.size)
        dated = self.ticks != UNDATED
        days = np.where(dated, (self.ticks - _EPOCH) // _DAY, 0)
        months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        self.months = np.where(dated, months, NO_MONTH)
        self._index = {name: {k: i for i, k in enumerate(c.keys)} for name, c in self.facets.items()}
        self._masks: dict[tuple, np.ndarray] = {}
        self._lock = threading.Lock()

    def has(self, facet: str, key: str) -> bool:
        return key in self._index[facet]

    def ordinal(self, facet: str, key: str) -> int:
        return self._index[facet][key]

    def value_mask(self, facet: str, keys: tuple[str, ...]) -> np.ndarray:
        """Documents with any of ``keys`` (cached: filters repeat from page to page)."""
        cache_key = (facet, keys)
        mask = self._masks.get(cache_key)
        if mask is None:
            ordinals = [self._index[facet][k] for k in keys if k in self._index[facet]]
            column = self.facets[facet]
            mask = np.zeros(self.size, dtype=bool)
            mask[column.rows[np.isin(column.values, ordinals)]] = True
            self._remember(cache_key, mask)
        return mask

    def date_mask(self, start: date | None, end: date | None) -> np.ndarray:
        """Documents published within [start, end], whole days (UTC) included."""
        low = _day_ticks(start) if start else 0
        high = _day_ticks(end) + _DAY - 1 if end else UNDATED - 1
        return self.ticks_between(low, high)

    def ticks_between(self, low: int, high: int) -> np.ndarray:
        """Documents published within [low, high] (Whoosh ticks); never the undated ones."""
        return (self.ticks >= low) & (self.ticks <= high)

    def _remember(self, key: tuple, mask: np.ndarray) -> None:
        with self._lock:
            if len(self._masks) >= _MASK_CACHE:
                self._masks.clear()
            self._masks[key] = mask


def _live(reader, size: int) -> np.ndarray:
    """Documents not deleted; from each segment's deleted set (Whoosh's own view asks document by document)."""
    live = np.ones(size, dtype=bool)
    for leaf, offset in reader.leaf_readers():
        if leaf.has_deletions():
            live[np.fromiter(leaf._perdoc.deleted_docs(), dtype=np.int64) + offset] = False
    return live


def _ticks(reader, size: int) -> np.ndarray:
    """Publication times in Whoosh ticks; UNDATED where there is none.

    Read segment by segment: a segment where no article has a date has no column at all.
    """
    ticks = np.full(size, UNDATED, dtype=np.int64)
    for leaf, offset in reader.leaf_readers():
        count = leaf.doc_count_all()
        if count and leaf.has_column("published"):
            raw = column_values(leaf.column_reader("published", translate=False), count)
            missing = raw >= np.uint64(UNDATED)     # the column's default is the largest 64-bit value
            ticks[offset:offset + count] = np.where(missing, UNDATED, raw.astype(np.int64))
    return ticks


def _day_ticks(day: date) -> int:
    return datetime_to_long(datetime(day.year, day.month, day.day))


# --- counting --------------------------------------------------------------------------------

@dataclass
class Selection:
    """The request's filters as index keys and masks."""

    keys: dict[str, dict[str, str]]            # facet -> {selected key: value as the user gave it}
    masks: dict[str, np.ndarray]               # facet (and "date") -> documents passing that filter

    def without(self, facet: str, base: np.ndarray) -> np.ndarray:
        """``base`` narrowed by every filter except the facet's own."""
        mask = base
        for name, filter_mask in self.masks.items():
            if name != facet:
                mask = mask & filter_mask
        return mask

    def all(self, base: np.ndarray) -> np.ndarray:
        return self.without("", base)


def select(columns: Columns, names: Names, req: SearchRequest) -> Selection:
    keys = selected_keys(names, req)
    masks = {facet: columns.value_mask(facet, tuple(sorted(selected))) for facet, selected in keys.items()}
    if req.date_from or req.date_to:
        masks["date"] = columns.date_mask(req.date_from, req.date_to)
    return Selection(keys, masks)


def count_facets(columns: Columns, names: Names, matches: np.ndarray, selection: Selection,
                 req: SearchRequest) -> dict[str, Facet]:
    facets = {}
    for facet in (*FACETS, "date"):
        mask = selection.without(facet, matches)
        facets[facet] = _dates(columns, mask, req) if facet == "date" \
            else _values(columns, names, facet, mask, selection, req.facet_size)
        # The total this search would have without this facet's filter: the empty state's advice.
        facets[facet].matching = int(np.count_nonzero(mask))
    return facets


def _values(columns: Columns, names: Names, facet: str, mask: np.ndarray, selection: Selection,
            size: int) -> Facet:
    column = columns.facets[facet]
    counts = column.counts(mask)
    present = np.flatnonzero(counts)
    # Most frequent first; ties in lexicon order (a stable sort), so lists repeat.
    top = present[np.argsort(-counts[present], kind="stable")[:size]]
    selected = selection.keys.get(facet, {})
    selected_counts = {key: int(counts[columns.ordinal(facet, key)]) for key in selected if columns.has(facet, key)}
    return value_facet(names, facet, [(column.keys[i], int(counts[i])) for i in top], len(present),
                       selected, selected_counts)


def _dates(columns: Columns, mask: np.ndarray, req: SearchRequest) -> Facet:
    months = columns.months[mask]
    dated = months[months != NO_MONTH]
    numbers, counts = np.unique(dated, return_counts=True)
    return date_facet(dict(zip(numbers.tolist(), counts.tolist())), int(len(months) - len(dated)), req)


def date_counts(columns: Columns, docs: np.ndarray, edges: list[date]) -> DateCounts:
    """The documents ``docs`` per period between consecutive ``edges`` (UTC days), undated ones apart."""
    ticks = columns.ticks[docs]
    dated = np.sort(ticks[ticks != UNDATED])
    bounds = np.searchsorted(dated, [_day_ticks(edge) for edge in edges])
    first, last = (_tick_day(int(dated[i])) for i in (0, -1)) if len(dated) else (None, None)
    return DateCounts(np.diff(bounds).tolist(), int(len(ticks) - len(dated)), first, last)


def _tick_day(ticks: int) -> date:
    return date(1970, 1, 1) + timedelta(days=(ticks - _EPOCH) // _DAY)
