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
    candidates: re.Pattern | None = field(default=None, compare=False)   # see _candidates

    @classmethod
    def of(cls, pairs) -> Terms:
        """From (field, term) pairs; stop words only when there is nothing else to mark."""
        pairs = list(pairs)
        stemmed = frozenset(t for f, t in pairs if f in STEMMED_FIELDS)
        exact = frozenset(t for f, t in pairs if f in EXACT_FIELDS)
        content = exact - STOP_WORDS
        exact = content if content or stemmed else exact
        return cls(stemmed, exact, _candidate_pattern({t[:2] for t in stemmed | exact}))

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
    # The folded bytes have a byte per character of the text: a match's span is its word's.
    for start, end in map(re.Match.span, wanted.candidates.finditer(fold_to_bytes(text))):
        exact, stem = word_forms(text[start:end], chain)
        if exact in wanted.exact or stem in wanted.stemmed:
            found.append((start, end))
            if len(found) >= MAX_SPANS:
                break
    return found


def _candidate_pattern(heads: set[str]) -> re.Pattern:
    """Whole words (as ``analysis.WORD_RE`` cuts them) that may match: starting (after an elision) with a term's first
    two letters, or holding a letter outside ASCII (in :func:`fold_to_bytes`'s text).

    Stemming keeps the first two letters of a folded word (a one-letter stem
    is its first letter), so no other word can give one of the terms; what the
    one-to-one folding leaves outside ASCII (``œ``, ``ß``) is left to the chain.
    """
    heads = {h.encode("ascii", "ignore") for h in heads} - {b""}        # terms are folded to ASCII
    alternatives = b"|".join(re.escape(h) for h in sorted(heads, key=len, reverse=True))
    letter = rb"[\w%c]" % OTHER_LETTER
    return re.compile(rb"(?<![\w%c'])(?=(?:%s{1,7}')?(?:%s)|[\w%c']*%c)%s+(?:'%s+)*"
                      % (OTHER_LETTER, letter, alternatives, OTHER_LETTER, OTHER_LETTER, letter, letter))


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
