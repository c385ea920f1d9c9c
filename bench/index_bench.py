"""Indexing speed on the 34k corpus: Manchette's pipeline beside SQLite FTS5.

    python bench/index_bench.py [--limit N] [--workers 2] [--persons] [--keep DIR]

Both engines index the same records in the same run. SQLite FTS5 uses the
unicode61 tokenizer with remove_diacritics 2 (accent folding, no stemming,
no language detection, no facets): the reference peer, not an equal.
"""
from __future__ import annotations

import argparse
import gzip
import itertools
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer import pipeline  # noqa: E402
from search.store import open_store  # noqa: E402
from search.whoosh import store  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "fr-news.jsonl.gz"


def subset(limit: int | None, folder: Path) -> Path:
    if limit is None:
        return CORPUS
    path = folder / "subset.jsonl"
    with gzip.open(CORPUS, "rt", encoding="utf-8", newline="\n") as src:
        path.write_text("".join(itertools.islice(src, limit)), "utf-8")
    return path


def sqlite_fts5(records: Path, folder: Path) -> tuple[int, float, int]:
    """Index the same records in FTS5, plus a table of facet columns."""
    db_path = folder / "fts5.db"
    started = time.monotonic()
    db = sqlite3.connect(db_path)
    db.execute('CREATE VIRTUAL TABLE articles USING fts5(id UNINDEXED, title, body, '
               'tokenize="unicode61 remove_diacritics 2")')
    db.execute("CREATE TABLE meta(rowid INTEGER PRIMARY KEY, source TEXT, published TEXT, section TEXT)")
    count = 0
    opener = gzip.open if records.suffix == ".gz" else open
    with opener(records, "rt", encoding="utf-8", newline="\n") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            count += 1
            db.execute("INSERT INTO articles(rowid, id, title, body) VALUES (?, ?, ?, ?)",
                       (count, record["id"], record.get("title", ""), record.get("text", "")))
            db.execute("INSERT INTO meta VALUES (?, ?, ?, ?)",
                       (count, record.get("source"), record.get("published"), record.get("extra", {}).get("section")))
    db.execute("CREATE INDEX meta_source ON meta(source)")
    db.commit()
    db.execute("INSERT INTO articles(articles) VALUES ('optimize')")
    db.commit()
    db.close()
    return count, time.monotonic() - started, db_path.stat().st_size


def manchette(records: Path, index_dir: Path, workers: int, persons: bool) -> tuple[pipeline.Report, int]:
    options = pipeline.Options(workers=workers, entities=persons)
    report = pipeline.build([records], open_store(index_dir), options)
    return report, store.size_on_disk(store.current_generation(index_dir))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, help="first N records only (default: all 34,178)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--persons", action="store_true", help="include person extraction (spaCy)")
    parser.add_argument("--keep", type=Path, help="build the Manchette index here and keep it")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="manchette-bench-"))
    try:
        records = subset(args.limit, work)
        count, fts_s, fts_size = sqlite_fts5(records, work)
        index_dir = args.keep or work / "index"
        report, size = manchette(records, index_dir, args.workers, args.persons)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    label = "with persons" if args.persons else "without persons"
    print(f"records: {count}  workers: {args.workers}  ({label})")
    print(f"{'engine':<28}{'seconds':>10}{'docs/s':>10}{'size MB':>10}")
    print(f"{'SQLite FTS5 (unicode61)':<28}{fts_s:>10.1f}{count / fts_s:>10.0f}{fts_size / 1e6:>10.1f}")
    print(f"{'Manchette (Whoosh)':<28}{report.elapsed:>10.1f}{report.rate:>10.0f}{size / 1e6:>10.1f}")
    print(f"failed: {report.failed}  skipped: {report.skipped}")
    print(f"ratio: Manchette takes {report.elapsed / fts_s:.1f}x the time of SQLite FTS5")


if __name__ == "__main__":
    main()
