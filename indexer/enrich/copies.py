"""Syndicated copies: which articles are versions of one story, and which one represents it.

Detection runs in two steps so that memory stays small per article:

1. :func:`fingerprint`, in the enrichment workers: a short string per article —
   its word count, a hash of its normalised text (exact copies), a hash of its
   first words (a teaser and its full article) and 16 MinHash band hashes of its
   word 5-grams (near copies: LSH, 16 bands of 5 rows, so that two texts of
   similarity 0.8 share a band with probability 0.998). It is stored with the
   article, so ``--update`` compares new articles with the index without
   re-reading every text.
2. :func:`group`, once every fingerprint is known: articles with the same text
   are one group; articles sharing a band are candidates, kept when the exact
   Jaccard similarity of their 5-gram sets is at least 0.8 (the texts of the
   candidates only are read again); a text of at most half the length of
   another that starts with the same words and is contained in it (90% of its
   5-grams) is that article's teaser. The representative of a group is its
   earliest published article, the longest on a tie. An article with no copy has no group.
"""
from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable

import numpy as np

from search.versions import SHINGLE, words

THRESHOLD = 0.8          # Jaccard similarity of word 5-grams for near copies
BANDS, ROWS = 16, 5
MIN_WORDS = 15           # shorter texts (captions, "Vidéo.") are never grouped
LEAD_WORDS = 30          # words a teaser and its article start with
TEASER_SHARE = 0.5       # a teaser has at most this share of its article's words
TEASER_CONTAINED = 0.9   # share of the teaser's 5-grams found in the article
RUN_PAIRS = 12           # a band bucket larger than this is checked as a chain and a star, not every pair
_MASK = (1 << 64) - 1
_rng = np.random.default_rng(20261127)
_A = _rng.integers(1, 2 ** 63, BANDS * ROWS, dtype=np.uint64) | np.uint64(1)   # odd multipliers
_B = _rng.integers(0, 2 ** 63, BANDS * ROWS, dtype=np.uint64)
_ROW_WEIGHTS = _rng.integers(1, 2 ** 63, (BANDS, ROWS), dtype=np.uint64) | np.uint64(1)   # a band's rows -> one hash
_WORD_HASHES_LIMIT = 500_000
# A 5-gram's k-th word is rotated by k * 13 bits (the constants made once: NumPy scalars cost a call each).
_ROTATIONS = [(k, np.uint64(k * 13), np.uint64(64 - k * 13)) for k in range(1, SHINGLE)]


def _hash64(text: str, signed: bool = False) -> int:
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=signed)


class _WordHashes(dict):
    """Word -> a stable 64-bit hash, made on first sight and kept (most words repeat from article to article):
    a dict whose ``__missing__`` hashes, so that a text's words are looked up in one call in C."""

    def __missing__(self, word: str) -> int:
        if len(self) > _WORD_HASHES_LIMIT:
            self.clear()
        # Signed: NumPy reads an int64 faster than a uint64 from a large int.
        value = self[word] = _hash64(word, signed=True)
        return value


_WORD_HASHES = _WordHashes()


def _gram_hashes(text_words: list[str]) -> np.ndarray:
    """A 64-bit hash per word 5-gram, in text order: its words' hashes, rotated by position, xor-ed."""
    hashed = np.fromiter(map(_WORD_HASHES.__getitem__, text_words), dtype=np.int64,
                         count=len(text_words)).view(np.uint64)
    count = max(len(hashed) - SHINGLE + 1, 0)
    grams = hashed[:count].copy()
    for k, left, right in _ROTATIONS:
        part = hashed[k:k + count]
        grams ^= (part << left) | (part >> right)
    return grams


def _band_hashes(text_words: list[str]) -> list[int]:
    """MinHash of the word 5-grams, 16 bands of 5 rows, each band hashed to 64 bits."""
    hashed = np.multiply.outer(_A, _gram_hashes(text_words))    # unsigned: wraps around silently
    hashed += _B[:, None]
    return (hashed.min(axis=1).reshape(BANDS, ROWS) * _ROW_WEIGHTS).sum(axis=1, dtype=np.uint64).tolist()


def gram_set(text: str) -> np.ndarray:
    """The text's word 5-grams as sorted distinct hashes: Jaccard similarities as with the 5-grams themselves
    (but for 64-bit collisions), in a twentieth of the memory of word tuples."""
    return np.unique(_gram_hashes(words(text)))


def shared(a: np.ndarray, b: np.ndarray) -> int:
    """How many 5-grams two gram sets have in common."""
    return len(np.intersect1d(a, b, assume_unique=True))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    common = shared(a, b)
    return common / (len(a) + len(b) - common) if len(a) + len(b) else 1.0


def fingerprint(body: str) -> str:
    """What grouping needs of an article, as stored with it: ``words exact lead band…`` (hex)."""
    text_words = words(body)
    if len(text_words) < MIN_WORDS:
        return str(len(text_words))
    parts = [len(text_words), _hash64(" ".join(text_words)), _hash64(" ".join(text_words[:LEAD_WORDS]))]
    return " ".join([str(parts[0]), *(f"{p:x}" for p in parts[1:]), *(f"{b:x}" for b in _band_hashes(text_words))])


def packed(value: str) -> bytes:
    """A :func:`fingerprint` as grouping reads it, in half the memory: a rebuild keeps millions until it writes."""
    if not value:
        return b""
    words, *hashes = value.split()
    return struct.pack(f"<{1 + len(hashes)}Q", int(words), *(int(h, 16) for h in hashes))


def unpacked(value: bytes) -> str:
    """The :func:`fingerprint` string :func:`packed` was given."""
    if not value:
        return ""
    words, *hashes = struct.unpack(f"<{len(value) // 8}Q", value)
    return " ".join([str(words), *(f"{h:x}" for h in hashes)])


@dataclass(slots=True)
class Entry:
    """One article as grouping sees it."""

    id: str
    published: datetime | None
    fingerprint: bytes           # packed
    group: str = ""              # the group it had in the index ("" for a new article)
    fresh: bool = True           # new or changed in this run: its links are checked


@dataclass(slots=True)
class Decision:
    group: str
    representative: bool


def group(entries: list[Entry], texts: Callable[[list[str]], dict[str, str]]) -> dict[str, Decision]:
    """Article id -> its group and whether it represents it.

    ``texts(ids)`` gives the bodies of the candidates to check. Articles already
    grouped in the index stay together (their links were checked when they were
    written); only links involving a fresh article are checked.
    """
    sets = _Sets(len(entries))
    parsed = _Fingerprints.parse([e.fingerprint for e in entries])
    _join_old_groups(entries, sets)
    _join_same_text(parsed, sets)
    checker = _Checker(entries, texts)
    for a, b in _band_candidates(parsed):
        if (entries[a].fresh or entries[b].fresh) and sets.find(a) != sets.find(b) and checker.near(a, b):
            sets.union(a, b)
    checker.forget()
    for long, shorts in _teaser_runs(parsed):
        shorts = [s for s in shorts if (entries[s].fresh or entries[long].fresh) and sets.find(s) != sets.find(long)]
        if not shorts:       # nothing to check: the long text is not read (an update's runs are mostly old articles)
            continue
        checker.fetch(long, *shorts)
        for short in shorts:
            if sets.find(short) != sets.find(long) and checker.teaser(short, long):
                sets.union(short, long)
        checker.forget()
    return _decide(entries, parsed, sets)


# --- fingerprints ---------------------------------------------------------------------------------

@dataclass(slots=True)
class _Fingerprints:
    """Every entry's fingerprint, parsed into arrays: a million articles take 150 MB, where an object each
    took a gigabyte. Entries too short to be grouped have ``full`` False and no hashes."""
    words: np.ndarray      # int64
    exact: np.ndarray      # uint64: hash of the whole normalised text
    lead: np.ndarray       # uint64: hash of its first words
    bands: np.ndarray      # uint64, one row of BANDS per entry
    full: np.ndarray       # bool

    @classmethod
    def parse(cls, values: list[bytes]) -> _Fingerprints:
        """From :func:`packed` fingerprints."""
        words = np.zeros(len(values), dtype=np.int64)
        hashes = np.zeros((len(values), 2 + BANDS), dtype=np.uint64)
        full = np.zeros(len(values), dtype=bool)
        for number, value in enumerate(values):
            parts = np.frombuffer(value, dtype="<u8")
            words[number] = parts[0] if len(parts) else 0
            if len(parts) >= 3 + BANDS:
                full[number] = True
                hashes[number] = parts[1:3 + BANDS]
        return cls(words, hashes[:, 0], hashes[:, 1], hashes[:, 2:], full)


# --- links ------------------------------------------------------------------------------------------

class _Sets:
    """Union-find over entry numbers."""

    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _join_buckets(keys: Iterable[tuple[object, int]], sets: _Sets) -> None:
    first: dict[object, int] = {}
    for key, number in keys:
        sets.union(number, first.setdefault(key, number))


def _join_old_groups(entries: list[Entry], sets: _Sets) -> None:
    _join_buckets(((e.group, n) for n, e in enumerate(entries) if e.group and not e.fresh), sets)


def _join_same_text(parsed: _Fingerprints, sets: _Sets) -> None:
    numbers = np.flatnonzero(parsed.full)
    for run in _runs(parsed.exact[numbers], numbers):
        first, *others = run.tolist()
        for number in others:
            sets.union(number, first)


def _runs(values: np.ndarray, numbers: np.ndarray) -> Iterable[np.ndarray]:
    """The entry numbers of each run of two or more equal values."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(ordered)]
    for start, end in zip(starts, ends):
        if end - start > 1:
            yield numbers[order[start:end]]


def _pairs(run: np.ndarray) -> Iterable[tuple[int, int]]:
    members = run.tolist()
    if len(members) <= RUN_PAIRS:
        return ((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    # A huge bucket (the same wire copy in many outlets): a chain and a star reach every copy.
    return [*zip(members, members[1:]), *((members[0], b) for b in members[2:])]


def _band_candidates(parsed: _Fingerprints) -> Iterable[tuple[int, int]]:
    numbers = np.flatnonzero(parsed.full)
    if len(numbers) < 2:
        return
    seen: set[tuple[int, int]] = set()
    for band in range(BANDS):
        for run in _runs(parsed.bands[numbers, band], numbers):
            for pair in _pairs(run):
                if pair not in seen:
                    seen.add(pair)
                    yield pair


def _teaser_runs(parsed: _Fingerprints) -> Iterable[tuple[int, list[int]]]:
    """Of each run of entries starting with the same words, the longest and those short enough to be its
    teasers. (Runs grow with the archive: a million grown articles make 68,000 candidates, 150,000 make 2,000.)"""
    numbers = np.flatnonzero(parsed.full)
    for run in _runs(parsed.lead[numbers], numbers):
        by_length = sorted(run.tolist(), key=lambda n: parsed.words[n])
        longest = by_length[-1]
        shorts = [n for n in by_length[:-1] if parsed.words[n] <= TEASER_SHARE * parsed.words[longest]]
        if shorts:
            yield longest, shorts


class _Checker:
    """Exact similarities of candidates, from their texts (read in batches, kept as 5-gram hash sets until
    :meth:`forget`: a million articles have over a hundred thousand candidates, 3 KB each)."""

    def __init__(self, entries: list[Entry], texts: Callable[[list[str]], dict[str, str]]):
        self.entries = entries
        self.texts = texts
        self.grams: dict[int, np.ndarray] = {}

    def fetch(self, *numbers: int) -> list[np.ndarray]:
        """The gram sets of these entries, the texts not yet read read in one call."""
        missing = [n for n in numbers if n not in self.grams]
        if missing:
            bodies = self.texts([self.entries[n].id for n in missing])
            for n in missing:
                self.grams[n] = gram_set(bodies.get(self.entries[n].id, ""))
        return [self.grams[n] for n in numbers]

    def forget(self) -> None:
        self.grams.clear()

    def near(self, a: int, b: int) -> bool:
        first, second = self.fetch(a, b)
        return jaccard(first, second) >= THRESHOLD

    def teaser(self, short: int, long: int) -> bool:
        teaser, article = self.fetch(short, long)
        return len(teaser) > 0 and shared(teaser, article) >= TEASER_CONTAINED * len(teaser)


# --- groups -------------------------------------------------------------------------------------------

def _decide(entries: list[Entry], parsed: _Fingerprints, sets: _Sets) -> dict[str, Decision]:
    members: dict[int, list[int]] = {}
    for n in range(len(entries)):
        members.setdefault(sets.find(n), []).append(n)
    used = {e.group for e in entries if e.group}
    decisions: dict[str, Decision] = {}
    for numbers in members.values():
        if len(numbers) == 1:         # a story told once: no group to collapse or count
            decisions[entries[numbers[0]].id] = Decision("", True)
            continue
        first = min(numbers, key=lambda n: _rank(entries[n], int(parsed.words[n])))
        group_id = _group_id(entries, numbers, first, used)
        for n in numbers:
            decisions[entries[n].id] = Decision(group_id, n == first)
    return decisions


def _rank(entry: Entry, words: int) -> tuple:
    """Earliest published first (undated last), then the longest, then by id."""
    published = entry.published.replace(tzinfo=None) if entry.published else datetime.max
    return (published, -words, entry.id)


def _group_id(entries: list[Entry], numbers: list[int], first: int, used: set[str]) -> str:
    """The group id its kept members already share (the most common), else a new one from the representative."""
    kept: dict[str, int] = {}
    for n in numbers:
        if entries[n].group and not entries[n].fresh:
            kept[entries[n].group] = kept.get(entries[n].group, 0) + 1
    if kept:
        best = max(kept.items(), key=lambda item: (item[1], item[0]))[0]
        used.add(best)
        return best
    base = f"{_hash64(entries[first].id):016x}"
    group_id, suffix = base, 0
    while group_id in used:            # an id whose old group lives on without it
        suffix += 1
        group_id = f"{base}-{suffix}"
    used.add(group_id)
    return group_id
