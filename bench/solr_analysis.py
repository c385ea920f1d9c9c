"""How often Solr's French analysis equals search.analysis, on corpus articles.

For each article (title and body), Solr's /analysis/field terms for text_fr
and text_folded are compared with ``search.analysis.terms``; the script prints
the share of articles and of terms that agree, and the differing words.
It starts a local SolrCloud for the run (or uses MANCHETTE_TEST_SOLR)::

    python bench/solr_analysis.py [--articles 2000] [--start 0]
"""
from __future__ import annotations

import argparse
import collections
import gzip
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from search.analysis import terms  # noqa: E402
from tests.solrcloud import analyzed_terms, create_collection, delete_collection, running_cluster  # noqa: E402

CORPUS = PROJECT.parent / "shared" / "corpus" / "fr-news.jsonl.gz"
FIELD_TYPES = {"text_fr": True, "text_folded": False}  # field type -> stemmed


def articles(start: int, count: int) -> list[str]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        records = (json.loads(line) for line in itertools.islice(handle, start, start + count))
        return [f"{r.get('title') or ''}\n\n{r.get('text') or ''}" for r in records]


def compare(collection: str, texts: list[str]) -> None:
    same_articles = collections.Counter()
    term_total = collections.Counter()
    term_same = collections.Counter()
    differing = collections.Counter()
    for text in texts:
        solr = analyzed_terms(collection, text, tuple(FIELD_TYPES))
        for field_type, stem in FIELD_TYPES.items():
            python = terms(text, stem=stem)
            same_articles[field_type] += solr[field_type] == python
            term_total[field_type] += len(python)
            pairs = list(zip(solr[field_type], python))
            term_same[field_type] += sum(s == p for s, p in pairs)
            differing.update(f"{field_type}: solr {s!r} / python {p!r}" for s, p in pairs if s != p)
    for field_type in FIELD_TYPES:
        print(f"{field_type}: {same_articles[field_type]}/{len(texts)} articles identical "
              f"({100 * same_articles[field_type] / len(texts):.2f} %), "
              f"{term_same[field_type]}/{term_total[field_type]} terms "
              f"({100 * term_same[field_type] / max(1, term_total[field_type]):.3f} %)")
    for line, count in differing.most_common(20):
        print(f"  {count:>5} x {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--start", type=int, default=0, help="first corpus record")
    args = parser.parse_args()
    texts = articles(args.start, args.articles)
    with tempfile.TemporaryDirectory(prefix="solr-bench-") as folder, running_cluster(Path(folder)) as cluster:
        collection = create_collection(cluster.url, "bench-analysis", shards=1)
        began = time.perf_counter()
        compare(collection, texts)
        print(f"{len(texts)} articles compared in {time.perf_counter() - began:.0f} s")
        delete_collection(cluster.url, "bench-analysis")


if __name__ == "__main__":
    main()
