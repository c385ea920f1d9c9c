"""Query words marked in article text.

The output is HTML built here and nowhere else: the article's text is always
escaped, and the only markup added is ``<mark>`` around matched words, so an
article containing ``<script>`` comes out as text. A word matches when the
analysis chain gives it the same term as the query did — its stem (so
``securite`` marks « Sécurité » and ``garanties`` marks « garantie ») or its
folded form (phrases, wildcards, fuzzy words, name spellings).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

from markupsafe import escape

from . import index_query as iq
from .analysis import FRENCH_CHAIN_LANGS, OTHER_LETTER, STOP_WORDS, fold_to_bytes, terms

SNIPPET_CHARS = 240
SNIPPET_LEAD = 60          # context kept before the first match of the window
MAX_SPANS = 500            # enough for any window choice on a long article

STEMMED_FIELDS = frozenset({"title", "body", "comments"})
EXACT_FIELDS = frozenset({"title_exact", "body_exact", "person_names"})

_SPACES = re.compile(r"\s+")
_LINES = re.compile(r"\s*\n\s*")


@dataclass(frozen=True)
class Terms:
    """What to mark: index terms of the stemmed and of the unstemmed fields."""

    stemmed: frozenset[str] = frozenset()
    exact: frozenset[str] = frozenset()
    candidates: re.Pattern | None = field(default=None, compare=False)   # see candidate_words

    @classmethod
    def of(cls, pairs) -> Terms:
        """From (field, term) pairs; stop words only when there is nothing else to mark."""
        pairs = list(pairs)
        stemmed = frozenset(t for f, t in pairs if f in STEMMED_FIELDS)
        exact = frozenset(t for f, t in pairs if f in EXACT_FIELDS)
        content = exact - STOP_WORDS
        exact = content if content or stemmed else exact
        return cls(stemmed, exact, head_pattern({t[:2] for t in stemmed | exact}))

    @classmethod
    def of_query(cls, leaves: list, expand) -> Terms:
        """From a parsed query's positive leaves; ``expand(pattern)`` gives the indexed words a pattern covers."""
        pairs = []
        for leaf in leaves:
            if isinstance(leaf, iq.MultiTerm):
                pairs += [(leaf.field, word) for word in expand(leaf)]
            elif isinstance(leaf, iq.Phrase):
                pairs += [(leaf.field, word) for word in leaf.words]
            elif isinstance(leaf, iq.Near):
                pairs += [(leaf.field, word) for word in leaf.left + leaf.right]
            elif isinstance(leaf, iq.Count):
                pairs += [(field, leaf.text) for field in leaf.fields]
            elif isinstance(leaf, iq.Term):
                pairs.append((leaf.field, leaf.text))
        return cls.of(pairs)

    def __bool__(self) -> bool:
        return bool(self.stemmed or self.exact)


def spans(text: str, wanted: Terms, lang: str | None = "fr") -> list[tuple[int, int]]:
    """(start, end) of every matching word of ``text``, in order."""
    if not wanted or not text:
        return []
    chain = "fr" if lang in FRENCH_CHAIN_LANGS else lang
    found = []
    # The folded bytes have a byte per character of the text: a word's span there is its span in the text.
    for start, end in candidate_words(fold_to_bytes(text), wanted.candidates):
        exact, stem = word_forms(text[start:end], chain)
        if exact in wanted.exact or stem in wanted.stemmed:
            found.append((start, end))
            if len(found) >= MAX_SPANS:
                break
    return found


def head_pattern(heads: set[str]) -> re.Pattern:
    """The terms' first two letters, each occurrence taken with the rest of its word (see :func:`candidate_words`).

    Stemming keeps the first two letters of a folded word (a one-letter stem
    is its first letter), so a word not starting with one of these (after an
    elision) cannot give one of the terms.
    """
    heads = {h.encode("ascii", "ignore") for h in heads} - {b""}        # terms are folded to ASCII
    alternatives = b"|".join(re.escape(h) for h in sorted(heads, key=len, reverse=True))
    return re.compile(rb"(?:%s)[\w%c]*" % (alternatives, OTHER_LETTER))


_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_" + bytes([OTHER_LETTER]))
_APOSTROPHE = ord("'")
_WORD = re.compile(rb"[\w%c]+(?:'[\w%c]+)*" % (OTHER_LETTER, OTHER_LETTER))   # analysis.WORD_RE, folded
_OTHER = re.compile(bytes([OTHER_LETTER]))


def candidate_words(folded: bytes, heads: re.Pattern) -> Iterator[tuple[int, int]]:
    """(start, end) of the words of ``folded`` (:func:`fold_to_bytes`'s) that may give a term of ``heads``
    (:func:`head_pattern`'s): those starting with a head, after an elision or not, and those holding a letter
    that does not fold to one ASCII letter (the chain may fold it otherwise), in order.

    The regular expression looks for the heads anywhere, which it does a byte at a time in C; checking that a
    match starts a word is left to the few matches (a pattern starting with that check made the expression
    try it at every byte, six times slower).
    """
    starts = set()
    for found in heads.finditer(folded):
        start = found.start()
        if start and folded[start - 1] == _APOSTROPHE:          # after an elision, or an opening quote
            starts.add(_word_start(folded, start))
        elif not start or folded[start - 1] not in _WORD_BYTES:
            starts.add(start)
    if OTHER_LETTER in folded:
        starts.update(_word_start(folded, found.start()) for found in _OTHER.finditer(folded))
    for start in sorted(starts):
        yield _WORD.match(folded, start).span()


def _word_start(folded: bytes, position: int) -> int:
    while position and (folded[position - 1] in _WORD_BYTES or folded[position - 1] == _APOSTROPHE):
        position -= 1
    while folded[position] == _APOSTROPHE:
        position += 1
    return position


@lru_cache(maxsize=200_000)
def word_forms(word: str, lang: str) -> tuple[str | None, str | None]:
    """A word's unstemmed and stemmed terms (None for a dropped word), memoised: texts reuse words."""
    exact, stem = terms(word, stem=False, lang=lang), terms(word, stem=True, lang=lang)
    return (exact[0] if exact else None), (stem[0] if stem else None)


def mark(text: str, found: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` escaped, with the spans inside it in ``<mark>``; runs of spaces made one."""
    end = len(text) if end is None else end
    out, position = [], start
    for left, right in found:
        if left < start or right > end:
            continue
        out.append(_plain(text[position:left]))
        out.append(f"<mark>{escape(text[left:right])}</mark>")
        position = right
    out.append(_plain(text[position:end]))
    return "".join(out)


def _plain(piece: str) -> str:
    return str(escape(_SPACES.sub(" ", piece)))


def snippet(text: str, wanted: Terms, lang: str | None = "fr", size: int = SNIPPET_CHARS) -> str:
    """About ``size`` characters of ``text`` around its densest cluster of matches (else its start)."""
    found = spans(text, wanted, lang)
    start = _window(text, found, size)
    end = min(len(text), start + size)
    if end < len(text):                       # never cut a word in two
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    body = mark(text, found, start, end).strip()
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def _window(text: str, found: list[tuple[int, int]], size: int) -> int:
    """Start of the window holding the most distinct matched words (then the most matches)."""
    if not found:
        return 0
    best, best_start = (-1, -1), 0
    right = 0
    for left, (start, _) in enumerate(found):
        right = max(right, left)
        while right + 1 < len(found) and found[right + 1][1] <= start + size - SNIPPET_LEAD:
            right += 1
        inside = found[left:right + 1]
        quality = (len({text[a:b].lower() for a, b in inside}), len(inside))
        if quality > best:
            best, best_start = quality, start
    begin = max(0, best_start - SNIPPET_LEAD)
    if begin > 0:                              # start on a word
        space = text.find(" ", begin, best_start)
        begin = space + 1 if space >= 0 else begin
    return begin


def paragraphs(text: str, wanted: Terms, lang: str | None = "fr") -> str:
    """The whole text as ``<p>`` paragraphs (one per line), matches marked."""
    found = spans(text, wanted, lang)
    out, position = [], 0
    for separator in [*_LINES.finditer(text), None]:
        end = separator.start() if separator else len(text)
        if text[position:end].strip():
            out.append(f"<p>{mark(text, found, position, end).strip()}</p>")
        position = separator.end() if separator else end
    return "".join(out)
