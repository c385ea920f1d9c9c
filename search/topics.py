"""The topic taxonomy: the fixed list of topics an article can have.

Edit ``search/data/topics.tsv`` (key, label) to rename a topic's label.
"""
from __future__ import annotations

from functools import lru_cache

from .datafiles import data_lines


@lru_cache(maxsize=1)
def topic_labels() -> dict[str, str]:
    """Topic key -> label as displayed (``economie`` -> ``Économie``), in display order."""
    labels = {}
    for line in data_lines(__package__, "data/topics.tsv"):
        key, _, label = line.partition("\t")
        labels[key.strip()] = label.strip() or key.strip()
    return labels


def topic_label(key: str) -> str:
    return topic_labels().get(key, key)
