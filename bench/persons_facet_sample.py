"""The person facet of a built index, for a human to read: its most frequent values and a seeded
sample of its rare ones, each rare value with a snippet of one article that names it.

    python bench/persons_facet_sample.py --index DIR [--top 100] [--rare 150] [--seed 14]
                                         [--verdicts bench/data/persons-facet-rare.tsv]

A rare value is one named in 1 or 2 articles. The draw depends only on the
index and the seed, so the check can be repeated on a rebuild. With
``--verdicts`` (a TSV ``value<TAB>person|not<TAB>reason`` written by the
reader), it also prints the share of non-persons among the drawn values
that the file judges; drawn values the file does not judge are listed.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.engine import open_engine  # noqa: E402
from search.request import SearchRequest  # noqa: E402

RARE_MAX_ARTICLES = 2
SNIPPET_CHARS = 90   # each side of the mention


def _unaccented(text: str) -> str:
    """Lower case without accents, one character for one (offsets stay those of ``text``)."""
    return "".join(unicodedata.normalize("NFD", c)[0].lower() for c in text)


def snippet(text: str, value: str) -> str:
    """Where ``text`` names ``value``: the whole name, else its last word, else its first."""
    plain = _unaccented(text)
    words = value.split()
    for probe in dict.fromkeys((value, words[-1], words[0])):
        found = re.search(rf"(?<!\w){re.escape(_unaccented(probe))}(?!\w)", plain)
        if found:
            start, end = found.span()
            before = text[max(0, start - SNIPPET_CHARS):start]
            after = text[end:end + SNIPPET_CHARS]
            return " ".join(f"{before}[{text[start:end]}]{after}".split())
    return "(not found in the text: " + " ".join(text[:2 * SNIPPET_CHARS].split()) + ")"


def read_verdicts(path: Path) -> dict[str, tuple[str, str]]:
    verdicts = {}
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        value, verdict, *reason = line.split("\t")
        if verdict not in ("person", "not"):
            sys.exit(f"{path}:{number}: verdict must be 'person' or 'not', got {verdict!r}")
        verdicts[value] = (verdict, reason[0] if reason else "")
    return verdicts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", required=True, help="a built index (Whoosh folder or solr+http://…)")
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--rare", type=int, default=150)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--verdicts", type=Path, help="TSV value, person|not, reason: print the tally")
    args = parser.parse_args(argv)

    engine = open_engine(args.index)
    values = engine.facet_values("person", n=10 ** 9)
    rare = sorted(v["value"] for v in values if v["count"] <= RARE_MAX_ARTICLES)
    print(f"person values: {len(values)}, of which named in 1 or 2 articles: {len(rare)}")

    print(f"\n== the {args.top} most frequent")
    for rank, v in enumerate(values[:args.top], 1):
        print(f"{rank:>4}  {v['count']:>6}  {v['value']}")

    drawn = random.Random(args.seed).sample(rare, min(args.rare, len(rare)))
    print(f"\n== {len(drawn)} rare values drawn with seed {args.seed}")
    for value in drawn:
        hit = engine.search(SearchRequest(persons=[value], per_page=1, variants=False)).hits[0]
        article = engine.article(hit.id)
        text = f"{article['title']}\n{article['body']}"
        print(f"{value}\t{hit.id}\t{snippet(text, value)}")

    if args.verdicts:
        verdicts = read_verdicts(args.verdicts)
        judged = [v for v in drawn if v in verdicts]
        nots = [v for v in judged if verdicts[v][0] == "not"]
        print(f"\n== verdicts ({args.verdicts}): {len(nots)}/{len(judged)} not persons "
              f"({len(nots) / max(len(judged), 1):.1%})")
        for value in nots:
            print(f"  not: {value}  ({verdicts[value][1]})")
        for value in (v for v in drawn if v not in verdicts):
            print(f"  unjudged: {value}")


if __name__ == "__main__":
    main()
