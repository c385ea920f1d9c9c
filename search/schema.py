"""The index schema: one place that names every field.

Facet fields hold folded keys (``bfmtv``, ``donald trump``); their display
names live in the index metadata (see :mod:`search.store`).
"""
from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import folding_analyzer, french_analyzer

# BM25F field weights: a word in the title says more than one in the body.
TITLE_BOOST = 3.0
EXACT_BOOST = 1.5

FACET_FIELDS = ("source", "person", "topic", "lang")


def build_schema() -> Schema:
    # Phrases are matched on the exact fields, so the stemmed title and body
    # keep no positions: that saves a tenth of the indexing time and space.
    french = french_analyzer()
    folding = folding_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=french, stored=True, phrase=False, field_boost=TITLE_BOOST),
        title_exact=TEXT(analyzer=folding, field_boost=TITLE_BOOST * EXACT_BOOST),
        body=TEXT(analyzer=french, stored=True, phrase=False),
        body_exact=TEXT(analyzer=folding, field_boost=EXACT_BOOST),
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
    )
