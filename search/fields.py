"""What every engine's index holds, by name: the fields queries and results refer to.

Text fields come in two analyses (:mod:`search.analysis`): stemmed (``title``,
``body``, ``comments``) and folded exact forms (``title_exact``,
``body_exact``, ``person_names``). Facet fields hold folded keys (``bfmtv``,
``donald trump``); display names live in the index metadata.
"""
from __future__ import annotations

# BM25F field weights, the same on every engine: a word in the title says more
# than one in the body, and the exact form more than the stem.
TITLE_BOOST = 3.0
EXACT_BOOST = 1.5
BOOSTS = {
    "title": TITLE_BOOST,
    "title_exact": TITLE_BOOST * EXACT_BOOST,
    "body": 1.0,
    "body_exact": EXACT_BOOST,
    "comments": 1.0,
    "person_names": 1.0,
}
