"""Kill -9 rebuilds and updates at random moments: the index must keep answering as it was, and the next run be clean.

    python bench/crash_rebuilds.py [--articles 5000] [--kills 20] [--index LOCATION] [--seed 7]

Two archives are made from the first N corpus records: A, and B where one
record in ten has the marker word ``zorglub`` added to its title, one in
twenty is gone and as many new ones come after. Each round starts
``manchette index --no-persons`` (a rebuild, or ``--update`` every other
round) from the state the previous round left, towards the other archive,
and kills it with SIGKILL at a random moment of its expected duration. Then:

- the index must answer, in the state it had before the round: the same
  number of articles and of ``zorglub`` matches (for ``--update``, Whoosh's
  own atomic commit may also have completed just before the kill: that
  state is the new one, complete, and is counted apart);
- the same command, run again to the end, must succeed and leave the new
  state, with no half-built generation left (Whoosh) and no lock held.

LOCATION is a folder (default ``bench/out/crash/index``) or a
``solr+http://HOST:PORT/solr/NAME`` alias.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "fr-news.jsonl.gz"
OUT = ROOT / "bench" / "out" / "crash"
MANCHETTE = Path(sys.executable).with_name("manchette")
MARKER = "zorglub"
ARCHIVE = "archive.jsonl.gz"


def archives(count: int, folder: Path) -> dict[str, Path]:
    """A and B (see the module's description), as .jsonl.gz files."""
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        records = [json.loads(next(handle)) for _ in range(count + count // 20)]
    base, extra = records[:count], records[count:]
    changed = []
    for number, record in enumerate(base):
        if number % 20 == 7:
            continue
        if number % 10 == 3:
            record = {**record, "title": f"{record.get('title') or ''} {MARKER}"}
        changed.append(record)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, rows in (("A", base), ("B", changed + extra)):
        paths[name] = folder / f"{name}.jsonl.gz"
        with gzip.open(paths[name], "wt", encoding="utf-8") as out:
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return paths


def state(location: str) -> tuple[int, int] | str:
    """(articles, marker matches), or what the index said instead of answering."""
    stats = subprocess.run([str(MANCHETTE), "stats", "--json", "--index", location], capture_output=True, text=True)
    found = subprocess.run([str(MANCHETTE), "search", MARKER, "--json", "--per-page", "1", "--index", location],
                           capture_output=True, text=True)
    if stats.returncode or found.returncode:
        return (stats.stderr or found.stderr).strip()[-200:]
    return json.loads(stats.stdout)["articles"], json.loads(found.stdout)["total"]


def command(archive: Path, location: str, update: bool) -> list[str]:
    """Index ``archive``'s records from one path, so that --update removes those it no longer has."""
    shutil.copyfile(archive, OUT / ARCHIVE)
    return [str(MANCHETTE), "index", str(OUT / ARCHIVE), "--no-persons", "-q", "--index", location,
            *(["--update"] if update else [])]


def complete(archive: Path, location: str, update: bool) -> float:
    started = time.monotonic()
    subprocess.run(command(archive, location, update), check=True, capture_output=True)
    return time.monotonic() - started


def leftovers(location: str) -> list[str]:
    folder = Path(location)
    return [p.name for p in folder.glob("gen-*.tmp")] if folder.is_dir() else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--index", default=str(OUT / "index"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    paths = archives(args.articles, OUT)
    location = args.index
    duration = {False: complete(paths["A"], location, False)}
    states = {"A": state(location)}
    duration[True] = complete(paths["B"], location, True)
    states["B"] = state(location)
    complete(paths["A"], location, False)
    print(f"{args.articles} articles; rebuild {duration[False]:.1f} s, update {duration[True]:.1f} s; "
          f"states A {states['A']}, B {states['B']}")
    current, tally = "A", {"previous": 0, "new": 0, "wrong": 0, "ended first": 0}
    for round_number in range(1, args.kills + 1):
        update, target = round_number % 2 == 0, "B" if current == "A" else "A"
        delay = rng.uniform(0.05, 0.95) * duration[update]
        process = subprocess.Popen(command(paths[target], location, update), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(delay)
        killed = process.poll() is None
        process.kill()
        process.wait()
        after = state(location)
        if not killed:
            verdict = "ended first" if after == states[target] else "wrong"
        else:
            verdict = ("previous" if after == states[current] else "new" if after == states[target] and update
                       else "wrong")
        tally[verdict] += 1
        # The kill moments follow the latest duration: the machine's load changes during the run.
        duration[update] = complete(paths[target], location, update)
        final = state(location)
        clean = final == states[target] and not leftovers(location)
        print(f"round {round_number:2d} {'update ' if update else 'rebuild'} {current}->{target} "
              f"killed at {delay:5.1f} s: {verdict:11s} {after} | "
              f"next run {'clean' if clean else 'NOT CLEAN'} {final} {leftovers(location) or ''}")
        current = target
    print(f"\nafter the kill: previous state {tally['previous']}, the update's complete new state "
          f"{tally['new']}, anything else {tally['wrong']}; the run had ended before the kill "
          f"{tally['ended first']} (of {args.kills})")


if __name__ == "__main__":
    main()
