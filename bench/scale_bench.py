"""Scale: indexing speed, memory, size, open time and search latency as the archive grows, beside SQLite FTS5.

    python bench/grow_corpus.py --count 1000000          # once: bench/out/grown.jsonl.gz
    python bench/scale_bench.py --sizes 34178,300000,1000000 [--index LOCATION] [--plot scale.svg]

For each size N, the first N records of the grown archive (the first 34,178
are the real corpus) are indexed as a user does, by ``manchette index FILE
--no-persons --index LOC`` in a subprocess, while the whole process tree (the
indexer and the workers it forks, plus any ``--server-pid`` such as Solr
nodes) is sampled for resident memory. Then SQLite FTS5 takes the same
records in this process, with ``bench/search_bench.py``'s tables; a fresh
process times opening the index up to its first answer (imports done), and
``manchette serve`` is timed from its start to its first answer of the JSON
API, as a user waits; and the 280 queries
of ``search_bench.py`` (made from the real corpus's titles, the same at every
size) run on both engines in turn, each with 10 highlighted hits and all five
facets. LOC is a folder per size under ``--index`` (Whoosh), or for a
``solr+http://HOST:PORT/solr/NAME`` location the alias ``NAME-N``.

The FTS5 peer gets each record's source under its normalised name, its
language and its UTC date, no persons (like ``--no-persons``), and the
record's section as its one topic (Manchette's topic classifier is not run
for it). Its time is SQLite's own work: reading the records is not counted.

Figures are printed per size and as a summary, and recorded per engine in
``bench/out/scale-whoosh.json`` or ``scale-solrcloud.json``: a run adds its
sizes to those recorded before (a size measured again replaces the older), so
that sizes measured on different days, each needing the machine to itself,
make one table and one plot. ``--plot`` draws every recorded size of both
engines; ``--report`` prints them as the README's Markdown table (and draws
``--plot``) without measuring.
"""
from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import psutil

import search_bench as peer  # puts the project on sys.path

from search.engine import is_solr, open_engine  # noqa: E402
from search.sources import normalize_source  # noqa: E402

OUT = peer.OUT
ARCHIVE = OUT / "grown.jsonl.gz"
REAL_RECORDS = 34_178
ENGINES = ("Whoosh", "SolrCloud")
SAMPLE_SECONDS = 0.25     # resident sizes: a few microseconds a process
PSS_SECONDS = 2.0         # proportional sizes: the kernel walks every page (100 ms for a 2 GB process)
CHUNK = 5_000
MANCHETTE = Path(sys.executable).with_name("manchette")
# Run in a fresh interpreter: imports are done before the clock starts, so
# the figure is what opening the index costs, up to the first answer.
OPEN_PROBE = """
import sys, time
from search.engine import open_engine
from search.request import SearchRequest
started = time.perf_counter()
open_engine(sys.argv[1]).search(SearchRequest(query=sys.argv[2], per_page=10))
print(time.perf_counter() - started)
"""


# --- the records, for SQLite and for the queries -----------------------------------------------------

def archive_lines(archive: Path, count: int):
    opener = gzip.open if archive.suffix == ".gz" else open
    with opener(archive, "rt", encoding="utf-8", newline="\n") as handle:
        yield from itertools.islice(handle, count)


def peer_row(docnum: int, line: str) -> dict:
    """A record as ``search_bench``'s SQLite tables take it."""
    record = json.loads(line)
    source = normalize_source(record.get("source"))
    published = record.get("published")
    section = (record.get("extra") or {}).get("section")
    return {
        "docnum": docnum, "title": record.get("title", ""), "body": record.get("text", ""),
        "source": source[1] if source else None, "lang": record.get("lang_hint") or record.get("lang") or "und",
        "published": datetime.fromisoformat(published).astimezone(timezone.utc).isoformat() if published else None,
        "persons": [], "topics": [section] if section else [],
    }


def sqlite_index(archive: Path, count: int, path: Path) -> tuple[float, int]:
    """The first ``count`` records into FTS5; returns (seconds of SQLite work, bytes on disk)."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    spent_ms = peer.timed(peer.create_sqlite_tables, db)
    lines = enumerate(archive_lines(archive, count), 1)
    while chunk := [peer_row(docnum, line) for docnum, line in itertools.islice(lines, CHUNK)]:
        spent_ms += peer.timed(peer.insert_sqlite_rows, db, chunk)
    spent_ms += peer.timed(peer.finish_sqlite_database, db, f"{count}")
    db.close()
    return spent_ms / 1000, path.stat().st_size


def subset(archive: Path, count: int, path: Path) -> None:
    written = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for written, line in enumerate(archive_lines(archive, count), 1):
            out.write(line)
    if written < count:
        sys.exit(f"--archive: {archive} holds {written} records, fewer than the size {count};"
                 f" grow it with: python bench/grow_corpus.py --count {count}")


# --- the indexer, as a user runs it -----------------------------------------------------------------

@dataclass
class Memory:
    """Peaks of resident memory over a process tree, in bytes."""

    total: int = 0      # proportional set sizes summed over every process at one moment
    largest: int = 0    # resident set size of the largest single process


class MemorySampler(threading.Thread):
    """Samples the memory of a process, its descendants and the given servers.

    The total sums proportional set sizes: forked workers share their
    parent's pages until they write them, and a sum of resident sizes would
    count those pages once per process (5.62 GB instead of 3.57 GB for the
    same moment of a 300k rebuild). Reading them costs the kernel a walk of
    every page: sampled four times a second, they took a tenth of the
    machine from a million-article rebuild (system time 11% instead of 5%)
    and nothing from a small one, so they are read at most every
    ``PSS_SECONDS``, and only while the resident sizes' sum, which bounds
    theirs, is above the peak so far.
    """

    def __init__(self, pid: int, servers: list[int]):
        super().__init__(daemon=True)
        self.roots = [pid, *servers]
        self.peak = Memory()
        self._done = threading.Event()

    def run(self) -> None:
        last_pss = 0.0
        while not self._done.wait(SAMPLE_SECONDS):
            processes = [process for root in self.roots for process in tree(root)]
            resident = _sizes(processes, psutil.Process.memory_info)
            if not resident:
                continue
            self.peak.largest = max(self.peak.largest, max(resident))
            if sum(resident) > self.peak.total and time.monotonic() - last_pss >= PSS_SECONDS:
                last_pss = time.monotonic()
                self.peak.total = max(self.peak.total, sum(_sizes(processes, psutil.Process.memory_full_info,
                                                                  "pss")))

    def stop(self) -> Memory:
        self._done.set()
        self.join()
        return self.peak


def tree(pid: int) -> list[psutil.Process]:
    """The process and its descendants (none once it has ended)."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _sizes(processes: list[psutil.Process], read, name: str = "rss") -> list[int]:
    sizes = []
    for process in processes:
        try:
            sizes.append(getattr(read(process), name))
        except psutil.NoSuchProcess:
            pass   # a worker that ended between listing and sampling
    return sizes


def index(records: Path, location: str, servers: list[int], log: Path) -> tuple[float, Memory, str]:
    """``manchette index``: (wall seconds, peak memory, its summary line)."""
    command = [str(MANCHETTE), "index", str(records), "--no-persons", "--index", location]
    with log.open("w") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=output, text=True)
        sampler = MemorySampler(process.pid, servers)
        sampler.start()
        summary, _ = process.communicate()
        seconds = time.perf_counter() - started
        peak = sampler.stop()
    if process.returncode not in (0, 1):   # 1: some records reported as bad, the rest indexed
        sys.exit(f"{' '.join(command)} failed ({process.returncode}); see {log}")
    return seconds, peak, summary.strip()


def stats(location: str) -> dict:
    answer = subprocess.run([str(MANCHETTE), "stats", "--json", "--index", location],
                            capture_output=True, text=True, check=True)
    return json.loads(answer.stdout)


def open_seconds(location: str, query: str) -> float:
    answer = subprocess.run([sys.executable, "-c", OPEN_PROBE, location, query],
                            capture_output=True, text=True, check=True, cwd=peer.PROJECT)
    return float(answer.stdout)


def serve_seconds(location: str, query: str) -> float:
    """From starting ``manchette serve`` to its answer to a first search of the JSON API, as a user waits."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api/search?{urllib.parse.urlencode({'q': query})}"
    started = time.perf_counter()
    server = subprocess.Popen([str(MANCHETTE), "serve", "--index", location, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=peer.PROJECT)
    try:
        while server.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=60) as answer:
                    answer.read()
                return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.05)
        raise RuntimeError(f"manchette serve --index {location} exited with status {server.returncode}")
    finally:
        server.terminate()
        server.wait()


def sized(location: str, count: int) -> str:
    return f"{location}-{count}" if is_solr(location) else str(Path(location) / f"n{count}")


# --- one size --------------------------------------------------------------------------------------

def measure(count: int, args, queries: list[dict]) -> dict:
    work = OUT / "scale"
    work.mkdir(parents=True, exist_ok=True)
    location = sized(args.index, count)
    records = work / f"first-{count}.jsonl"
    try:
        subset(args.archive, count, records)
        seconds, memory, summary = index(records, location, args.server_pid, work / f"index-{count}.log")
    finally:
        records.unlink(missing_ok=True)
    fts_seconds, fts_size = sqlite_index(args.archive, count, work / f"fts5-{count}.sqlite")
    db = sqlite3.connect(work / f"fts5-{count}.sqlite")
    opened = open_seconds(location, peer.request(queries[0]).query)
    served = serve_seconds(location, peer.request(queries[0]).query)
    engine = open_engine(location)
    ours, theirs = peer.run(engine, db, queries)
    ours_again, theirs_again = peer.run(engine, db, queries)
    db.close()
    indexed = stats(location)
    return {
        "size": count, "location": location, "indexer_summary": summary,
        "articles": indexed["articles"], "index_bytes": indexed["size_bytes"],
        "index_seconds": seconds, "docs_per_s": count / seconds,
        "peak_pss_total_bytes": memory.total, "peak_rss_largest_bytes": memory.largest,
        "fts5_seconds": fts_seconds, "fts5_docs_per_s": count / fts_seconds, "fts5_bytes": fts_size,
        "open_seconds": opened, "serve_seconds": served,
        "search": latencies(ours, theirs), "search_repeated": latencies(ours_again, theirs_again),
    }


def latencies(ours: list[float], theirs: list[float]) -> dict:
    figures = {"p50_ms": peer.percentile(ours, 0.5), "p95_ms": peer.percentile(ours, 0.95),
               "fts5_p50_ms": peer.percentile(theirs, 0.5), "fts5_p95_ms": peer.percentile(theirs, 0.95)}
    figures["ratio_p50"] = figures["p50_ms"] / figures["fts5_p50_ms"]
    figures["ratio_p95"] = figures["p95_ms"] / figures["fts5_p95_ms"]
    return figures


# --- reporting -------------------------------------------------------------------------------------

def print_size(result: dict) -> None:
    gb = 1e9
    print(f"\n== {result['size']:,} articles ({result['location']}; stats: {result['articles']:,})")
    print(f"  {result['indexer_summary']}")
    print(f"  {'':<24}{'seconds':>9}{'docs/s':>9}{'size MB':>10}{'peak PSS all GB':>17}{'largest GB':>12}")
    print(f"  {'Manchette':<24}{result['index_seconds']:>9.1f}{result['docs_per_s']:>9.0f}"
          f"{result['index_bytes'] / 1e6:>10.0f}{result['peak_pss_total_bytes'] / gb:>17.2f}"
          f"{result['peak_rss_largest_bytes'] / gb:>12.2f}")
    print(f"  {'SQLite FTS5':<24}{result['fts5_seconds']:>9.1f}{result['fts5_docs_per_s']:>9.0f}"
          f"{result['fts5_bytes'] / 1e6:>10.0f}")
    print(f"  open to first answer: {result['open_seconds']:.2f} s; manchette serve, from its start to its first"
          f" answer: {result['serve_seconds']:.2f} s")
    for label, key in (("new queries", "search"), ("repeated queries", "search_repeated")):
        s = result[key]
        print(f"  {label:<18} manchette p50 {s['p50_ms']:6.1f} ms  p95 {s['p95_ms']:6.1f} ms | fts5 p50"
              f" {s['fts5_p50_ms']:6.1f} ms  p95 {s['fts5_p95_ms']:6.1f} ms | ratio p50 {s['ratio_p50']:4.2f}"
              f"  p95 {s['ratio_p95']:4.2f}")


def print_summary(results: list[dict]) -> None:
    print("\n     size  docs/s  fts5 docs/s  PSS all GB  largest GB  index MB  fts5 MB  open s"
          "   p50 ms   p95 ms  fts5 p50  fts5 p95")
    for r in results:
        s = r["search"]
        print(f"{r['size']:>9,}{r['docs_per_s']:>8.0f}{r['fts5_docs_per_s']:>13.0f}"
              f"{peak_total(r)[0] / 1e9:>12.2f}{r['peak_rss_largest_bytes'] / 1e9:>12.2f}"
              f"{r['index_bytes'] / 1e6:>10.0f}{r['fts5_bytes'] / 1e6:>9.0f}{r['open_seconds']:>8.2f}"
              f"{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}{s['fts5_p50_ms']:>10.1f}{s['fts5_p95_ms']:>10.1f}")


def peak_total(result: dict) -> tuple[int, str]:
    """Peak memory of all processes, and what was summed: runs before PSS sampling summed resident sizes."""
    if "peak_pss_total_bytes" in result:
        return result["peak_pss_total_bytes"], "proportional"
    return result["peak_rss_total_bytes"], "resident"


# --- the record of every run ----------------------------------------------------------------------

def record_path(engine: str) -> Path:
    return OUT / f"scale-{engine.lower()}.json"


def recorded(engine: str) -> list[dict]:
    path = record_path(engine)
    return json.loads(path.read_text())["results"] if path.is_file() else []


def record(engine: str, archive: Path, result: dict) -> list[dict]:
    """Adds ``result`` to the engine's record, replacing an earlier run of the same size."""
    result = dict(result, measured=f"{datetime.now():%Y-%m-%d}")
    results = sorted([r for r in recorded(engine) if r["size"] != result["size"]] + [result],
                     key=lambda r: r["size"])
    record_path(engine).write_text(json.dumps({"engine": engine, "archive": str(archive),
                                               "cores": os.cpu_count(), "results": results}, indent=1))
    return results


def markdown_table() -> str:
    """Every recorded size of both engines, a row each, beside FTS5's figures of the same run."""
    rows = ["| articles | engine | indexing docs/s (FTS5) | peak memory: all processes, proportional"
            " (largest process, resident) | on disk MB (FTS5) | first answer: engine / `manchette serve` | search p50 / p95 ms (FTS5) | ratios p50 / p95 | measured |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---|"]
    for engine in ENGINES:
        for r in recorded(engine):
            s = r["search"]
            total, summed = peak_total(r)
            memory = f"{total / 1e9:.2f} GB" + ("" if summed == "proportional" else " resident sizes summed")
            rows.append(
                f"| {r['size']:,} | {engine} | **{r['docs_per_s']:.0f}** ({r['fts5_docs_per_s']:,.0f})"
                f" | **{memory}** ({r['peak_rss_largest_bytes'] / 1e9:.2f} GB)"
                f" | {r['index_bytes'] / 1e6:,.0f} ({r['fts5_bytes'] / 1e6:,.0f}) | {first_answer(r)}"
                f" | {s['p50_ms']:.1f} / {s['p95_ms']:.1f} ({s['fts5_p50_ms']:.1f} / {s['fts5_p95_ms']:.1f})"
                f" | **{s['ratio_p50']:.2f} / {s['ratio_p95']:.2f}** | {r.get('measured', '')} |")
    return "\n".join(rows)


def first_answer(result: dict) -> str:
    served = result.get("serve_seconds")
    return f"{result['open_seconds']:.2f} s" + (f" / {served:.2f} s" if served is not None else "")


def points(results: list[dict], key: str, scale: float = 1.0) -> tuple[list, list]:
    """(sizes, values) of the runs that measured ``key`` (early runs summed resident sizes, not PSS)."""
    found = [(r["size"], (r["search"] if key.endswith("_ms") else r).get(key)) for r in results]
    found = [(size, value * scale) for size, value in found if value is not None]
    return [size for size, _ in found], [value for _, value in found]


def plot(path: Path) -> None:
    """Speed, memory and latency against size, for every size recorded of each engine, FTS5 beside."""
    import matplotlib
    matplotlib.use("svg")
    from matplotlib import pyplot

    runs = {engine: recorded(engine) for engine in ENGINES if recorded(engine)}
    if not runs:
        sys.exit(f"--plot: nothing recorded yet in {record_path(ENGINES[0])} or {record_path(ENGINES[1])}")
    # SQLite's figures at a size are the same work whichever engine ran beside it; the first engine's are drawn.
    peer_runs = next(iter(runs.values()))
    figure, (speed, memory, latency) = pyplot.subplots(1, 3, figsize=(13, 4.2), constrained_layout=True)
    for (engine, results), color in zip(runs.items(), ("C0", "C2")):
        speed.plot(*points(results, "docs_per_s"), "o-", color=color, label=engine)
        memory.plot(*points(results, "peak_pss_total_bytes", 1e-9), "o-", color=color, label=f"{engine}, all processes")
        memory.plot(*points(results, "peak_rss_largest_bytes", 1e-9), "^:", color=color,
                    label=f"{engine}, largest process")
        for key, style in (("p50_ms", "o-"), ("p95_ms", "o:")):
            latency.plot(*points(results, key), style, color=color, label=f"{engine} {key[:3]}")
    speed.plot(*points(peer_runs, "fts5_docs_per_s"), "s--", color="C1", label="SQLite FTS5")
    for key, style in (("fts5_p50_ms", "s-"), ("fts5_p95_ms", "s:")):
        latency.plot(*points(peer_runs, key), style, color="C1", label=f"FTS5 {key[5:8]}")
    speed.set(title="Indexing speed, --no-persons", ylabel="documents per second (log)", yscale="log")
    memory.set(title="Peak memory of manchette index", ylabel="GB", ylim=(0, None))
    latency.set(title="Search: 10 highlighted hits + 5 facets", ylabel="ms (log)", yscale="log")
    ticks = sorted({r["size"] for results in runs.values() for r in results})
    for axes in (speed, memory, latency):
        axes.set(xscale="log", xlabel="articles in the archive (log)")
        axes.set_xticks(ticks, [f"{size:,}" for size in ticks], minor=False)
        axes.minorticks_off()
        axes.grid(alpha=0.3)
        axes.legend(fontsize="small")
    figure.savefig(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=f"{REAL_RECORDS},300000,1000000",
                        help="archive sizes, comma-separated (default: %(default)s)")
    parser.add_argument("--archive", type=Path, default=ARCHIVE, help="grown archive (default: %(default)s)")
    parser.add_argument("--index", default=str(OUT / "scale"),
                        help="a folder (Whoosh: one index per size inside) or solr+http://HOST:PORT/solr/NAME")
    parser.add_argument("--server-pid", type=int, action="append", default=[],
                        help="also count this process tree's memory (a Solr node, ZooKeeper); repeatable")
    parser.add_argument("--queries", type=int, default=200, help="word queries (phrases and filtered add 40%%)")
    parser.add_argument("--seed", type=int, default=20250815)
    parser.add_argument("--plot", type=Path, help="draw speed, memory and latency against size into this SVG"
                        " (every size recorded, both engines)")
    parser.add_argument("--report", action="store_true",
                        help="print the recorded figures as a Markdown table, draw --plot if given, measure nothing")
    args = parser.parse_args()
    if args.report:
        print(markdown_table())
        if args.plot:
            plot(args.plot)
        return
    try:
        sizes = sorted({int(size) for size in args.sizes.split(",")})
    except ValueError:
        sys.exit(f"--sizes: comma-separated whole numbers, got {args.sizes!r}")
    if not args.archive.is_file():
        sys.exit(f"--archive: {args.archive}: no such file; make it with: python bench/grow_corpus.py"
                 f" --count {max(sizes)}")
    for pid in args.server_pid:
        if not psutil.pid_exists(pid):
            sys.exit(f"--server-pid: no process {pid}")

    real = [peer_row(n, line) for n, line in enumerate(archive_lines(args.archive, REAL_RECORDS), 1)]
    queries = peer.make_queries(real, args.queries, args.seed)
    del real
    engine = "SolrCloud" if is_solr(args.index) else "Whoosh"
    print(f"at {datetime.now():%Y-%m-%d %H:%M}, {engine}, {os.cpu_count()} cores, {len(queries)} queries"
          f" (10 highlighted hits + 5 facets each), sizes {', '.join(f'{s:,}' for s in sizes)}", flush=True)
    for count in sizes:
        result = measure(count, args, queries)
        print_size(result)
        results = record(engine, args.archive, result)
    print(f"\n{engine}, every size recorded ({record_path(engine)}):")
    print_summary(results)
    if args.plot:
        plot(args.plot)
        print(f"plot: {args.plot}")


if __name__ == "__main__":
    main()
