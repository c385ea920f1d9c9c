"""Syndicated copies on the corpus: how many groups, how good, and what they cost.

Quality: every article is fingerprinted and grouped as ``manchette index`` does
(:mod:`indexer.enrich.copies`), then checked against exact Jaccard similarities
of word 5-gram sets computed by brute force: every pair of articles of at least
15 words whose similarity can reach 0.8 is found by an exact all-pairs
similarity join (prefix filtering on the rarest 5-grams: a pair at 0.8 shares
one of the first ⌊0.2·n⌋+1 of each text's 5-grams in a global order), and its
similarity computed. Precision is over the pairs of articles put in one group
(a pair is right when its similarity is at least 0.8, or when one text is a
teaser of the other); recall over the pairs at 0.8 or more.

Speed: ``--speed N`` indexes the first N articles twice (``--no-persons``, two
workers), with and without detection, in alternation. Search: ``--index DIR``
(a Whoosh index of the corpus; built without persons when missing) runs the
280 queries of ``bench/search_bench.py`` collapsed and not, alternating.

    python bench/copies_quality.py [--sample 8] [--speed 4000] [--index bench/out/copies-index] [--skip-quality]
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from indexer import pipeline  # noqa: E402
from indexer.enrich import copies  # noqa: E402
from search.engine import open_engine  # noqa: E402
from search.store import open_store  # noqa: E402
from search.versions import shingles, words  # noqa: E402

CORPUS = PROJECT.parent / "shared" / "corpus" / "fr-news.jsonl.gz"
OUT = PROJECT / "bench" / "out"


def read_corpus(path: Path, limit: int | None = None) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for number, line in enumerate(handle) if limit is None or number < limit]


def published(record: dict) -> datetime | None:
    return datetime.fromisoformat(record["published"]) if record.get("published") else None


# --- what the indexer decides ---------------------------------------------------------------------

def detect(records: list[dict]) -> tuple[dict[str, copies.Decision], float, float]:
    started = time.process_time()
    prints = [copies.fingerprint(r["text"]) for r in records]
    fingerprinting = time.process_time() - started
    texts = {r["id"]: r["text"] for r in records}
    started = time.process_time()
    decisions = copies.group([copies.Entry(r["id"], published(r), p) for r, p in zip(records, prints)],
                             lambda ids: {i: texts[i] for i in ids})
    return decisions, fingerprinting, time.process_time() - started


# --- the truth, by brute force ----------------------------------------------------------------------

def shingle_sets(records: list[dict]) -> list[np.ndarray]:
    """Each text's 5-grams as sorted hashes ([] below the indexer's minimum length)."""
    sets = []
    for record in records:
        text_words = words(record["text"])
        grams = shingles(text_words) if len(text_words) >= copies.MIN_WORDS else set()
        sets.append(np.unique(np.fromiter((hash(g) for g in grams), dtype=np.int64, count=len(grams))))
    return sets


def similar_pairs(sets: list[np.ndarray], threshold: float) -> dict[tuple[int, int], float]:
    """Every pair at ``threshold`` or more, exactly (prefix-filtered all-pairs join)."""
    every = np.concatenate([s for s in sets if len(s)])
    values, counts = np.unique(every, return_counts=True)
    buckets: dict[int, list[int]] = defaultdict(list)
    for number, grams in enumerate(sets):
        if not len(grams):
            continue
        frequency = counts[np.searchsorted(values, grams)]
        prefix = grams[np.lexsort((grams, frequency))][:int((1 - threshold) * len(grams)) + 1]
        for gram in prefix.tolist():
            buckets[gram].append(number)
    found = {}
    for members in buckets.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                pair = (min(a, b), max(a, b))
                if pair in found:
                    continue
                small, large = sorted((len(sets[a]), len(sets[b])))
                if small < threshold * large:
                    continue
                similarity = copies.jaccard(sets[a], sets[b])
                if similarity >= threshold:
                    found[pair] = similarity
    return found


def is_teaser(a: np.ndarray, b: np.ndarray) -> bool:
    short, long = sorted((a, b), key=len)
    return len(short) > 0 and len(short) <= copies.TEASER_SHARE * len(long) and \
        copies.shared(short, long) >= copies.TEASER_CONTAINED * len(short)


# --- report ----------------------------------------------------------------------------------------------

def quality(records: list[dict], sample: int) -> None:
    decisions, fingerprinting, grouping = detect(records)
    print(f"{len(records)} articles; fingerprints {fingerprinting:.1f} s CPU "
          f"({fingerprinting / len(records) * 1000:.2f} ms per article), grouping {grouping:.1f} s CPU")
    number = {r["id"]: n for n, r in enumerate(records)}
    groups: dict[str, list[int]] = defaultdict(list)
    for article_id, decision in decisions.items():
        if decision.group:
            groups[decision.group].append(number[article_id])
    sizes = sorted((len(m) for m in groups.values()), reverse=True)
    print(f"groups: {len(groups)}, articles in groups: {sum(sizes)} ({sum(sizes) / len(records):.1%}), "
          f"copies (not representative): {sum(sizes) - len(groups)}; largest groups {sizes[:8]}")
    rng = random.Random(20261127)
    print(f"\n{sample} groups drawn at random, to read:")
    for group in rng.sample(sorted(groups), min(sample, len(groups))):
        print(f"- group {group}")
        for n in sorted(groups[group], key=lambda n: records[n].get("published") or ""):
            r = records[n]
            flag = "*" if decisions[r["id"]].representative else " "
            print(f"   {flag} {r['id']:<18} {str(r.get('source'))[:22]:<22} {(r.get('published') or '')[:16]:<16} "
                  f"{len(words(r['text'])):>5} words  {r['title'][:70]}")
    sets = shingle_sets(records)
    started = time.process_time()
    truth = similar_pairs(sets, copies.THRESHOLD)
    print(f"\nbrute force: {len(truth)} pairs at >= {copies.THRESHOLD} ({time.process_time() - started:.1f} s CPU)")
    grouped_pairs = [(a, b) for members in groups.values() for i, a in enumerate(members) for b in members[i + 1:]]
    near = sum(1 for a, b in grouped_pairs if (min(a, b), max(a, b)) in truth or copies.jaccard(sets[a], sets[b]) >= copies.THRESHOLD)
    teasers = sum(1 for a, b in grouped_pairs if copies.jaccard(sets[a], sets[b]) < copies.THRESHOLD and is_teaser(sets[a], sets[b]))
    found = sum(1 for a, b in truth if decisions[records[a]["id"]].group
                and decisions[records[a]["id"]].group == decisions[records[b]["id"]].group)
    print(f"pairs grouped: {len(grouped_pairs)}, at >= {copies.THRESHOLD}: {near}, teaser pairs: {teasers}")
    print(f"pairwise precision: {(near + teasers) / max(1, len(grouped_pairs)):.4f} "
          f"(similarity alone: {near / max(1, len(grouped_pairs)):.4f})")
    print(f"recall of the pairs at >= {copies.THRESHOLD}: {found / max(1, len(truth)):.4f} ({found} of {len(truth)})")


def speed(count: int, rounds: int = 2) -> None:
    """Index the first ``count`` articles with and without detection, alternating."""
    records = read_corpus(CORPUS, count)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "records.jsonl"
        source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
        times: dict[str, list[tuple[float, float]]] = {"with detection": [], "without": []}
        for round_number in range(rounds):
            for label in times:
                times[label].append(_index_once(source, Path(folder) / f"{label}-{round_number}",
                                                label == "with detection"))
    # CPU seconds of the indexer and its workers say more than wall time on a shared machine.
    best = {label: min(cpu for _, cpu in values) for label, values in times.items()}
    for label, values in times.items():
        print(f"indexing {count} articles {label:<15} CPU best of {rounds}: {best[label]:6.1f} s "
              f"({count / best[label]:6.1f} docs per CPU second); wall: {', '.join(f'{w:.1f}' for w, _ in values)} s")
    print(f"detection costs {best['with detection'] / best['without'] - 1:+.1%} of the indexing CPU time")


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _index_once(source: Path, index_dir: Path, detection: bool) -> tuple[float, float]:
    """(wall, CPU) seconds of one rebuild, its worker processes included."""
    fingerprint, group = copies.fingerprint, copies.group
    if not detection:       # every article alone, nothing computed
        copies.fingerprint = lambda body: ""
        copies.group = lambda entries, texts: {e.id: copies.Decision("", True) for e in entries}
    try:
        started, cpu = time.perf_counter(), _cpu()
        pipeline.build([source], open_store(index_dir), pipeline.Options(workers=2, entities=False))
        return time.perf_counter() - started, _cpu() - cpu
    finally:
        copies.fingerprint, copies.group = fingerprint, group


def search_latency(index_dir: Path) -> None:
    import search_bench
    if open_store(index_dir).exists() is False:
        print(f"building {index_dir} (no persons) …", flush=True)
        pipeline.build([CORPUS], open_store(index_dir), pipeline.Options(workers=2, entities=False))
    rows = search_bench.records(index_dir)
    queries = search_bench.make_queries(rows, 200, 20250815)
    # One engine per mode (each its own caches), so that both meet every query new, then again.
    engines = {True: open_engine(index_dir), False: open_engine(index_dir)}
    for label in ("new queries", "repeated queries"):
        times: dict[bool, list[float]] = {True: [], False: []}
        for number, query in enumerate(queries):
            for collapse in ((True, False) if number % 2 else (False, True)):     # alternate which goes first
                request = replace(search_bench.request(query), collapse=collapse)
                times[collapse].append(search_bench.timed(engines[collapse].search, request))
        p95 = {collapse: search_bench.percentile(values, 0.95) for collapse, values in times.items()}
        print(f"{label}, {len(queries)} each: " + "; ".join(
            f"{'collapsed' if collapse else 'every copy'} p50 {search_bench.percentile(values, 0.5):.1f} ms "
            f"p95 {p95[collapse]:.1f} ms" for collapse, values in times.items())
            + f"; p95 collapsed / every copy {p95[True] / p95[False]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sample", type=int, default=8, help="groups printed to read")
    parser.add_argument("--speed", type=int, default=0, metavar="N", help="time indexing N articles with and without")
    parser.add_argument("--index", type=Path, help="Whoosh index of the corpus for the search latency")
    parser.add_argument("--skip-quality", action="store_true", help="only the speed and search figures")
    args = parser.parse_args()
    if not args.skip_quality:
        quality(read_corpus(args.corpus), args.sample)
    if args.speed:
        speed(args.speed)
    if args.index:
        search_latency(args.index)


if __name__ == "__main__":
    main()
