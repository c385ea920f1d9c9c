"""How well saved web pages are read: the OrangeSum sample pages against their careful records.

    python bench/html_quality.py [--limit N] [--corpus DIR]

Extracts ``orangesum-html-sample.tar.gz`` to a temporary folder, reads the
pages through the real reader registry and compares each article with the
record of the same id in ``fr-news.jsonl.gz``. Exits 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tarfile
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # runnable from a checkout without installing

from indexer.readers import read_paths  # noqa: E402
from indexer.readers.base import Problem  # noqa: E402
from search.sources import normalize_source  # noqa: E402

TARGETS = {"title": 98.0, "same day": 98.0, "source": 95.0, "body F1": 0.90}
WORD = re.compile(r"\w+")


def main() -> int:
    args = parse_args()
    corpus = args.corpus
    with tempfile.TemporaryDirectory() as tmp:
        pages = extract_pages(corpus / "orangesum-html-sample.tar.gz", Path(tmp), args.limit)
        records = load_records(corpus / "fr-news.jsonl.gz", {page.stem for page in pages})
        started = time.perf_counter()
        results = list(read_paths(pages))
        elapsed = time.perf_counter() - started
    articles = {item.id: item for item in results if not isinstance(item, Problem)}
    for problem in (item for item in results if isinstance(item, Problem)):
        print(f"problem: {problem}")
    scores = measure(articles, records)
    report(scores, len(pages), len(articles), elapsed)
    return 0 if all(scores[name] >= target for name, target in TARGETS.items()) else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--limit", type=int, help="read only the first N pages (by name)")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus",
                        help="folder holding the tarball and fr-news.jsonl.gz (default: %(default)s)")
    return parser.parse_args()


def extract_pages(tarball: Path, into: Path, limit: int | None) -> list[Path]:
    with tarfile.open(tarball) as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile() and m.name.endswith(".html")),
                         key=lambda m: m.name)[:limit]
        tar.extractall(into, members=members, filter="data")
    return [into / member.name for member in members]


def load_records(path: Path, ids: set[str]) -> dict[str, dict]:
    records = {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["id"] in ids:
                records[record["id"]] = record
    return records


def measure(articles: dict, records: dict[str, dict]) -> dict[str, float]:
    """Percentages over every record (a page that yields no article counts as a miss)."""
    title = day = minute = source = sourced = 0
    f1s: list[tuple[float, str]] = []
    title_misses: list[tuple[str, str]] = []
    for rid, record in records.items():
        article = articles.get(rid)
        published = datetime.fromisoformat(record["published"]).astimezone(timezone.utc)
        ours = article.published if article else None
        if article and squash(article.title) == squash(record["title"]):
            title += 1
        else:
            title_misses.append((article.title if article else "-", record["title"]))
        day += bool(ours) and ours.date() == published.date()
        minute += bool(ours) and ours.replace(second=0, microsecond=0) == published.replace(second=0)
        if record.get("source"):
            sourced += 1
            source += bool(article) and source_key(article.source) == source_key(record["source"])
        f1s.append((token_f1(article.body if article else "", record["text"]), rid))
    total = len(records) or 1
    return {"title": 100 * title / total, "same day": 100 * day / total,
            "same minute": 100 * minute / total, "source": 100 * source / (sourced or 1),
            "body F1": sum(score for score, _ in f1s) / total, "worst": sorted(f1s)[:5],
            "title misses": title_misses}


def squash(text: str) -> str:
    return " ".join(text.split())


def source_key(raw: str | None) -> str | None:
    normal = normalize_source(raw)
    return normal[0] if normal else None


def token_f1(found: str, expected: str) -> float:
    """Multiset F1 of lower-cased words."""
    ours, theirs = Counter(WORD.findall(found.lower())), Counter(WORD.findall(expected.lower()))
    common = sum((ours & theirs).values())
    if not common:
        return 0.0
    precision, recall = common / sum(ours.values()), common / sum(theirs.values())
    return 2 * precision * recall / (precision + recall)


def report(scores: dict, pages: int, read: int, elapsed: float) -> None:
    print(f"pages: {pages}, articles read: {read}")
    for name in ("title", "same day", "same minute", "source"):
        print(f"{name + ' match':<18} {scores[name]:6.2f} %{target_note(name, scores[name])}")
    print(f"{'body token F1':<18} {scores['body F1']:8.4f}{target_note('body F1', scores['body F1'])}")
    misses = scores["title misses"]
    print(f"title misses: {len(misses)}")
    for ours, theirs in misses[:3]:
        print(f"  title read {ours!r}\n     record {theirs!r}")
    print("lowest body F1:", ", ".join(f"{rid} {score:.3f}" for score, rid in scores["worst"]))
    print(f"speed: {pages / elapsed:.1f} pages/s ({elapsed:.1f} s)")


def target_note(name: str, value: float) -> str:
    if name not in TARGETS:
        return ""
    return f"   (target >= {TARGETS[name]}: {'ok' if value >= TARGETS[name] else 'MISSED'})"


if __name__ == "__main__":
    sys.exit(main())
