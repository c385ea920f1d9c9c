"""The trends line chart, drawn on the server as SVG: one line per query, each point a link.

Drawn here rather than by a JavaScript charting library: the page needs no
script bundle, works without JavaScript, and every point is a real link
(keyboard-focusable, with its value readable on hover and focus through CSS
and ``<title>``). Geometry is in SVG user units; the template scales it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from search.trends import Trends, share

WIDTH = 800
HEIGHT = 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 40, 36     # the top band shows the focused point's readout
X_LABELS = 6            # period labels along the axis, at most
Y_TICKS = 4
# Okabe & Ito's palette for colour-blind readers (green and purple darkened for contrast on white),
# and a dash pattern per line, so that lines differ by more than colour.
COLOURS = ("#0072B2", "#D55E00", "#00795A", "#A8558A", "#000000")
DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 2")


@dataclass
class Point:
    x: float
    y: float
    period: str
    start: str
    end: str
    count: int
    total: int
    value: float


@dataclass
class Line:
    query: str
    colour: str
    dash: str
    points: list[Point]
    total: int
    undated: int

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass
class Tick:
    position: float
    label: float | str


@dataclass
class Chart:
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    measure: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


def nice_step(peak: float, ticks: int = Y_TICKS) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about ``ticks`` steps up to ``peak``."""
    if peak <= 0:
        return 1.0
    raw = peak / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def chart(trends: Trends, measure: str) -> Chart | None:
    """``measure``: ``count`` (articles) or ``share`` (of the period's articles)."""
    if not trends.periods or not trends.series:
        return None
    values = [[share(c, t) if measure == "share" else c for c, t in zip(s.counts, trends.totals)]
              for s in trends.series]
    step = nice_step(max(max(v) for v in values))
    if measure == "count":
        step = max(1.0, math.ceil(step))
    peak = step * max(1, math.ceil(max(max(v) for v in values) / step))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(trends.periods) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (i * slot if len(trends.periods) > 1 else plot_width / 2)

    def y(value: float) -> float:
        return TOP + plot_height * (1 - value / peak)

    lines = []
    for number, (series, line_values) in enumerate(zip(trends.series, values)):
        points = [Point(x(i), y(v), p.key, p.start.isoformat(), p.end.isoformat(), c, t, v)
                  for i, (p, c, t, v) in enumerate(zip(trends.periods, series.counts, trends.totals, line_values))]
        lines.append(Line(series.query, COLOURS[number % len(COLOURS)], DASHES[number % len(DASHES)], points,
                          series.total, series.undated))
    every = max(1, math.ceil(len(trends.periods) / X_LABELS))
    x_ticks = [Tick(x(i), p.key) for i, p in enumerate(trends.periods) if i % every == 0]
    y_ticks = [Tick(y(step * k), step * k) for k in range(int(round(peak / step)) + 1)]
    return Chart(lines, x_ticks, y_ticks, measure)
