"""The kind of each person-extraction error, told from the article text and the gold persons.

Wrong values (predicted, not a gold person) and misses (gold, not predicted)
are sorted into the kinds the person facet is known to get wrong, so that a
change can be judged kind by kind. The kinds are told by simple evidence and
the first that fits wins; ``other`` keeps the rest.
"""
from __future__ import annotations

import re

from indexer.enrich.persons import TITLES
from search.persons import person_key

WRONG_KINDS = ("wrong person or merge", "first name alone", "acronym-shaped", "place or street",
               "thing (brand, outlet, title, movement)", "other non-person")
MISS_KINDS = ("anonymised (initial)", "single word (surname, mononym)", "inside a quotation",
              "right after a title", "other miss")

_PLACE_BEFORE = frozenset("a en au aux vers sur depuis rue avenue boulevard place quai square allee impasse".split())
_THING_BEFORE = frozenset("le la les du des l un une marque journal magazine quotidien livre film album "
                          "serie emission mouvement groupe editions societe entreprise".split())
_QUOTES_OPEN, _QUOTES_CLOSE = "«“", "»”"
_INITIAL = re.compile(r"\b[A-Z]\.$")


def wrong_kind(name: str, text: str, gold: list[dict], first_names: set[str]) -> str:
    words = person_key(name).split()
    gold_words = [set(person_key(f).split()) for g in gold for f in (g["name"], *g["mentions"])]
    if any(set(words) & g for g in gold_words):
        return "wrong person or merge"
    if len(words) == 1 and words[0] in first_names:
        return "first name alone"
    if len(words) == 1 and (len(words[0]) <= 5 or re.search(rf"\b{re.escape(name.upper())}\b", text)):
        return "acronym-shaped"
    before = _word_before(name, text)
    if before in _PLACE_BEFORE:
        return "place or street"
    if before in _THING_BEFORE or _quoted(name, text):
        return "thing (brand, outlet, title, movement)"
    return "other non-person"


def miss_kind(person: dict, text: str) -> str:
    forms = [person["name"], *person["mentions"]]
    if any(_INITIAL.search(f) for f in forms):
        return "anonymised (initial)"
    if all(len(f.split()) == 1 for f in person["mentions"] or forms):
        return "single word (surname, mononym)"
    if any(_quoted(f, text) for f in forms):
        return "inside a quotation"
    if any(_word_before(f, text) in TITLES for f in forms):
        return "right after a title"
    return "other miss"


def _word_before(name: str, text: str) -> str:
    found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
    if not found:
        return ""
    previous = re.findall(r"[^\W\d_]+", text[max(0, found.start() - 30):found.start()])
    return person_key(previous[-1]) if previous else ""


def _quoted(name: str, text: str) -> bool:
    """Whether the name's first occurrence lies inside quotation marks of its paragraph."""
    found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
    if not found:
        return False
    paragraph = text[text.rfind("\n", 0, found.start()) + 1:found.start()]
    opened = sum(paragraph.count(q) for q in _QUOTES_OPEN) - sum(paragraph.count(q) for q in _QUOTES_CLOSE)
    return opened > 0 or paragraph.count('"') % 2 == 1
