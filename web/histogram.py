"""The date facet as bars: one per month or year, gaps included.

Geometry is in SVG user units; the template stretches the drawing to the
sidebar's width. Each bucket value (``2020``, ``2020-07``) is also a valid
``from``/``to`` parameter, so a bar links to exactly its period.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from search.request import Facet

WIDTH = 300
HEIGHT = 80
GAP = 0.15          # share of a slot left empty between bars
MIN_HEIGHT = 1.5    # a period with a single article must still show
MAX_BARS = 600      # beyond this, don't fill gaps (the drawing would be noise)
_YEAR = re.compile(r"\d{4}")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass
class Bar:
    period: str
    count: int
    x: float
    width: float
    height: float

    @property
    def y(self) -> float:
        return HEIGHT - self.height


@dataclass
class Histogram:
    bars: list[Bar]
    interval: str
    undated: int
    width: int = WIDTH
    height: int = HEIGHT


def _next(period: str) -> str:
    if _YEAR.fullmatch(period):
        return str(int(period) + 1)
    year, month = map(int, _MONTH.fullmatch(period).groups())
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def _timeline(periods: list[str]) -> list[str]:
    """Every period from the first to the last, so empty months show as gaps."""
    same_kind = all(_YEAR.fullmatch(p) for p in periods) or all(_MONTH.fullmatch(p) for p in periods)
    if not same_kind:
        return periods
    filled = [periods[0]]
    while filled[-1] < periods[-1] and len(filled) <= MAX_BARS:
        filled.append(_next(filled[-1]))
    return filled if len(filled) <= MAX_BARS else periods


def histogram(facet: Facet | None) -> Histogram | None:
    if facet is None or not facet.values:
        return None
    counts = {v.value: v.count for v in facet.values}
    periods = _timeline(sorted(counts))
    peak = max(counts.values()) or 1
    slot = WIDTH / len(periods)
    bars = [
        Bar(period, counts.get(period, 0), x=i * slot, width=slot * (1 - GAP),
            height=max(MIN_HEIGHT, HEIGHT * counts[period] / peak) if counts.get(period) else 0)
        for i, period in enumerate(periods)
    ]
    return Histogram(bars, facet.extra.get("interval", "month"), facet.extra.get("undated", 0))
