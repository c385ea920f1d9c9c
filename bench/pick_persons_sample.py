"""Pick the articles of the wider person labelled set (seeded, reproducible).

    python bench/pick_persons_sample.py [--seed 2026] > ids.txt

Prints ``id<TAB>credit line<TAB>section`` for up to 156 articles of the
shared corpus (154 with the default seed: a draw that finds its pool already
taken is skipped), none of the 45 of ``persons-dev.jsonl``, stratified so
that the set does not look like one outlet:

* 8 per section with at least 100 articles (12 sections), each section's
  picks rotating over the big credit lines it has (AFP, Orange avec AFP,
  6Medias, none for car news…);
* one article from each of 40 credit lines of the long tail (BFMTV,
  franceinfo, L'Opinion, Le Parisien, staff journalists…);
* 20 of the saved HTML pages (every 70th record), rotating over sections.

Articles over 6,000 characters are left out: labelling reads every word, and
NER reads only the first 5,000 characters anyway.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.sources import normalize_source  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "fr-news.jsonl.gz"
DEV = ROOT.parent / "shared" / "corpus" / "persons-dev.jsonl"
MAX_CHARS = 6000
PER_SECTION, TAIL_LINES, SAVED_PAGES = 8, 40, 20
BIG_LINES = 6
SAVED_PAGE_STEP = 70


def credit_line(record: dict) -> str:
    source = normalize_source(record.get("source"))
    return source[1] if source else "(none)"


def pick(records: list[tuple[int, dict]], rng: random.Random) -> list[dict]:
    lines = Counter(credit_line(r) for _, r in records)
    big = [name for name, _ in lines.most_common(BIG_LINES)]
    sections = Counter(r["extra"]["section"] for _, r in records)
    chosen: dict[str, dict] = {}

    def take(pool: list[dict]) -> bool:
        pool = [r for r in pool if r["id"] not in chosen]
        if not pool:
            return False
        record = rng.choice(pool)
        chosen[record["id"]] = record
        return True

    by_stratum: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for _, r in records:
        by_stratum[r["extra"]["section"], credit_line(r)].append(r)
    for section in sorted(s for s, n in sections.items() if n >= 100):
        rotation = [line for line in big if by_stratum.get((section, line))]
        rng.shuffle(rotation)
        for n in range(PER_SECTION):
            take(by_stratum[section, rotation[n % len(rotation)]])
    tail = sorted(line for line in lines if line not in big)
    rng.shuffle(tail)
    taken = 0
    for line in tail:
        if taken == TAIL_LINES:
            break
        taken += take([r for _, r in records if credit_line(r) == line])
    saved = [r for i, r in records if i % SAVED_PAGE_STEP == 0]
    saved_sections = sorted({r["extra"]["section"] for r in saved})
    rng.shuffle(saved_sections)
    for n in range(SAVED_PAGES):
        take([r for r in saved if r["extra"]["section"] == saved_sections[n % len(saved_sections)]])
    return list(chosen.values())


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    with DEV.open(encoding="utf-8") as f:
        dev = {json.loads(line)["id"] for line in f}
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        # The index in the file is kept: the saved pages are every 70th record of it.
        records = [(i, r) for i, r in enumerate(map(json.loads, f))
                   if r["id"] not in dev and len(r["text"]) <= MAX_CHARS]
    for record in pick(records, random.Random(args.seed)):
        print(f"{record['id']}\t{credit_line(record)}\t{record['extra']['section']}")


if __name__ == "__main__":
    main()
