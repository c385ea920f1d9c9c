"""Research views' latency: a trend of five queries and the key terms of a search, on the whole corpus.

The queries are search_bench.py's (one to three words from the archive's own
titles, fixed seed, plus phrases and filtered ones). A trend compares five of
them (interval chosen automatically: the span, the period totals and five
series); the terms are those of one query (the 200 most relevant matches read,
words and phrases looked up archive-wide). Usage::

    python bench/research_bench.py --index DIR                     # Whoosh
    python bench/research_bench.py --index DIR --engine solr+http://127.0.0.1:8983/solr/NAME
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from search_bench import OUT, make_queries, percentile, records, request  # noqa: E402

from search.engine import open_engine  # noqa: E402
from search.terms import key_terms  # noqa: E402
from search.trends import TrendRequest, trends  # noqa: E402

TREND_SIZE = 5


def trend_requests(queries: list[dict]) -> list[TrendRequest]:
    """Five queries at a time; a filtered one lends its filter to the whole trend."""
    requests = []
    for start in range(0, len(queries) - TREND_SIZE + 1, TREND_SIZE):
        searches = [request(q) for q in queries[start:start + TREND_SIZE]]
        base = searches[-1]
        requests.append(TrendRequest([s.query for s in searches], base))
    return requests


def timed(function, *args) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds of one call (CPU says what the call costs on a shared machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    function(*args)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def report(label: str, runs: list[tuple[float, float]]) -> None:
    wall, cpu = [r[0] for r in runs], [r[1] for r in runs]
    print(f"{label:<36} p50 {percentile(wall, 0.5):6.1f} ms  p95 {percentile(wall, 0.95):6.1f} ms"
          f"  | CPU p50 {percentile(cpu, 0.5):6.1f} ms  p95 {percentile(cpu, 0.95):6.1f} ms  ({len(runs)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=OUT / "index", help="a Whoosh index of the corpus (queries)")
    parser.add_argument("--engine", default=None, help="the index to measure (default: --index)")
    parser.add_argument("--queries", type=int, default=100, help="word queries (phrases and filtered add 40%%)")
    parser.add_argument("--seed", type=int, default=20250815)
    args = parser.parse_args()
    queries = make_queries(records(args.index), args.queries, args.seed)
    engine = open_engine(args.engine or args.index)
    engine.search(request(queries[0]))            # opened and warm, as a server is
    print(f"at {datetime.now():%Y-%m-%d %H:%M}, {args.engine or args.index}")
    sets = trend_requests(queries)
    report(f"trend of {TREND_SIZE} queries, interval auto", [timed(trends, engine, t) for t in sets])
    report(f"trend of {TREND_SIZE} queries, 2019 by week", [
        timed(trends, engine, TrendRequest(t.queries, replace(t.base, date_from=date(2019, 1, 1),
                                                                 date_to=date(2019, 12, 31)), "week")) for t in sets])
    report("key terms of one query", [timed(key_terms, engine, request(q)) for q in queries])
    report("key terms, the same queries again", [timed(key_terms, engine, request(q)) for q in queries])
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
