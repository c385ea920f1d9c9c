"""Train the topic classifier on the corpus's own sections; one command:

    python bench/train_topics.py [--corpus fr-news.jsonl.gz] [--out indexer/data/topics_model.npz]

Each article with a specific section (``politique``, ``societe/sante``, an
``auto.orange.fr`` page…) teaches its section's topic; an article with a
generic section (``france``) teaches the topics of its tags, if any. One
article in ten (by a hash of its id) is held back for
``bench/topics_quality.py``.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.enrich.topics import (GENERIC, MODEL_PATH, TopicClassifier, features,  # noqa: E402
                                   section_topic, tag_topics)
from indexer.readers import jsonl  # noqa: E402
from search.document import Article  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "fr-news.jsonl.gz"


def held_back(article_id: str) -> bool:
    """The deterministic evaluation sample: one id in ten."""
    return int.from_bytes(hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest(), "big") % 10 == 0


def corpus_articles(path: Path = CORPUS) -> list[Article]:
    return [a for a in jsonl.read(path, path.name) if isinstance(a, Article)]


def target(article: Article) -> dict[str, float] | None:
    """What the article teaches: its section's topic, else its tags' topics shared out; None if nothing."""
    section = section_topic(article)
    if section and section != GENERIC:
        return {section: 1.0}
    tagged = tag_topics(article)
    return {t: 1 / len(tagged) for t in tagged} or None


def main(argv=None, out=print) -> TopicClassifier:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    examples = [(features(a.title, a.body), t) for a in corpus_articles(args.corpus)
                if not held_back(a.id) and (t := target(a)) is not None]
    classifier = TopicClassifier.fit(examples)
    classifier.save(args.out)
    out(f"trained on {len(examples)} articles, {len(classifier.vocabulary)} terms, "
        f"{len(classifier.topics)} topics in {time.perf_counter() - start:.0f}s; "
        f"{args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    return classifier


if __name__ == "__main__":
    main()
