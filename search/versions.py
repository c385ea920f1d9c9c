"""Versions of one story: how two texts compare, word for word.

The indexer groups copies by these words (:mod:`indexer.enrich.copies`); the
article page says how much each other version differs and shows what changed.
"""
from __future__ import annotations

import difflib
import html
import re

SHINGLE = 5                       # words per shingle: near copies share most word 5-grams
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
MAX_DIFF_TOKENS = 20_000          # longer texts are compared on their beginning only


def words(text: str) -> list[str]:
    """The text's words, lower-cased: what copies are compared on (punctuation and spacing ignored)."""
    return _WORD.findall(text.lower())


def shingles(text_words: list[str]) -> set[tuple[str, ...]]:
    """Word 5-grams (the whole text when shorter)."""
    if len(text_words) < SHINGLE:
        return {tuple(text_words)} if text_words else set()
    return {tuple(text_words[i:i + SHINGLE]) for i in range(len(text_words) - SHINGLE + 1)}


def difference(a: str, b: str) -> float:
    """Share of the words of two texts that are not common to both (0: the same words in the same order)."""
    first, second = words(a), words(b)
    if not first and not second:
        return 0.0
    return round(1.0 - difflib.SequenceMatcher(None, first, second, autojunk=False).ratio(), 3)


def word_diff(a: str, b: str) -> str:
    """HTML of ``b`` against ``a``: escaped text, removed words in ``<del>``, added ones in ``<ins>``."""
    old, new = _TOKEN.findall(a)[:MAX_DIFF_TOKENS], _TOKEN.findall(b)[:MAX_DIFF_TOKENS]
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(f"<del>{html.escape(''.join(old[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{html.escape(''.join(new[j1:j2]))}</ins>")
        if op == "equal":
            parts.append(html.escape("".join(new[j1:j2])))
    return "".join(parts)
