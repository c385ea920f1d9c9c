"""Words in context: the first KWIC page's latency beside the search's, for the same queries.

The queries are real (fixed seed): one to three words from the archive's own
titles, two-word phrases, ``NEAR/5`` between two title words, and a word
required three times (``word>=3``). For each, in turn (so machine noise hits
both), the search's first page (10 highlighted hits, five facets) and the first
KWIC page (50 lines, sorted by date, 8 words each side, from at most the 200
newest matching articles). Usage::

    python bench/kwic_bench.py --index DIR                          # a Whoosh index of the corpus
    python bench/kwic_bench.py --index solr+http://HOST:PORT/solr/NAME
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from datetime import datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from search_bench import CORPUS, percentile, title_words  # noqa: E402

from search.engine import open_engine  # noqa: E402
from search.kwic import MAX_ARTICLES, KwicRequest, kwic  # noqa: E402
from search.request import SearchRequest  # noqa: E402

KWIC_PER_PAGE = 50


def titles(corpus: Path) -> list[str]:
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        return [json.loads(line).get("title") or "" for line in handle]


def make_queries(all_titles: list[str], count: int, seed: int) -> list[tuple[str, str]]:
    """(kind, query): ``count`` word queries, and a fifth as many of each other kind."""
    rng = random.Random(seed)
    queries: list[tuple[str, str]] = []
    kinds = [("words", count), ("phrase", count // 5), ("near", count // 5), ("count", count // 5)]
    for kind, wanted in kinds:
        made = 0
        while made < wanted:
            words = title_words(rng.choice(all_titles))
            pair = re.findall(r"[^\W\d_]{4,} [^\W\d_]{4,}", " ".join(words))
            if kind == "words" and words:
                start = rng.randrange(len(words))
                query = " ".join(words[start:start + rng.randint(1, 3)])
            elif kind == "phrase" and pair:
                query = f'"{pair[0]}"'
            elif kind == "near" and len(words) >= 2:
                query = f"{words[0]} NEAR/5 {words[-1]}"
            elif kind == "count" and words:
                query = f"{rng.choice(words)}>=3"
            else:
                continue
            queries.append((kind, query))
            made += 1
    return queries


def timed(function, *args):
    started = time.perf_counter()
    answer = function(*args)
    return (time.perf_counter() - started) * 1000, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, help="a Whoosh folder or solr+http://HOST:PORT/solr/NAME")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--queries", type=int, default=100, help="word queries (the other kinds add 60%%)")
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()
    queries = make_queries(titles(args.corpus), args.queries, args.seed)
    engine = open_engine(args.index)
    engine.search(SearchRequest(query="warm up"))
    searched, contexts, bounded, lines = {}, {}, 0, []
    for kind, query in queries:
        search_ms, _ = timed(engine.search, SearchRequest(query=query))
        kwic_ms, result = timed(kwic, engine, KwicRequest(SearchRequest(query=query, per_page=KWIC_PER_PAGE)))
        searched.setdefault(kind, []).append(search_ms)
        contexts.setdefault(kind, []).append(kwic_ms)
        bounded += result.matching > MAX_ARTICLES
        lines.append(result.total)
    print(f"at {datetime.now():%Y-%m-%d %H:%M}, {args.index}, {len(queries)} queries; first KWIC page of "
          f"{KWIC_PER_PAGE} lines (at most {MAX_ARTICLES} articles read) beside the search's first page")
    everything = (sum(searched.values(), []), sum(contexts.values(), []))
    for label, (ours, theirs) in [("all", everything)] + [(k, (searched[k], contexts[k])) for k in searched]:
        print(f"{label + f' ({len(ours)})':<14} kwic p50 {percentile(theirs, 0.5):7.1f} ms  "
              f"p95 {percentile(theirs, 0.95):7.1f} ms | search p50 {percentile(ours, 0.5):7.1f} ms  "
              f"p95 {percentile(ours, 0.95):7.1f} ms")
    print(f"lines per query: p50 {percentile(lines, 0.5):.0f}, p95 {percentile(lines, 0.95):.0f}; "
          f"{bounded} of {len(queries)} queries matched more than {MAX_ARTICLES} articles")


if __name__ == "__main__":
    main()
