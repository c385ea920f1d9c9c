"""The Whoosh index schema, and the French analysis as Whoosh analyzers.

Facet fields hold folded keys (``bfmtv``, ``donald trump``); their display
names live in the index metadata (see :mod:`search.whoosh.store`). The
analyzers are pickled into each index, so the classes here must keep their
module path (``search.whoosh.schema``).
"""
from __future__ import annotations

import itertools
import operator
import pickle
from collections import Counter, defaultdict
from typing import Callable

from whoosh.analysis import Composable, Filter, Token, Tokenizer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Positions
from whoosh.system import pack_uint

from ..analysis import FOLDED, STEMMED
from ..fields import BOOSTS


class LangText(str):
    """Article text tagged with its language, so the analyzer can choose a chain."""

    lang: str | None = "fr"

    def __new__(cls, text: str, lang: str | None):
        obj = super().__new__(cls, text)
        obj.lang = lang
        return obj

    def __reduce__(self):
        return (LangText, (str(self), self.lang))


class FrenchTokenizer(Tokenizer):
    """:mod:`search.analysis`'s chain as one fused Whoosh step (a chain of filters costs far more)."""

    def __init__(self, stem: bool = True):
        self.stem = stem

    def __eq__(self, other):
        return isinstance(other, FrenchTokenizer) and self.stem == other.stem

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        chain = STEMMED if self.stem else FOLDED
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for term, start, end in chain.tokens(value, getattr(value, "lang", "fr")):
            token.text = term
            token.stopped = False
            token.boost = 1.0
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            pos += 1
            yield token


class _Passthrough(Filter):
    """Whoosh wants an Analyzer object (tokenizer | filters); this is the no-op filter."""

    def __call__(self, tokens):
        return tokens


def french_analyzer() -> Composable:
    """Stemmed chain: the main fields (title, body, comments)."""
    return FrenchTokenizer(stem=True) | _Passthrough()


def folding_analyzer() -> Composable:
    """Unstemmed, stop words kept: exact forms and exact phrases."""
    return FrenchTokenizer(stem=False) | _Passthrough()


class FrenchText(TEXT):
    """A TEXT field indexed straight from :mod:`search.analysis`'s chain.

    Whoosh indexes a text word by word through its analyzer's tokens and its
    format's generator; here a field's terms come as one list and its postings
    are counted in one pass (:meth:`index`): the same postings, in under two
    thirds of the time. The analyzer stays for everything else Whoosh does
    with a field.
    """

    def __init__(self, stem: bool, **kwargs):
        super().__init__(analyzer=french_analyzer() if stem else folding_analyzer(), **kwargs)
        self.stem = stem

    def index(self, value, **kwargs):
        if not isinstance(value, str):
            return super().index(value, **kwargs)
        return [(term.encode(), *posting) for term, *posting in self.postings(value)]

    def postings(self, value: str) -> list[tuple]:
        """:meth:`index` of a text, each term left a string: the analysis's own object for the word, whose
        hash is kept, so the writer's pool finds it by identity (``search.whoosh.writer.BulkPool``)."""
        terms = (STEMMED if self.stem else FOLDED).term_list(value, getattr(value, "lang", "fr"))
        if isinstance(self.format, Positions):
            return _with_positions(terms, self.format.field_boost)
        return _with_frequencies(terms, self.format.field_boost)


def _with_positions(terms: list[str], boost: float) -> list[tuple]:
    """(term, frequency, weight, encoded positions) of each distinct term, as Whoosh's Positions gives."""
    positions = defaultdict(list)
    for position, term in enumerate(terms):
        positions[term].append(position)
    weights, one = _WEIGHTS[boost], _ONE
    return [(term, len(found), weights[len(found)], _encoded(found) if len(found) > 1 else one[found[0]])
            for term, found in positions.items()]


def _with_frequencies(terms: list[str], boost: float) -> list[tuple]:
    """(term, frequency, weight, encoded frequency) of each distinct term, as Whoosh's Frequency gives."""
    weights, frequency = _WEIGHTS[boost], _FREQUENCY
    return [(term, count, weights[count], frequency[count]) for term, count in Counter(terms).items()]


class _Made(dict):
    """``make(key)`` of each key, made once and shared.

    A writer pools millions of postings, and a value made anew for each is
    one more object scattered in memory to reach when the pool is spilled;
    most are the same few. A dict is looked up in C, where calling an
    ``lru_cache`` for each term was a third of the time of a text's postings.
    """

    def __init__(self, make: Callable):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        value = self[key] = self.make(key)
        return value


def _encoded(positions: list[int]) -> bytes:
    """``Positions.encode``'s bytes (the count, then the pickled gaps between positions), its loop in C."""
    gaps = list(map(operator.sub, positions, itertools.chain((0,), positions)))
    return pack_uint(len(gaps)) + pickle.dumps(gaps, 2)


_WEIGHTS = _Made(lambda boost: _Made(lambda count: count * boost))   # boost -> count -> count * boost
_FREQUENCY = _Made(pack_uint)                                        # count -> ``Frequency.encode``'s bytes
# A single position's bytes: three terms in four of an article occur once, at a position found in other articles.
_ONE = _Made(lambda position: _encoded([position]))


class StoredDate(DATETIME):
    """A date stored and kept as a sortable column, but not indexed.

    The engine filters, sorts and counts dates on the column
    (:mod:`.columns`). Whoosh indexes a date as eight terms, one per
    precision, the finest ones nearly unique to each article: a third of the
    terms of a 34k-article index, written term by term and never read.
    """

    indexed = False


def build_schema() -> Schema:
    # Phrases are matched on the exact fields, so the stemmed title and body
    # keep no positions: that saves a tenth of the indexing time and space.
    # Fields no query reads are stored, not indexed: an article's URL and hash
    # each made a term found in no other article.
    return Schema(
        id=ID(stored=True, unique=True),
        title=FrenchText(stem=True, stored=True, phrase=False, field_boost=BOOSTS["title"]),
        title_exact=FrenchText(stem=False, field_boost=BOOSTS["title_exact"]),
        body=FrenchText(stem=True, stored=True, phrase=False),
        body_exact=FrenchText(stem=False, field_boost=BOOSTS["body_exact"]),
        comments=FrenchText(stem=True, stored=True),
        comment_count=STORED,
        source=ID(stored=True),            # folded key
        source_name=STORED,                # as printed (normalised display in metadata)
        published=StoredDate(stored=True, sortable=True),
        date_text=STORED,
        lang=ID(stored=True),
        person=KEYWORD(stored=True, commas=True, scorable=True),   # folded canonical names
        person_names=FrenchText(stem=False),                       # every variant, for queries
        topic=KEYWORD(stored=True, commas=True),
        tags=STORED,
        section=STORED,
        url=STORED,
        author=STORED,
        origin=STORED,                     # file the article came from (--update removal)
        content_hash=STORED,
        agency=KEYWORD(stored=True, commas=True),   # agency keys
        group=ID(stored=True),             # copies of one story share it
        representative=ID(stored=True),    # "1" for the group's representative
        fingerprint=STORED,                # copy detection's, for --update
    )
