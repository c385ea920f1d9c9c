"""Person facet values: one person, one value, whatever the spelling.

Two keys decide that two spellings name the same person:

* :func:`person_key` — the folded name (case, accents, hyphens, apostrophes
  ignored): ``Édouard Philippe`` = ``Edouard Philippe``. This is the facet key.
* :func:`spelling_key` — also blind to the transliteration habits of the
  press: a doubled letter counts once and ``y`` inside a word is ``i``, so
  ``Zelensky``, ``Zelenskyy``, ``Zelenskiy`` and ``Zelenski`` are one name.
  A word-initial ``y`` is kept (``Yann`` and ``Ian`` are different names).
  Exonyms (``Poutine``/``Putin``) are beyond any key: the indexer's alias
  table handles them.

The :class:`PersonRegistry` is the archive's list of persons (canonical
name, the spellings met, article count), saved with the index metadata and
used by the search side for query expansion and autocomplete.
"""
from __future__ import annotations

import bisect
import heapq
import re
from collections import Counter

from .analysis import fold

# Lower-case words that may sit inside a name: ``Philippe de Villiers`` (folded).
PARTICLES = frozenset(
    "de du des d la le van von der den ter ten di da do dos das del della bin ben ibn al el abu y".split())

# A surname alone stands for a full name when that person has at least this
# share of the articles naming someone with that surname (Macron -> Emmanuel
# Macron despite Brigitte Macron; Chirac stays Chirac between Jacques and
# Bernadette).
SURNAME_DOMINANCE = 0.8

# A word used alone is a first name (Julien, Zoé, Paul-Henri) when full names
# of the archive start with it in at least this many articles, and this many
# times more often than they end with it (Martin, Thomas, Laurent are
# surnames too often to be dropped). Such a value names no one in particular.
GIVEN_NAME_MIN_ARTICLES = 3
GIVEN_NAME_RATIO = 4

_DOUBLED = re.compile(r"(.)\1+")
_INNER_Y = re.compile(r"(?<=\w)y")


def person_key(name: str) -> str:
    return fold(name)


def spelling_key(name: str) -> str:
    return _DOUBLED.sub(r"\1", _INNER_Y.sub("i", fold(name)))


def surname_only(name: str) -> bool:
    """``Trump``, ``Le Pen``, ``de Villiers``: no given name in front."""
    words = person_key(name).split()
    return len(words) == 1 or bool(words) and words[0] in PARTICLES


def _parts(word: str) -> list[str]:
    """Folded parts of one written word: ``Jean-Luc`` -> ``jean``, ``luc``."""
    return person_key(word).split() or [""]


class PersonRegistry:
    """Canonical names, their spellings and article counts.

    Any spelling (a variant, or one differing from it only by case, accents
    or transliteration) finds its person; so does a surname alone when one
    person clearly dominates it (see :data:`SURNAME_DOMINANCE`).
    """

    def __init__(self) -> None:
        self._persons: dict[str, tuple[list[str], int]] = {}   # canonical -> (variants, count)
        self._lookup: dict[str, str] = {}                       # person/spelling key -> canonical
        self._completion: list[tuple[str, str]] | None = None   # sorted (word-start suffix, canonical)
        self._by_word: dict[str, dict[str, list[str]]] | None = None   # first/last folded word -> full names
        self._name_parts: dict[str, Counter] | None = None   # first/last: folded part of a written word -> articles

    def add(self, canonical: str, variants: list[str], count: int) -> None:
        spellings = list(dict.fromkeys([canonical, *variants]))
        self._persons[canonical] = (spellings, count)
        for spelling in spellings:
            for key in (person_key(spelling), spelling_key(spelling)):
                self._lookup.setdefault(key, canonical)
        self._completion = self._by_word = self._name_parts = None

    def canonical(self, name: str) -> str | None:
        """The canonical name of the person ``name`` spells, or None if unknown."""
        found = self._lookup.get(person_key(name)) or self._lookup.get(spelling_key(name))
        return found or (self.surname_owner(name) if surname_only(name) else None)

    def surname_owner(self, surname: str) -> str | None:
        """The full name a surname used alone stands for, if one person dominates it.

        Other persons with that surname are rivals, and so, for a single
        word, are the persons it is the first name of: ``Pascale`` alone is
        not Francesca Pascale when many Pascales are named in full.
        """
        words = person_key(surname).split()
        if not words:
            return None
        by_word = self._word_index()
        owners = [c for c in by_word["last"].get(words[-1], []) if person_key(c).split()[-len(words):] == words]
        first_names = by_word["first"].get(words[0], []) if len(words) == 1 else []
        best = max(owners, key=lambda c: (self._persons[c][1], c), default=None)
        total = sum(self._persons[c][1] for c in {*owners, *first_names})
        return best if best and self._persons[best][1] >= SURNAME_DOMINANCE * total else None

    def given_name_alone(self, name: str) -> bool:
        """Whether ``name`` is one written word that the archive's full names use as a first name.

        A compound (``Paul-Henri``, ``Jean-Luc``) is one when each of its parts is.
        """
        words = name.split()
        if len(words) != 1:
            return False
        if self._name_parts is None:
            self._name_parts = {"first": Counter(), "last": Counter()}
            for canonical, (_, count) in self._persons.items():
                written = canonical.split()
                if len(written) > 1:
                    for end, word in (("first", written[0]), ("last", written[-1])):
                        for part in _parts(word):
                            self._name_parts[end][part] += count
        first, last = self._name_parts["first"], self._name_parts["last"]
        return all(first[p] >= GIVEN_NAME_MIN_ARTICLES and first[p] > GIVEN_NAME_RATIO * last[p]
                   for p in _parts(words[0]))

    def is_surname(self, word: str) -> bool:
        """Whether some full name of the registry ends with ``word`` (folded)."""
        return bool(self._word_index()["last"].get(person_key(word)))

    def _word_index(self) -> dict[str, dict[str, list[str]]]:
        """First and last folded word -> the full names starting or ending with it."""
        if self._by_word is None:
            self._by_word = {"first": {}, "last": {}}
            for canonical in self._persons:
                if not surname_only(canonical):
                    key = person_key(canonical).split()
                    self._by_word["first"].setdefault(key[0], []).append(canonical)
                    self._by_word["last"].setdefault(key[-1], []).append(canonical)
        return self._by_word

    def variants(self, name: str) -> list[str]:
        """Every spelling of the person ``name`` spells (canonical first); ``[name]`` if unknown."""
        canonical = self.canonical(name)
        return list(self._persons[canonical][0]) if canonical else [name]

    def count(self, name: str) -> int:
        canonical = self.canonical(name)
        return self._persons[canonical][1] if canonical else 0

    def complete(self, prefix: str, n: int = 10) -> list[str]:
        """Up to ``n`` canonical names with a word starting with ``prefix``, most articles first.

        ``macr``, ``emmanuel mac`` and ``Poutine`` (a variant) all find their person.
        """
        key = person_key(prefix)
        if not key:
            return []
        entries = self._completion_entries()
        start = bisect.bisect_left(entries, (key,))
        found: set[str] = set()
        for suffix, canonical in entries[start:]:
            if not suffix.startswith(key):
                break
            found.add(canonical)
        return heapq.nsmallest(n, found, key=lambda c: (-self._persons[c][1], c))

    def _completion_entries(self) -> list[tuple[str, str]]:
        if self._completion is None:
            entries = set()
            for canonical, (spellings, _) in self._persons.items():
                for spelling in spellings:
                    words = person_key(spelling).split()
                    entries.update((" ".join(words[i:]), canonical) for i in range(len(words)))
            self._completion = sorted(entries)
        return self._completion

    def __len__(self) -> int:
        return len(self._persons)

    def __iter__(self):
        """Canonical names, most articles first."""
        return iter(sorted(self._persons, key=lambda c: (-self._persons[c][1], c)))

    def to_dict(self) -> dict:
        return {"persons": [
            {"name": c, "variants": self._persons[c][0][1:], "count": self._persons[c][1]} for c in self
        ]}

    @classmethod
    def from_dict(cls, data: dict) -> PersonRegistry:
        registry = cls()
        for person in data.get("persons", []):
            registry.add(person["name"], person.get("variants", []), int(person.get("count", 0)))
        return registry
