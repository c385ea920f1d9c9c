"""Do two engines answer alike? The 280 benchmark queries on two indexes of the same records.

For each query (the same ones as ``bench/search_bench.py``: one to three words
from the corpus titles, phrases, filtered queries), the total of articles
matched and the counts of every facet's top values are compared; the queries
whose totals differ are listed with both totals, for explaining.

    python bench/engine_agreement.py bench/out/scale/n34178 solr+http://127.0.0.1:8983/solr/scale-34178
"""
from __future__ import annotations

import argparse
from pathlib import Path

import scale_bench
import search_bench  # puts the project on sys.path

from search.engine import open_engine  # noqa: E402
from search.facets import FACETS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("first", help="an index location (folder or solr+http://…)")
    parser.add_argument("second", help="another index of the same records")
    parser.add_argument("--archive", type=Path, default=search_bench.CORPUS, help="the records' archive")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20250815)
    args = parser.parse_args()
    lines = scale_bench.archive_lines(args.archive, scale_bench.REAL_RECORDS)
    rows = [scale_bench.peer_row(n, line) for n, line in enumerate(lines, 1)]
    queries = search_bench.make_queries(rows, args.queries, args.seed)
    first, second = open_engine(args.first), open_engine(args.second)
    same_total = same_facets = 0
    differing = []
    for query in queries:
        request = search_bench.request(query)
        a, b = first.search(request), second.search(request)
        if a.total == b.total:
            same_total += 1
        else:
            differing.append((request.query, a.total, b.total))
        if all(_counts(a.facets[f]) == _counts(b.facets[f]) for f in FACETS):
            same_facets += 1
    print(f"{len(queries)} queries: same total {same_total} ({same_total / len(queries):.1%}), "
          f"same facet counts {same_facets} ({same_facets / len(queries):.1%})")
    for text, total_a, total_b in differing:
        print(f"  {text!r}: {total_a} vs {total_b}")


def _counts(facet) -> dict[str, int]:
    return {v.value: v.count for v in facet.values}


if __name__ == "__main__":
    main()
