"""Person facet quality against hand labels, and the archive's most frequent persons.

    python bench/persons_quality.py [--sample N] [--processes 2] [--cache DIR] [--model NAME]

Extracts the persons of the corpus (all of it by default; ``--sample N``
takes N articles besides the labelled ones), merges them across the archive
as the indexer does, then scores each labelled set apart: the 45 articles of
``../shared/corpus/persons-dev.jsonl`` (the set the filters were first tuned
on) and the 154 of ``bench/data/persons-wide.jsonl`` (picked across credit
lines and sections by ``bench/pick_persons_sample.py``). A predicted name is
right when it equals its gold person's canonical name or one of the ways the
article writes it, blind to what the facet is blind to (case, accents, doubled
letters: :func:`search.persons.spelling_key`) (each gold person counts once), so a surname
alone in the text matches the full name the archive resolves it to. Prints
precision, recall and F1 per set, the errors by kind, NER speed, and the
most frequent persons for a human to check.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter, defaultdict
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.enrich.persons import DEFAULT_MODEL, PersonExtractor, TagEvidence, build_registry, canonicalize  # noqa: E402
from indexer.readers.jsonl import to_article  # noqa: E402
from search.persons import person_key, spelling_key  # noqa: E402

from persons_errors import MISS_KINDS, WRONG_KINDS, miss_kind, wrong_kind  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "fr-news.jsonl.gz"
LABEL_SETS = {
    "persons-dev (45, first tuned on)": ROOT.parent / "shared" / "corpus" / "persons-dev.jsonl",
    "persons-wide (154, across outlets)": ROOT / "bench" / "data" / "persons-wide.jsonl",
}
CHUNK = 64


def load_labels(path: Path) -> dict[str, list[dict]]:
    """Article id -> gold persons, each ``{"name": canonical, "mentions": [as written…]}``.

    Reads both formats: persons-dev's ``name``/``mentions`` rows and the
    wider set's one ``as_written``/``canonical`` entry per written form
    (``#`` lines are its header).
    """
    labels = {}
    with path.open(encoding="utf-8") as f:
        for row in (json.loads(line) for line in f if line.strip() and not line.startswith("#")):
            persons: dict[str, dict] = {}
            for p in row["persons"]:
                if "canonical" in p:
                    person = persons.setdefault(p["canonical"], {"name": p["canonical"], "mentions": []})
                    person["mentions"].append(p["as_written"])
                else:
                    persons[p["name"]] = p
            labels[row["id"]] = list(persons.values())
    return labels


def load_articles(corpus: Path, wanted: set[str], sample: int | None) -> list:
    """The labelled articles plus ``sample`` others (spread evenly; None: all)."""
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    if sample is not None:
        step = max(1, len(records) // max(sample, 1))
        records = [r for i, r in enumerate(records)
                   if r["id"] in wanted or (sample and i % step == 0 and i // step < sample)]
    return [to_article(r, f"{corpus}:{i}", r["id"]) for i, r in enumerate(records)]


_worker: PersonExtractor | None = None


def _init(cache_dir, model):
    global _worker
    _worker = PersonExtractor(cache_dir, model)


def _extract(chunk):
    before, cpu = dict(_worker.stats), time.process_time()
    persons = _worker.extract(chunk)
    stats = {k: v - before.get(k, 0) for k, v in _worker.stats.items()}
    stats["cpu"] = time.process_time() - cpu   # per-core speed, whatever else the machine runs
    return persons, stats, _worker.take_tags()


def extract_all(articles: list, processes: int, cache_dir: Path | None,
                model: str) -> tuple[list[list[str]], TagEvidence, dict, float]:
    chunks = [articles[i:i + CHUNK] for i in range(0, len(articles), CHUNK)]
    start = time.perf_counter()
    if processes > 1:
        with Pool(processes, _init, (cache_dir, model)) as pool:
            results = pool.map(_extract, chunks, chunksize=1)
    else:
        _init(cache_dir, model)
        results = [_extract(c) for c in chunks]
    elapsed = time.perf_counter() - start
    stats: dict = {}
    tags = TagEvidence()
    for _, s, chunk_tags in results:
        tags.merge(chunk_tags)
        for k, v in s.items():
            stats[k] = stats.get(k, 0) + v
    return [p for persons, _, _ in results for p in persons], tags, stats, elapsed


def score(predicted: list[str], gold: list[dict]) -> tuple[int, list[str], list[dict]]:
    """(true positives, wrong predictions, missed gold persons) of one article."""
    forms = [{spelling_key(g["name"]), *map(spelling_key, g["mentions"])} for g in gold]
    matched: set[int] = set()
    wrong = []
    for name in predicted:
        hit = next((i for i, f in enumerate(forms) if i not in matched and spelling_key(name) in f), None)
        if hit is None:
            wrong.append(name)
        else:
            matched.add(hit)
    missed = [g for i, g in enumerate(gold) if i not in matched]
    return len(matched), wrong, missed


def first_names(registry) -> set[str]:
    """Folded words the archive writes first in full names far more often than last (Emmanuel, Marie)."""
    first: Counter = Counter()
    last: Counter = Counter()
    for name in registry:
        words = person_key(name).split()
        if len(words) > 1:
            first[words[0]] += registry.count(name)
            last[words[-1]] += registry.count(name)
    return {w for w, n in first.items() if n >= 3 and n > 4 * last[w]}


def report(labels, by_id, texts, given_names, out=print, verbose=False) -> float:
    tp = n_pred = n_gold = 0
    wrong_by_kind: dict[str, list[str]] = defaultdict(list)
    missed_by_kind: dict[str, list[str]] = defaultdict(list)
    for ident, gold in labels.items():
        predicted = by_id[ident]
        hits, wrong, missed = score(predicted, gold)
        tp, n_pred, n_gold = tp + hits, n_pred + len(predicted), n_gold + len(gold)
        for name in wrong:
            wrong_by_kind[wrong_kind(name, texts[ident], gold, given_names)].append(f"{name} [{ident}]")
        for person in missed:
            missed_by_kind[miss_kind(person, texts[ident])].append(f"{person['name']} [{ident}]")
        if verbose and (wrong or missed):
            out(f"  {ident}: wrong {wrong} missed {[g['name'] for g in missed]}")
    precision = tp / n_pred if n_pred else 1.0
    recall = tp / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    out(f"  {len(labels)} labelled articles, {n_gold} gold persons, {n_pred} predicted")
    out(f"  precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    for title, kinds, by_kind in (("wrong values", WRONG_KINDS, wrong_by_kind),
                                  ("missed persons", MISS_KINDS, missed_by_kind)):
        out(f"  {title} by kind:")
        for kind in kinds:
            if by_kind[kind]:
                out(f"    {kind} ({len(by_kind[kind])}): {'; '.join(by_kind[kind])}")
    return f1


def main(argv=None, out=print) -> dict[str, float]:
    """F1 of each labelled set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sample", type=int, default=None,
                        help="articles besides the labelled ones (default: all)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--cache", default=str(ROOT / "bench" / "out" / "cache"),
                        help="NER cache folder ('' for none)")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--verbose", action="store_true", help="list each article's errors")
    args = parser.parse_args(argv)

    label_sets = {name: load_labels(path) for name, path in LABEL_SETS.items()}
    wanted = {ident for labels in label_sets.values() for ident in labels}
    articles = load_articles(args.corpus, wanted, args.sample)
    cache = Path(args.cache) if args.cache else None
    persons, tags, stats, elapsed = extract_all(articles, args.processes, cache, args.model)
    out(f"{args.model}: extracted {len(articles)} articles in {elapsed:.1f}s: {len(articles) / elapsed:.1f}/s with "
        f"{args.processes} process(es), {len(articles) / stats['cpu']:.1f}/s per CPU second; "
        f"NER ran on {stats.get('ner', 0)}, the cache gave {stats.get('cached', 0)}")
    registry = build_registry(persons, tags)
    canonical = canonicalize(persons, registry)
    by_id = {a.id: p for a, p in zip(articles, canonical)}
    texts = {a.id: f"{a.title}\n\n{a.body}" for a in articles if a.id in wanted}
    given_names = first_names(registry)
    scores = {}
    for name, labels in label_sets.items():
        out(f"\npersons vs {name}:")
        scores[name] = report(labels, by_id, texts, given_names, out, args.verbose)
    out(f"\n{len(registry)} distinct persons; the {args.top} most frequent (articles: name [other spellings]):")
    for name in list(registry)[:args.top]:
        others = [v for v in registry.variants(name) if v != name]
        out(f"{registry.count(name):6d}  {name}" + (f"  [{', '.join(others)}]" if others else ""))
    return scores


if __name__ == "__main__":
    main()
