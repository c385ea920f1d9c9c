"""Display titles of untitled articles: corpus records with their title removed, against that title.

    python bench/titles_quality.py [--limit N] [--corpus FILE]

Every record of ``fr-news.jsonl.gz`` loses its title; ``search.titles``
derives one from its URL (then from its text alone) and the derived title is
compared with the real headline: words in common (folded), and how many of
the shared words are spelt as the headline spells them (accents, capitals),
beside the raw slug as a baseline. Car pages' titles lose the site's
`` : actualité automobile, infos, scoop`` suffix first (it is no headline).
Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import gzip
import itertools
import json
import re
import sys
import time
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # runnable from a checkout without installing

from search.analysis import fold_word  # noqa: E402
from search.titles import ELLIPSIS, MAX_CHARS, display_title, slug_words  # noqa: E402

WORD = re.compile(r"[^\W_]+")
SITE_SUFFIX = " : actualité automobile, infos, scoop"


def main() -> None:
    args = parse_args()
    with gzip.open(args.corpus, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in itertools.islice(handle, args.limit)]
    headlines = [r["title"].removesuffix(SITE_SUFFIX) for r in records]

    from_url, url_seconds = timed(lambda r: display_title("", r["url"], r["text"]), records)
    from_text, text_seconds = timed(lambda r: display_title("", None, r["text"]), records)
    slugs = [" ".join(slug_words(r["url"])) for r in records]

    print(f"records: {len(records)}")
    derived = [(shown.text, headline) for shown, headline in zip(from_url, headlines) if shown.source == "url"]
    print(f"from the URL: {percent(len(derived), len(records))} of records "
          f"(the rest fall back to the text); {url_seconds / len(records) * 1e3:.2f} ms per title")
    print(f"  headline words found (folded):  recall {mean(recall(h, t) for t, h in derived):.3f}, "
          f"precision {mean(recall(t, h) for t, h in derived):.3f}")
    print(f"  the whole headline's words, in order: {percent(sum(same_words(t, h) for t, h in derived), len(derived))}")
    spelt = spelling(derived)
    raw = spelling([(slug, headline) for slug, headline, shown in zip(slugs, headlines, from_url)
                    if shown.source == "url"])
    print(f"  shared words spelt as in the headline (accents, capitals): {spelt} "
          f"(the raw slug: {raw})")
    lengths = [len(shown.text) for shown in from_text]
    print(f"from the text alone: {text_seconds / len(records) * 1e3:.2f} ms per title; "
          f"{mean(lengths):.0f} characters on average, at most {max(lengths)} (limit {MAX_CHARS}); "
          f"{percent(sum(s.text.endswith(ELLIPSIS) for s in from_text), len(records))} cut with an ellipsis")
    print("examples:")
    for shown, headline in list(zip(from_url, headlines))[:args.examples]:
        print(f"  {headline}\n    -> {shown.text} ({shown.source})")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--limit", type=int, help="only the first N records")
    parser.add_argument("--examples", type=int, default=8, help="headlines printed beside their derived title")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "fr-news.jsonl.gz",
                        help="the JSON Lines corpus (default: %(default)s)")
    return parser.parse_args()


def timed(derive, records) -> tuple[list, float]:
    started = time.perf_counter()
    results = [derive(r) for r in records]
    return results, time.perf_counter() - started


def folded(text: str) -> list[str]:
    return [fold_word(w) for w in WORD.findall(text)]


def recall(reference: str, found: str) -> float:
    wanted = set(folded(reference))
    return len(wanted & set(folded(found))) / len(wanted) if wanted else 1.0


def same_words(found: str, reference: str) -> bool:
    return folded(found) == folded(reference)


def spelling(pairs) -> str:
    """Of the words a title shares (folded) with its headline, the share written exactly as there."""
    shared = exact = 0
    for found, reference in pairs:
        written = {fold_word(w): w for w in WORD.findall(reference)}
        for word in WORD.findall(found):
            if fold_word(word) in written:
                shared += 1
                exact += written[fold_word(word)] == word
    return percent(exact, shared)


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


if __name__ == "__main__":
    main()
