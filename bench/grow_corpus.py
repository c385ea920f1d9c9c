"""Grow the 34k test corpus into a large archive of distinct, realistic articles (for the scale benchmark).

    python bench/grow_corpus.py [--count 1000000] [--seed 20250815] [--out bench/out/grown.jsonl.gz]

The first 34,178 records written are the real corpus, unchanged, so the
34k point of a benchmark is the real archive. Each further article copies the
metadata of a real record drawn at random (source as printed, section, tags,
site, language and the shape of its URL), takes that record's date shifted by
up to a year either way (kept within the corpus's span), and gets a title and
a body mixed from real sentences of several other real articles of the same
section: the body keeps the paragraph and sentence counts of the record it
copies, so lengths, vocabulary and word frequencies stay those of the corpus,
while the texts differ (a repeated body is drawn again). Titles join the
first part of one real title to the end of another of the section, so queries
made of corpus title words still find matches.

The output is the JSON Lines format ``manchette index`` reads. Memory holds
the pool of sentences (the corpus), never the output; ids and texts are the
same for the same seed.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "fr-news.jsonl.gz"
OUT = ROOT / "bench" / "out" / "grown.jsonl.gz"
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"A-ZÀ-ÖØ-Þ0-9])")
TITLE_JOINT = re.compile(r"\s*(?:\s:\s|:\s|,\s|\s-\s|\s–\s)\s*")
SLUG_DROP = re.compile(r"[^a-z0-9]+")
MAX_SHIFT_DAYS = 365
MIN_SECTION = 20   # articles a section needs to mix its own sentences (two sections have one each)
# Keys of ``extra`` a grown article keeps from the record it copies (the rest
# describes that one upstream page: ids, lead, byline, duplicates).
KEPT_EXTRA = ("section", "article_section", "tags", "site_name", "og_type")


@dataclass
class Section:
    """The pool one section's grown articles draw from."""

    sentences: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)


@dataclass
class Pool:
    records: list[dict]              # metadata and paragraph shape of every real record
    sections: dict[str, Section]
    first: datetime
    last: datetime


def sentences(paragraph: str) -> list[str]:
    return [s for s in SENTENCE_END.split(paragraph.strip()) if s]


def shape(text: str) -> list[int]:
    """Sentences per paragraph: what a grown body copies from its model."""
    return [len(sentences(p)) for p in text.split("\n\n") if p.strip()]


def read_pool(corpus: Path, out) -> Pool:
    """Copy the real corpus to ``out`` and keep what grown articles are made of."""
    records, sections, dates = [], {}, []
    with gzip.open(corpus, "rt", encoding="utf-8", newline="\n") as src:
        for line in src:
            record = json.loads(line)
            out.write(line if line.endswith("\n") else line + "\n")
            extra = record.get("extra") or {}
            section = sections.setdefault(extra.get("section") or "", Section())
            section.titles.append(record["title"])
            for paragraph in record["text"].split("\n\n"):
                section.sentences.extend(sentences(paragraph))
            published = datetime.fromisoformat(record["published"])
            dates.append(published)
            records.append({
                "id": record["id"], "source": record.get("source"), "url": record.get("url"),
                "published": published, "lang": record.get("lang_hint") or record.get("lang"),
                "author": (record.get("author") or extra.get("author")),
                "extra": {k: extra[k] for k in KEPT_EXTRA if extra.get(k)},
                "shape": shape(record["text"]),
            })
    # A section too small to mix borrows from the whole corpus.
    everything = Section([s for sec in sections.values() for s in sec.sentences],
                         [t for sec in sections.values() for t in sec.titles])
    for name, section in list(sections.items()):
        if len(section.titles) < MIN_SECTION:
            sections[name] = everything
    return Pool(records, sections, min(dates), max(dates))


def mixed_title(rng: random.Random, titles: list[str]) -> str:
    """The first part of one real title and the last part of another."""
    head, tail = rng.choice(titles), rng.choice(titles)
    head_parts, tail_parts = TITLE_JOINT.split(head), TITLE_JOINT.split(tail)
    if len(head_parts) > 1 and len(tail_parts) > 1:
        return f"{head_parts[0]} : {tail_parts[-1]}"
    head_words, tail_words = head.split(), tail.split()
    return " ".join(head_words[:max(1, len(head_words) // 2)] + tail_words[len(tail_words) // 2:])


def mixed_body(rng: random.Random, pool: list[str], paragraph_shape: list[int]) -> str:
    return "\n\n".join(" ".join(rng.choice(pool) for _ in range(max(1, n))) for n in paragraph_shape)


def shifted(rng: random.Random, published: datetime, first: datetime, last: datetime) -> datetime:
    """The model's date moved by up to a year either way, reflected back into the corpus span."""
    moved = published + timedelta(days=rng.randint(-MAX_SHIFT_DAYS, MAX_SHIFT_DAYS),
                                  seconds=rng.randint(-43200, 43200))
    if moved > last or moved < first:
        moved = published - (moved - published)
    return min(max(moved, first), last)


def url_like(model_url: str | None, title: str, number: int) -> str | None:
    """The model's URL pattern (host, section path) with this article's slug and a unique content id."""
    if not model_url:
        return None
    base = model_url.rsplit("/", 1)[0]
    plain = unicodedata.normalize("NFKD", title.lower()).encode("ascii", "ignore").decode()
    slug = SLUG_DROP.sub("-", plain).strip("-")[:80] or "article"
    return f"{base}/{slug}-CNTG{number:09d}.html"


def grown(rng: random.Random, pool: Pool, number: int, seen: set[bytes]) -> dict:
    model = rng.choice(pool.records)
    section = pool.sections[model["extra"].get("section") or ""]
    while True:
        title = mixed_title(rng, section.titles)
        text = mixed_body(rng, section.sentences, model["shape"])
        digest = hashlib.blake2b(f"{title}\x1f{text}".encode(), digest_size=8).digest()
        if digest not in seen:
            seen.add(digest)
            break
    record = {
        "id": f"grown-{number:07d}", "source": model["source"], "url": url_like(model["url"], title, number),
        "published": shifted(rng, model["published"], pool.first, pool.last).isoformat(),
        "title": title, "text": text, "lang_hint": model["lang"],
        "extra": {**model["extra"], "dataset": "grown", "grown_from": model["id"]},
    }
    if model["author"]:
        record["author"] = model["author"]
    return record


def grow(corpus: Path, out: Path, count: int, seed: int) -> tuple[int, float]:
    """Write ``count`` records (the real corpus first) to ``out``; returns (real records, seconds)."""
    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    rng = random.Random(seed)
    # Level 1: the default level would take most of the run for little gain.
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=1) as dst:
        pool = read_pool(corpus, dst)
        real = len(pool.records)
        if count < real:
            raise SystemExit(f"--count: at least the {real} real records, got {count}")
        seen: set[bytes] = set()
        for number in range(1, count - real + 1):
            dst.write(json.dumps(grown(rng, pool, number, seen), ensure_ascii=False) + "\n")
            if number % 100_000 == 0:
                print(f"  {real + number:>9,} records, {time.perf_counter() - started:6.0f} s", flush=True)
    partial.replace(out)
    return real, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="records to write, real ones included")
    parser.add_argument("--seed", type=int, default=20250815)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=OUT, help="a .jsonl.gz file (default: %(default)s)")
    args = parser.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"--corpus: {args.corpus}: no such file")
    real, seconds = grow(args.corpus, args.out, args.count, args.seed)
    grown_count = args.count - real
    print(f"{args.out}: {args.count:,} records ({real:,} real, {grown_count:,} grown) in {seconds:.1f} s"
          f" ({args.count / seconds:,.0f} records/s), {args.out.stat().st_size / 1e6:,.0f} MB")


if __name__ == "__main__":
    main()
