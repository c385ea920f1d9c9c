"""A query over index fields: what :mod:`search.query` compiles a user's text into.

Every engine evaluates this tree, and only this tree: the Whoosh engine over
its posting lists (:mod:`search.whoosh.evaluate`), SolrCloud as Lucene syntax
(:mod:`search.solr.translate`). Words in it are already analysed (folded,
stemmed) by :mod:`search.analysis`, so an engine never analyses a query
itself: both see the same terms.

Nodes are frozen, hence hashable: engines memoise per node (expansions of a
wildcard, for instance).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Term:
    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """The words in this order, each within ``slop`` positions of the previous one."""

    field: str
    words: tuple[str, ...]
    slop: int = 1
    boost: float = 1.0


@dataclass(frozen=True)
class Prefix:
    field: str
    text: str


@dataclass(frozen=True)
class Wildcard:
    """``*`` any run of characters, ``?`` one character."""

    field: str
    pattern: str


@dataclass(frozen=True)
class Fuzzy:
    """Words within ``distance`` edits of ``text`` sharing its first ``prefix`` characters."""

    field: str
    text: str
    distance: int
    prefix: int = 1


@dataclass(frozen=True)
class Near:
    """Two words or exact phrases (folded forms, in order within each) in either order, with at most
    ``distance`` words between the end of one and the start of the other (``NEAR/n``)."""

    field: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    distance: int
    boost: float = 1.0


@dataclass(frozen=True)
class Count:
    """A term occurring at least ``minimum`` times in these fields together (``sncf>=3``)."""

    fields: tuple[str, ...]
    text: str
    minimum: int
    word: str = ""         # the folded word ``text`` comes from (Solr's termfreq() analyses what it is given)


MultiTerm = (Prefix, Wildcard, Fuzzy)     # a pattern standing for every indexed word it covers


@dataclass(frozen=True)
class DateRange:
    """Articles published from ``start`` to ``end`` inclusive (naive UTC); None is unbounded."""

    field: str
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True)
class Every:
    """Every article."""


@dataclass(frozen=True)
class Nothing:
    """No article (a query of nothing but punctuation)."""


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class AndNot:
    positive: object
    negative: object


@dataclass(frozen=True)
class AndMaybe:
    """``required`` decides what matches; ``optional`` only adds to the score of what does."""

    required: object
    optional: object


EVERY = Every()
NOTHING = Nothing()

