"""Source names: one facet value per publisher, whatever its spelling.

``6Medias``/``6medias``/``6Médias``/``6MEDIAS`` share the key ``6medias``;
``Source BFMTV`` and ``source BFMTV`` are ``BFMTV``. What folding cannot see
(``BFM TV`` and ``BFMTV``) is merged by the key ignoring spaces, and the rest
by the editable alias table ``search/data/source_aliases.tsv``.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .analysis import fold
from .datafiles import data_lines

_PREFIX = re.compile(r"^\s*(?:source|sources|src)\s*[:\-–]?\s+", re.IGNORECASE)


def _strip(raw: str) -> str:
    name = " ".join(raw.split())
    stripped = _PREFIX.sub("", name)
    return stripped or name


def key_of(name: str) -> str:
    return fold(_strip(name)).replace(" ", "")


@lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    """key of a variant -> canonical display name."""
    table: dict[str, str] = {}
    for line in data_lines(__package__, "data/source_aliases.tsv"):
        variant, _, canonical = line.partition("\t")
        canonical = canonical.strip() or variant.strip()
        table[key_of(variant)] = canonical
        table.setdefault(key_of(canonical), canonical)
    return table


@lru_cache(maxsize=65536)
def normalize_source(raw: str | None) -> tuple[str, str] | None:
    """``(key, display)`` for a source as printed, or None when there is none."""
    if not raw or not raw.strip():
        return None
    key = key_of(raw)
    if not key:
        return None
    canonical = aliases().get(key)
    if canonical is not None:
        return key_of(canonical), canonical
    return key, _strip(raw)
