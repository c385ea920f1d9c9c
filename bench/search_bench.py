"""Search latency: Manchette's engine against SQLite FTS5 doing the same work on the same records.

Each query asks for the first page of 10 highlighted hits, the total and all
five facets (source, date, person, topic, language; each counted with every
filter but its own). SQLite gets its best shot: one FTS5 evaluation into a
temporary table, then GROUP BY over side tables, ``snippet()`` for highlights
and ``bm25()`` with the title weighted like ours.

The queries are real: one to three words from the archive's own titles
(fixed seed), plus phrases and filtered queries. Both engines run each query
in turn (so machine noise hits both), once as a stream of new queries and
once more as repeated queries. Usage::

    python bench/search_bench.py                      # builds bench/out/index once (slow: NER)
    python bench/search_bench.py --index DIR          # reuse an index of the corpus
"""
from __future__ import annotations

import argparse
import random
import re
import sqlite3
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from indexer import pipeline  # noqa: E402
from search.whoosh import engine as engine_module  # noqa: E402
from search.store import open_store  # noqa: E402
from search.whoosh import store  # noqa: E402
from search.analysis import STOP_WORDS, fold  # noqa: E402
from search.engine import Engine, open_engine  # noqa: E402
from search.facets import Names  # noqa: E402
from search.request import SearchRequest  # noqa: E402

CORPUS = PROJECT.parent / "shared" / "corpus" / "fr-news.jsonl.gz"
OUT = PROJECT / "bench" / "out"
WORD = re.compile(r"[^\W\d_]{3,}")
TITLE_WEIGHT = 3.0
SQLITE_LAYOUT = 2          # bump when the SQLite tables change: the database is rebuilt


# --- the same records for both ---------------------------------------------------------------

def records(index_dir: Path) -> list[dict]:
    """Every live article of the index, with display names, in document order."""
    generation, ix = store.open_generation(index_dir)
    names = Names.from_meta(store.read_meta(generation))
    rows = []
    with ix.searcher() as searcher:
        for docnum, fields in searcher.reader().iter_docs():
            published = fields.get("published")
            rows.append({
                "docnum": docnum, "title": fields.get("title", ""), "body": fields.get("body", ""),
                "source": names.display("source", fields["source"]) if fields.get("source") else None,
                "lang": fields.get("lang", "und"),
                "published": published.isoformat() if published else None,
                "persons": [names.display("person", k) for k in (fields.get("person") or "").split(",") if k],
                "topics": [names.display("topic", k) for k in (fields.get("topic") or "").split(",") if k],
            })
    return rows


def sqlite_database(path: Path, rows: list[dict], generation: str) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    built = db.execute("SELECT name FROM sqlite_master WHERE name = 'built'").fetchone()
    if built and db.execute("SELECT generation FROM built").fetchone()[0] == generation:
        return db
    create_sqlite_tables(db)
    insert_sqlite_rows(db, rows)
    finish_sqlite_database(db, generation)
    return db


def create_sqlite_tables(db: sqlite3.Connection) -> None:
    db.executescript("""
        DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS person;
        DROP TABLE IF EXISTS topic; DROP TABLE IF EXISTS built;
        CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize="unicode61 remove_diacritics 2");
        CREATE TABLE meta(rowid INTEGER PRIMARY KEY, source TEXT, lang TEXT, published TEXT, month TEXT);
        CREATE TABLE person(rowid INTEGER, name TEXT);
        CREATE TABLE topic(rowid INTEGER, name TEXT);
    """)


def insert_sqlite_rows(db: sqlite3.Connection, rows: list[dict]) -> None:
    """Rows as :func:`records` gives them; called once, or once per chunk of a stream."""
    db.executemany("INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)",
                   ((r["docnum"], r["title"], r["body"]) for r in rows))
    db.executemany("INSERT INTO meta VALUES (?, ?, ?, ?, ?)",
                   ((r["docnum"], r["source"], r["lang"], r["published"],
                     r["published"][:7] if r["published"] else None) for r in rows))
    db.executemany("INSERT INTO person VALUES (?, ?)", ((r["docnum"], p) for r in rows for p in r["persons"]))
    db.executemany("INSERT INTO topic VALUES (?, ?)", ((r["docnum"], t) for r in rows for t in r["topics"]))


def finish_sqlite_database(db: sqlite3.Connection, generation: str) -> None:
    db.executescript("""
        CREATE INDEX person_rowid ON person(rowid); CREATE INDEX topic_rowid ON topic(rowid);
        CREATE INDEX meta_source ON meta(source); CREATE INDEX meta_published ON meta(published);
        ANALYZE;
        CREATE TABLE built(generation TEXT);
    """)
    db.execute("INSERT INTO built VALUES (?)", (generation,))
    db.commit()


# --- the queries ---------------------------------------------------------------------------------

def title_words(title: str) -> list[str]:
    return [w for w in WORD.findall(title) if fold(w) not in STOP_WORDS]


def make_queries(rows: list[dict], count: int, seed: int) -> list[dict]:
    """``count`` word queries, then a fifth as many phrases and as many filtered queries."""
    rng = random.Random(seed)
    queries: list[dict] = []
    while len(queries) < count:
        row = rng.choice(rows)
        words = title_words(row["title"])
        if words:
            start = rng.randrange(len(words))
            queries.append({"kind": "words", "words": words[start:start + rng.randint(1, 3)]})
    while len(queries) < count * 6 // 5:
        pair = re.findall(r"[^\W\d_]{4,} [^\W\d_]{4,}", rng.choice(rows)["title"])
        if pair:
            queries.append({"kind": "phrase", "words": [pair[0]], "phrase": True})
    while len(queries) < count * 7 // 5:
        row = rng.choice(rows)
        words = title_words(row["title"])
        if words and row["source"] and row["published"]:
            query = {"kind": "filtered", "words": [rng.choice(words)]}
            if rng.random() < 0.5:
                query["source"] = row["source"]
            else:
                query["year"] = row["published"][:4]
            queries.append(query)
    return queries


def request(query: dict) -> SearchRequest:
    text = f'"{query["words"][0]}"' if query.get("phrase") else " ".join(query["words"])
    options = {"sources": [query["source"]]} if "source" in query else {}
    if "year" in query:
        year = int(query["year"])
        options = {"date_from": date(year, 1, 1), "date_to": date(year, 12, 31)}
    return SearchRequest(query=text, per_page=10, **options)


# --- SQLite doing the same work -------------------------------------------------------------------

def fts_query(query: dict) -> str:
    if query.get("phrase"):
        return '"' + " ".join(re.findall(r"\w+", query["words"][0])) + '"'
    return " ".join(f'"{token}"' for word in query["words"] for token in re.findall(r"\w+", word))


def sqlite_search(db: sqlite3.Connection, query: dict) -> dict:
    match = fts_query(query)
    db.execute("DROP TABLE IF EXISTS temp.m")
    db.execute("CREATE TEMP TABLE m AS SELECT rowid AS id FROM docs WHERE docs MATCH ?", (match,))
    filters = {}
    if "source" in query:
        filters["source"] = ("meta.source = ?", [query["source"]])
    if "year" in query:
        filters["date"] = ("meta.published >= ? AND meta.published < ?", [query["year"], str(int(query["year"]) + 1)])

    def where(excluded: str) -> tuple[str, list]:
        kept = [f for name, f in filters.items() if name != excluded]
        return " AND ".join(["1"] + [sql for sql, _ in kept]), [p for _, params in kept for p in params]

    clause, params = where("")
    total = db.execute(f"SELECT count(*) FROM m JOIN meta ON meta.rowid = m.id WHERE {clause}", params).fetchone()[0]
    hits = db.execute(
        "SELECT docs.rowid, docs.title, snippet(docs, 1, '<mark>', '</mark>', '…', 40), meta.source, meta.published,"
        " meta.lang FROM docs JOIN meta ON meta.rowid = docs.rowid"
        f" WHERE docs MATCH ? AND {clause} ORDER BY bm25(docs, {TITLE_WEIGHT}, 1.0) LIMIT 10",
        [match, *params]).fetchall()
    for rowid, *_ in hits:
        db.execute("SELECT name FROM person WHERE rowid = ?", (rowid,)).fetchall()
        db.execute("SELECT name FROM topic WHERE rowid = ?", (rowid,)).fetchall()
    facets = {}
    # CROSS JOIN keeps the matches as the outer loop: left to itself, the planner
    # scans every person to save a sort, 100x slower.
    for name, column, join in (("source", "meta.source", ""), ("lang", "meta.lang", ""), ("date", "meta.month", ""),
                               ("person", "person.name", "CROSS JOIN person ON person.rowid = m.id"),
                               ("topic", "topic.name", "CROSS JOIN topic ON topic.rowid = m.id")):
        clause, params = where(name)
        groups = db.execute(f"SELECT {column}, count(*) FROM m CROSS JOIN meta ON meta.rowid = m.id {join}"
                            f" WHERE {clause} GROUP BY 1", params).fetchall()
        facets[name] = sorted(groups, key=lambda g: -g[1])[:10]
    return {"total": total, "hits": hits, "facets": facets}


# --- measuring -----------------------------------------------------------------------------------

class FacetTimer:
    """Times the engine's facet counting from inside a search."""

    def __init__(self):
        self.times: list[float] = []
        self._count = engine_module.count_facets

    def __enter__(self):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return self._count(*args, **kwargs)
            finally:
                self.times.append(time.perf_counter() - started)
        engine_module.count_facets = timed
        return self

    def __exit__(self, *exc):
        engine_module.count_facets = self._count


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(engine: Engine, db: sqlite3.Connection, queries: list[dict]) -> tuple[list[float], list[float]]:
    ours, theirs = [], []
    for query in queries:
        ours.append(timed(engine.search, request(query)))
        theirs.append(timed(sqlite_search, db, query))
    return ours, theirs


def report(label: str, ours: list[float], theirs: list[float]) -> None:
    p50, p95 = percentile(ours, 0.5), percentile(ours, 0.95)
    s50, s95 = percentile(theirs, 0.5), percentile(theirs, 0.95)
    print(f"{label:<28} manchette p50 {p50:7.1f} ms  p95 {p95:7.1f} ms | sqlite fts5 p50 {s50:7.1f} ms"
          f"  p95 {s95:7.1f} ms | ratio p50 {p50 / s50:4.2f}  p95 {p95 / s95:4.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="an index of the corpus to reuse (default: build bench/out/index)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--queries", type=int, default=200, help="word queries (phrases and filtered add 40%%)")
    parser.add_argument("--seed", type=int, default=20250815)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    index_dir = args.index or OUT / "index"
    if store.current_generation(index_dir) is None:
        print(f"building {index_dir} from {args.corpus} (once; reused afterwards)", flush=True)
        pipeline.build([args.corpus], open_store(index_dir), pipeline.Options(workers=2))
    rows = records(index_dir)
    generation = store.current_generation(index_dir).name
    print(f"{len(rows)} articles; preparing SQLite FTS5 …", flush=True)
    db = sqlite_database(OUT / "fts5.sqlite", rows, f"{index_dir.resolve()}:{generation}:{SQLITE_LAYOUT}")
    queries = make_queries(rows, args.queries, args.seed)
    started = time.perf_counter()
    engine = open_engine(index_dir)
    print(f"engine opened in {time.perf_counter() - started:.2f} s; {len(queries)} queries", flush=True)
    with FacetTimer() as facets:
        ours, theirs = run(engine, db, queries)
        repeated = run(engine, db, queries)
    print(f"at {datetime.now():%Y-%m-%d %H:%M}, {len(queries)} queries, 10 highlighted hits + 5 facets each")
    report("new queries", ours, theirs)
    for kind in ("words", "phrase", "filtered"):
        chosen = [i for i, q in enumerate(queries) if q["kind"] == kind]
        report(f"  {kind} ({len(chosen)})", [ours[i] for i in chosen], [theirs[i] for i in chosen])
    report("repeated queries", *repeated)
    print(f"facet counting (5 facets): p50 {percentile(facets.times, 0.5) * 1000:.2f} ms,"
          f" p95 {percentile(facets.times, 0.95) * 1000:.2f} ms, mean {statistics.mean(facets.times) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
