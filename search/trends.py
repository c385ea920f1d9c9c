"""Attention over time: how many articles match each query per day, week, month or year, and what share.

Engines only count (:meth:`search.engine.Engine.date_counts`: matches of one
request between given day boundaries); this module chooses the interval, cuts
the periods, and divides each query's counts by the articles of the same
period under the same filters without the words, so that curves stay
comparable when the archive holds more articles some months than others.

Periods are whole UTC days, as the ``from``/``to`` filters count them, so a
period's count is exactly the total of the search ``from=START&to=END``.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .request import MAX_QUERY, BadParameter, SearchRequest, choice_param

INTERVALS = ("day", "week", "month", "year")
AUTO = "auto"
MAX_QUERIES = 5
# "auto" takes the finest interval that cuts the span into at most this many periods: a readable line.
AUTO_PERIODS = 120
MAX_PERIODS = 2000        # beyond this an explicit interval is refused (a 400 naming it)
SHARE_DIGITS = 6


@dataclass(frozen=True)
class DateCounts:
    """What an engine counts for one request: matches per period, undated matches, first and last day."""

    counts: list[int]          # matches in [edges[i], edges[i+1]) for the edges asked
    undated: int
    first: date | None         # the earliest and latest publication day (UTC) of the dated matches
    last: date | None


@dataclass(frozen=True)
class Period:
    key: str                   # 2019-03-04 (day), 2019-W10 (ISO week), 2019-03 (month), 2019 (year)
    start: date                # first day, or the first day asked (from) when that is later
    end: date                  # last day, inclusive, or the last day asked (to) when that is earlier


def period_start(day: date, interval: str) -> date:
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    if interval == "year":
        return day.replace(month=1, day=1)
    return day


def _following(start: date, interval: str) -> date:
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    if interval == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def period_key(start: date, interval: str) -> str:
    if interval == "week":
        year, week, _ = start.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if interval == "month":
        return f"{start.year:04d}-{start.month:02d}"
    if interval == "year":
        return f"{start.year:04d}"
    return start.isoformat()


def periods(first: date, last: date, interval: str, limit: int | None = None) -> list[Period]:
    """Every period from the one holding ``first`` to the one holding ``last`` (empty ones included).

    Stops after ``limit + 1`` periods, so that a caller can tell the span is too long without listing it.
    """
    found = []
    start = period_start(first, interval)
    while start <= last and (limit is None or len(found) <= limit):
        following = _following(start, interval)
        found.append(Period(period_key(start, interval), start, following - timedelta(days=1)))
        start = following
    return found


def auto_interval(first: date | None, last: date | None) -> str:
    """The finest interval giving at most :data:`AUTO_PERIODS` periods over the span."""
    if first is None or last is None:
        return "month"
    for interval in INTERVALS[:-1]:
        if len(periods(first, last, interval, AUTO_PERIODS)) <= AUTO_PERIODS:
            return interval
    return "year"


def share(count: int, total: int) -> float:
    """count / total, 0 for a period without articles."""
    return round(count / total, SHARE_DIGITS) if total else 0.0


# --- the request --------------------------------------------------------------------------------

@dataclass
class TrendRequest:
    queries: list[str]
    base: SearchRequest        # the filters (source, person, topic, lang, dates…); its query is ignored
    interval: str = AUTO

    @classmethod
    def from_params(cls, params, required: bool = True) -> TrendRequest:
        """From the query string: ``q`` repeated (one to five), ``interval``, and every search filter."""
        base = SearchRequest.from_params(params)
        raw = params.getlist("q") if hasattr(params, "getlist") else params.get("q", [])
        queries = [q.strip()[:MAX_QUERY] for q in ([raw] if isinstance(raw, str) else raw)
                   if isinstance(q, str) and q.strip()]
        if required and not queries:
            raise BadParameter("q", f"give one to {MAX_QUERIES} queries (q=…&q=…)")
        if len(queries) > MAX_QUERIES:
            raise BadParameter("q", f"at most {MAX_QUERIES} queries, got {len(queries)}")
        raw = params.get("interval")
        interval = choice_param("interval", raw.strip() if isinstance(raw, str) else None, (AUTO, *INTERVALS), AUTO)
        return cls(queries, replace(base, query="", page=1), interval)

    def search(self, query: str) -> SearchRequest:
        """The search that one query's curve counts."""
        return replace(self.base, query=query)


# --- the result ---------------------------------------------------------------------------------

@dataclass
class Series:
    query: str
    counts: list[int]
    undated: int

    @property
    def total(self) -> int:
        return sum(self.counts) + self.undated


@dataclass
class Trends:
    interval: str
    periods: list[Period]
    totals: list[int]          # articles of each period under the filters, without the words
    undated: int               # undated articles under the filters
    series: list[Series]

    def to_dict(self) -> dict:
        return {
            "interval": self.interval,
            "series": [{
                "query": s.query, "total": s.total,
                "points": [{"period": p.key, "from": p.start.isoformat(), "to": p.end.isoformat(), "count": count,
                            "total": total, "share": share(count, total)}
                           for p, count, total in zip(self.periods, s.counts, self.totals)],
                "undated": s.undated,
            } for s in self.series],
            "undated": self.undated,
        }

    def csv_rows(self) -> list[list]:
        """One row per query and period, then its undated articles (period ``undated``)."""
        rows = []
        for s in self.series:
            rows += [[s.query, p.key, p.start.isoformat(), p.end.isoformat(), count, total, share(count, total)]
                     for p, count, total in zip(self.periods, s.counts, self.totals)]
            rows.append([s.query, "undated", "", "", s.undated, self.undated, share(s.undated, self.undated)])
        return rows

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(self.csv_rows())
        return buffer.getvalue()


CSV_COLUMNS = ("query", "period", "from", "to", "count", "total", "share")


def trends(engine, treq: TrendRequest) -> Trends:
    """Counts and totals per period for each query (``engine``: a :class:`search.engine.Engine`)."""
    span, = engine.date_counts([treq.base], [])
    interval = auto_interval(span.first, span.last) if treq.interval == AUTO else treq.interval
    cut = periods(span.first, span.last, interval, MAX_PERIODS) if span.first and span.last else []
    if len(cut) > MAX_PERIODS:
        raise BadParameter("interval", f"{interval} gives more than {MAX_PERIODS} periods from {span.first} to "
                                       f"{span.last}: choose a longer interval or narrow the dates")
    # A period cut by the dates asked covers only those days, so that its link finds exactly its count.
    cut = [Period(p.key, max(p.start, treq.base.date_from or p.start), min(p.end, treq.base.date_to or p.end))
           for p in cut]
    edges = [p.start for p in cut] + ([cut[-1].end + timedelta(days=1)] if cut else [])
    base, *counted = engine.date_counts([treq.base, *(treq.search(q) for q in treq.queries)], edges)
    series = [Series(query, c.counts, c.undated) for query, c in zip(treq.queries, counted)]
    return Trends(interval, cut, base.counts, base.undated, series)
