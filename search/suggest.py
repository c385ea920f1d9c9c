"""“Did you mean”: a misspelt query word replaced by a word of the archive.

A word is suspect when (almost) no article has it, in any form. Candidates
are the archive's words within one or two edits of the unstemmed body
lexicon, the closest first, then the most frequent. The index holds folded
words (``election``); the correction is shown the way the articles usually
write it (``élection``), read from a few articles using it. Each engine gives
its lexicon through :class:`Lexicon`.
"""
from __future__ import annotations

from collections import Counter
from typing import Protocol

from .analysis import WORD_RE, fold_word, normalize, terms
from .query import parse

FIELD = "body_exact"
SUSPECT_BELOW = 2          # a word in fewer articles than this may be misspelt
SAMPLE_DOCS = 5            # articles read to find a word's usual spelling
MIN_LENGTH = 3


class Lexicon(Protocol):
    """What "did you mean" asks of an index."""

    def frequency(self, field: str, term: str) -> int:
        """How many articles have ``term`` in ``field``."""

    def near(self, field: str, term: str, distance: int) -> list[str]:
        """Indexed words within ``distance`` edits of ``term`` sharing its first letter."""

    def texts(self, field: str, term: str, n: int) -> list[str]:
        """The bodies of up to ``n`` articles having ``term`` in ``field``."""


def corrections(lexicon: Lexicon, words: list[str]) -> dict[int, str]:
    """Position in ``words`` -> replacement, for the words that look misspelt."""
    found = {}
    for position, word in enumerate(words):
        folded = terms(word, stem=False)
        if len(folded) != 1 or len(folded[0]) < MIN_LENGTH or folded[0].isdigit() or _known(lexicon, word, folded[0]):
            continue
        best = _closest(lexicon, folded[0])
        if best is not None:
            found[position] = display_form(lexicon, best)
    return found


def suggestion(lexicon: Lexicon, req, parsed, names, total: int, count) -> str | None:
    """A corrected query, offered only when it finds more than ``total``.

    ``count(parsed_query)``: how many articles it matches under the request's filters.
    """
    if not parsed.words or parsed.notice:
        return None
    fixes = corrections(lexicon, [w.text for w in parsed.words])
    if not fixes:
        return None
    text = _corrected(req.query, parsed.words, fixes)
    retried = parse(text, names, variants=req.variants, comments=req.comments)
    return text if count(retried) > total else None


def _corrected(text: str, words: list, fixes: dict[int, str]) -> str:
    """``text`` with each misspelt word (``words[i]``, with its place in ``text``) replaced by ``fixes[i]``."""
    for position in sorted(fixes, reverse=True):     # right to left keeps offsets valid
        word = words[position]
        text = text[:word.start] + fixes[position] + text[word.end:]
    return text


def _known(lexicon: Lexicon, word: str, folded: str) -> bool:
    stemmed = terms(word, stem=True)
    frequency = lexicon.frequency(FIELD, folded) + lexicon.frequency("title_exact", folded)
    if stemmed:
        frequency += lexicon.frequency("body", stemmed[0])
    return frequency >= SUSPECT_BELOW


def _closest(lexicon: Lexicon, folded: str) -> str | None:
    maxdist = 1 if len(folded) <= 4 else 2
    candidates = [t for t in lexicon.near(FIELD, folded, maxdist) if t != folded]
    if not candidates:
        return None
    scored = [(distance(folded, t), -lexicon.frequency(FIELD, t), t) for t in candidates]
    _, minus_frequency, best = min(scored)
    return best if -minus_frequency >= SUSPECT_BELOW else None


def distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit (``electoin``)."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def display_form(lexicon: Lexicon, folded: str) -> str:
    """The spelling most articles use for a folded word (accents restored), else the word."""
    spellings: Counter[str] = Counter()
    for text in lexicon.texts(FIELD, folded, SAMPLE_DOCS):
        for match in WORD_RE.finditer(text):
            word = normalize(match.group()).rpartition("'")[2]     # "l'élection" -> "élection"
            if fold_word(word) == folded:
                spellings[word] += 1
    if not spellings:
        return folded
    lower: Counter[str] = Counter()
    for spelling, count in spellings.items():
        # Sentence starts capitalise common words: keep capitals only for names.
        lower[spelling if spelling[:1].isupper() and spelling.lower() not in spellings else spelling.lower()] += count
    return lower.most_common(1)[0][0]
