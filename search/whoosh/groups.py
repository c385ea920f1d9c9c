"""Groups of copies in a Whoosh index as one array: collapsing a result is a ``np.unique``.

Each document's group ordinal comes from the ``group`` field's postings; a
document without one (an index built before copies were detected) is its own group.
"""
from __future__ import annotations

import numpy as np

from .columns import _column


class Groups:
    def __init__(self, reader, live: np.ndarray):
        column = _column(reader, "group")
        self.keys = column.keys
        self._ordinals = {key: number for number, key in enumerate(column.keys)}
        size = len(live)
        self.of = np.arange(len(column.keys), len(column.keys) + size, dtype=np.int64)
        self.of[column.rows] = column.values
        self.live = live
        # The grouped documents ordered by group, once: a search's versions are then slices, not scans.
        grouped = np.flatnonzero(self.of < len(column.keys))
        self._by_group = grouped[np.argsort(self.of[grouped], kind="stable")]
        self._starts = np.searchsorted(self.of[self._by_group], np.arange(len(column.keys) + 1))

    # Most articles have no copy: only the grouped ones (ordinals below len(keys)) need sorting out.

    def stories(self, docs: np.ndarray) -> int:
        """Distinct stories among ``docs``: the articles without a copy, plus the groups."""
        return len(docs) - self.surplus(docs)

    def surplus(self, docs: np.ndarray) -> int:
        """How many of ``docs`` a collapse removes: each group's members but one."""
        ordinals = self.of[docs]
        grouped = ordinals[ordinals < len(self.keys)]
        return int(len(grouped) - len(np.unique(grouped)))

    def collapse(self, order: np.ndarray) -> np.ndarray:
        """``order`` keeping the first (best-ranked) document of each group, in order."""
        ordinals = self.of[order]
        positions = np.flatnonzero(ordinals < len(self.keys))
        _, first = np.unique(ordinals[positions], return_index=True)
        keep = ordinals >= len(self.keys)
        keep[positions[first]] = True
        return order[keep]

    def members(self, group: str) -> np.ndarray:
        """Live document numbers of a group."""
        number = self._ordinals.get(group)
        if number is None:
            return np.zeros(0, np.int64)
        docs = self._by_group[self._starts[number]:self._starts[number + 1]]
        return docs[self.live[docs]]

    def grouped(self) -> np.ndarray:
        """Live documents that have a copy."""
        return (self.of < len(self.keys)) & self.live

    def sizes(self, groups: list[str]) -> dict[str, int]:
        return {group: len(self.members(group)) for group in groups}
