"""The Whoosh index schema, and the French analysis as Whoosh analyzers.

Facet fields hold folded keys (``bfmtv``, ``donald trump``); their display
names live in the index metadata (see :mod:`search.whoosh.store`). The
analyzers are pickled into each index, so the classes here must keep their
module path (``search.whoosh.schema``).
"""
from __future__ import annotations

from whoosh.analysis import Composable, Filter, Token, Tokenizer
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

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


def build_schema() -> Schema:
    # Phrases are matched on the exact fields, so the stemmed title and body
    # keep no positions: that saves a tenth of the indexing time and space.
    french = french_analyzer()
    folding = folding_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=french, stored=True, phrase=False, field_boost=BOOSTS["title"]),
        title_exact=TEXT(analyzer=folding, field_boost=BOOSTS["title_exact"]),
        body=TEXT(analyzer=french, stored=True, phrase=False),
        body_exact=TEXT(analyzer=folding, field_boost=BOOSTS["body_exact"]),
        comments=TEXT(analyzer=french, stored=True),
        comment_count=NUMERIC(stored=True),
        source=ID(stored=True),            # folded key
        source_name=STORED,                # as printed (normalised display in metadata)
        published=DATETIME(stored=True, sortable=True),
        date_text=STORED,
        lang=ID(stored=True),
        person=KEYWORD(stored=True, commas=True, scorable=True),   # folded canonical names
        person_names=TEXT(analyzer=folding),                       # every variant, for queries
        topic=KEYWORD(stored=True, commas=True),
        tags=KEYWORD(stored=True, commas=True, lowercase=True),
        section=ID(stored=True),
        url=ID(stored=True),
        author=STORED,
        origin=ID(stored=True),            # file the article came from (--update removal)
        content_hash=ID(stored=True),
        agency=KEYWORD(stored=True, commas=True),   # agency keys
        group=ID(stored=True),             # copies of one story share it
        representative=ID(stored=True),    # "1" for the group's representative
        fingerprint=STORED,                # copy detection's, for --update
    )
