"""Topic quality on the held-back sample of ``bench/train_topics.py``:

    python bench/topics_quality.py [--limit N]

For each held-back article whose section names a specific topic, the
assigner sees the article with its section and URL hidden, and its main
topic is compared with the section's. Two figures: with the article's tags
left in (what the indexer does for a generic-section article) and with
every source category hidden (the classifier alone), plus the latter's
confusion table.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_topics import CORPUS, corpus_articles, held_back  # noqa: E402

from indexer.enrich.topics import GENERIC, TopicAssigner, section_topic  # noqa: E402
from search.document import Article  # noqa: E402
from search.topics import topic_labels  # noqa: E402


def hidden(article: Article, keep_tags: bool) -> Article:
    extra = {k: v for k, v in article.extra.items()
             if k not in ("section", "article_section") and (keep_tags or k != "tags")}
    return replace(article, section=None, url=None, extra=extra, tags=article.tags if keep_tags else [])


def confusion_table(pairs: list[tuple[str, str]], out=print) -> None:
    """Rows: the section's topic; columns: the assigned main topic (counts)."""
    topics = [t for t in topic_labels() if any(t in pair for pair in pairs)]
    counts = Counter(pairs)
    width = max(len(t) for t in topics)
    out(" " * (width + 7) + " ".join(f"{t[:5]:>5}" for t in topics))
    for gold in topics:
        row = [counts[gold, p] for p in topics]
        total = sum(row)
        if total:
            out(f"{gold:>{width}} {counts[gold, gold] / total:5.0%} " + " ".join(f"{n or '.':>5}" for n in row))


def main(argv=None, out=print) -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=None, help="evaluate only this many held-back articles")
    args = parser.parse_args(argv)

    assigner = TopicAssigner(args.model)
    sample = [(a, s) for a in corpus_articles(args.corpus)
              if held_back(a.id) and (s := section_topic(a)) not in (None, GENERIC)][:args.limit]
    with_tags = sum(assigner.assign(hidden(a, True))[0] == s for a, s in sample)
    pairs = [(s, assigner.assign(hidden(a, False))[0]) for a, s in sample]
    accuracy = sum(g == p for g, p in pairs) / len(pairs)
    out(f"held-back articles with a specific section: {len(sample)}")
    out(f"main topic = section's topic, section hidden, tags kept: {with_tags / len(sample):.1%}")
    out(f"main topic = section's topic, all source categories hidden: {accuracy:.1%}")
    out("\nconfusion (rows: section's topic, with the share right; columns: assigned main topic):")
    confusion_table(pairs, out)
    return accuracy


if __name__ == "__main__":
    main()
