"""Facets: what source, date, person, topic and language values mean, whatever the engine.

Semantics, as in a faceted shop: several values of one facet are OR-ed,
different facets are AND-ed, and each facet is counted with every filter but
its own, so that its other values stay visible and selectable. Engines count
(:mod:`search.whoosh.columns`, Solr's tagged JSON facets); this module names
the values and shapes the counts into the :class:`~search.request.Facet` every
front end shows.
"""
from __future__ import annotations

import heapq
from collections import Counter
from datetime import date

from .agencies import agency_key, agency_name
from .analysis import fold
from .dates import month_end
from .persons import PersonRegistry
from .request import Facet, FacetValue, SearchRequest
from .sources import key_of, normalize_source
from .topics import topic_labels

FACETS = ("source", "person", "topic", "lang", "agency")
# Beyond this many months between the first and last match, the histogram is by year.
MONTHS_BY_MONTH = 36

# The French name of each language code: what pages show, and what users may type instead of the code.
LANGUAGE_NAMES = {"fr": "français", "en": "anglais", "de": "allemand", "es": "espagnol", "it": "italien",
                  "pt": "portugais", "nl": "néerlandais", "ar": "arabe", "ru": "russe", "uk": "ukrainien",
                  "und": "indéterminée"}
# Typed (folded) name -> code: the French names, plus the other names accepted so far.
_LANGUAGE_CODES = {fold(name): code for code, name in LANGUAGE_NAMES.items()} | {
    "french": "fr", "english": "en", "german": "de", "spanish": "es", "italian": "it",
    "inconnue": "und", "unknown": "und"}


class Names:
    """Facet values between their keys (what the index holds) and what people read and type."""

    def __init__(self, sources: dict[str, str], registry: PersonRegistry | None, topics: dict[str, str]):
        self.sources = sources
        self.registry = registry
        self.topics = topics
        self._source_keys = {fold(display): key for key, display in sources.items()}
        self._topic_keys = {fold(label): key for key, label in topics.items()}
        self._topic_keys.update({fold(key): key for key in topics})

    @classmethod
    def from_meta(cls, meta: dict) -> Names:
        persons = meta.get("persons")
        registry = PersonRegistry.from_dict(persons) if isinstance(persons, dict) else None
        return cls(meta.get("sources") or {}, registry, {**topic_labels(), **(meta.get("topics") or {})})

    def person(self, name: str) -> str | None:
        """The canonical name of a person as spelt in ``name``, if the archive knows them."""
        return self.registry.canonical(name) if self.registry is not None and fold(name) else None

    def spellings(self, name: str) -> list[str]:
        """Every known spelling of the person ``name`` (just ``name`` if unknown)."""
        return self.registry.variants(name) if self.person(name) else [name]

    def key(self, facet: str, value: str) -> str:
        """The index key of a value given as displayed or as a key (compared folded)."""
        folded = fold(value)
        if facet == "source":
            found = self._source_keys.get(folded)
            normalized = normalize_source(value)
            return found or (normalized[0] if normalized else key_of(value))
        if facet == "person":
            return fold(self.person(value) or value)
        if facet == "topic":
            return self._topic_keys.get(folded, value.strip().lower())
        if facet == "agency":
            return agency_key(value)
        return _LANGUAGE_CODES.get(folded, value.strip().lower())

    def display(self, facet: str, key: str) -> str:
        if facet == "source":
            return self.sources.get(key, key)
        if facet == "person":
            return self.person(key) or key
        if facet == "topic":
            return self.topics.get(key, key)
        if facet == "agency":
            return agency_name(key)
        return key


# --- shaping counts into facets ---------------------------------------------------------------

def selected_keys(names: Names, req: SearchRequest) -> dict[str, dict[str, str]]:
    """facet -> {selected key: the value as the user gave it}, for the facets the request filters."""
    keys: dict[str, dict[str, str]] = {}
    for facet, values in req.filters().items():
        for value in values:
            keys.setdefault(facet, {}).setdefault(names.key(facet, value), value)
    return keys


def value_facet(names: Names, facet: str, top: list[tuple[str, int]], distinct: int,
                selected: dict[str, str], selected_counts: dict[str, int]) -> Facet:
    """The most frequent values plus every selected one, even when no match has it.

    ``top``: (key, count), most frequent first, ties in key order (so lists
    repeat); ``distinct``: how many values the matches have; ``selected_counts``:
    the count of each selected key the index knows.
    """
    listed = dict(top)
    for key in selected:
        if key not in listed and key in selected_counts:
            listed[key] = selected_counts[key]
    values = [FacetValue(names.display(facet, key), count, key in selected, key) for key, count in listed.items()]
    values += [FacetValue(typed, 0, True, key) for key, typed in selected.items() if key not in listed]
    values.sort(key=lambda v: -v.count)
    absent = sum(1 for key in selected if not listed.get(key))
    return Facet(values, total_values=distinct + absent)


def date_facet(months: dict[int, int], undated: int, req: SearchRequest) -> Facet:
    """A histogram in time order, every non-empty period (no cut: bars are read as a whole).

    ``months``: articles per month, numbered from January 1970. By month, or by
    year when the matches span more than three years.
    """
    dated = {month: count for month, count in months.items() if count}
    by_year = bool(dated) and max(dated) - min(dated) > MONTHS_BY_MONTH
    extra = {"interval": "year" if by_year else "month", "undated": undated}
    buckets: Counter[int] = Counter()
    for month, count in dated.items():
        buckets[month // 12 if by_year else month] += count
    values = []
    for number in sorted(buckets):
        label, start, end = _period(number, by_year)
        selected = bool(req.date_from or req.date_to) \
            and (req.date_from or date.min) <= end and start <= (req.date_to or date.max)
        values.append(FacetValue(label, buckets[number], selected, label))
    return Facet(values, len(values), extra)


def completions(names: Names, facet: str, prefix: str, n: int, counts: dict[str, int]) -> list[dict]:
    """Values of a facet starting (at any word) with ``prefix``, most articles first.

    ``counts``: every value's article count. Persons are completed from the
    registry, under any of their spellings.
    """
    wanted = fold(prefix)
    if facet == "person" and prefix.strip() and names.registry is not None:
        keys = [fold(c) for c in names.registry.complete(prefix, n * 2)]
    elif not wanted:
        # Only the n most frequent values can be listed: keep them, with every tie of the n-th,
        # before naming and sorting (naming every person costs ~30 ms per home page).
        cut = heapq.nlargest(n, counts.values())[-1] if 0 < n < len(counts) else 0
        keys = [k for k, count in counts.items() if count >= cut]
    else:
        keys = [k for k in counts if _starts_a_word(fold(names.display(facet, k)), wanted) or k.startswith(wanted)]
    found = [(names.display(facet, k), counts[k]) for k in keys if counts.get(k)]
    found.sort(key=lambda f: (-f[1], f[0]))
    return [{"value": value, "count": count} for value, count in found[:n]]


def _starts_a_word(text: str, prefix: str) -> bool:
    return text.startswith(prefix) or f" {prefix}" in text


def month_number(day: date) -> int:
    """Months since January 1970, as :func:`date_facet` counts them."""
    return (day.year - 1970) * 12 + day.month - 1


def _period(number: int, by_year: bool) -> tuple[str, date, date]:
    """Label, first and last day of a year or month counted from 1970."""
    if by_year:
        year = 1970 + number
        return f"{year:04d}", date(year, 1, 1), date(year, 12, 31)
    year, month = 1970 + number // 12, number % 12 + 1
    return f"{year:04d}-{month:02d}", date(year, month, 1), month_end(year, month)
