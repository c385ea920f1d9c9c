"""The grown archive of the scale benchmark (bench/grow_corpus.py): the real corpus, then distinct realistic articles."""
import gzip
import json
import re
import subprocess
import sys
from datetime import date, datetime

from indexer.readers import read_paths
from search.document import Article

from conftest import PROJECT, corpus_lines

REAL = 34178
GROWN = 300


def grow(out, seed=7):
    subprocess.run([sys.executable, str(PROJECT / "bench" / "grow_corpus.py"), "--count", str(REAL + GROWN),
                    "--seed", str(seed), "--out", str(out)], check=True, capture_output=True)
    with gzip.open(out, "rt", encoding="utf-8", newline="\n") as handle:
        return handle.readlines()


def paragraphs(text):
    return [p for p in text.split("\n\n") if p.strip()]


def test_the_real_corpus_then_distinct_articles_in_corpus_words_the_same_for_a_seed(tmp_path):
    lines = grow(tmp_path / "a.jsonl.gz")
    assert len(lines) == REAL + GROWN
    assert lines[:REAL] == corpus_lines(REAL)
    real = {r["id"]: r for r in map(json.loads, lines[:REAL])}
    grown = [json.loads(line) for line in lines[REAL:]]
    assert len({r["id"] for r in grown} | set(real)) == REAL + GROWN
    texts = {r["text"] for r in grown}
    assert len(texts) == GROWN and not texts & {r["text"] for r in real.values()}

    real_words = {w for r in real.values() for w in re.findall(r"\w+", r["text"])}
    real_title_words = {w for r in real.values() for w in re.findall(r"\w+", r["title"])}
    for record in grown:
        model = real[record["extra"]["grown_from"]]
        assert record["source"] == model["source"] and record["extra"]["section"] == model["extra"]["section"]
        assert record["url"].rsplit("/", 1)[0] == model["url"].rsplit("/", 1)[0]
        assert len(paragraphs(record["text"])) == len(paragraphs(model["text"]))
        # Joined sentences may split elsewhere: the words are what must be the corpus's own.
        assert set(re.findall(r"\w+", record["text"])) <= real_words
        assert set(re.findall(r"\w+", record["title"])) <= real_title_words
    days = {datetime.fromisoformat(r["published"]).date() for r in grown}
    assert len(days) > GROWN // 2 and date(2011, 2, 17) <= min(days) and max(days) <= date(2020, 9, 27)

    # What the indexer reads, without a problem.
    (tmp_path / "grown.jsonl").write_text("".join(lines[REAL:]), "utf-8")
    items = list(read_paths([tmp_path / "grown.jsonl"]))
    assert len(items) == GROWN and all(isinstance(i, Article) and i.section and i.published for i in items)

    assert grow(tmp_path / "b.jsonl.gz")[REAL:] == lines[REAL:]
