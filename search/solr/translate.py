"""Where SolrCloud gets its query: :mod:`search.index_query` as Solr's JSON Query DSL.

Words arrive analysed (folded, stemmed) by :mod:`search.analysis`, so no
leaf is analysed again: terms go through the ``term`` parser, phrases
through ``surround`` (ordered span queries over the given terms), patterns
through ``prefix`` and the standard parser's wildcard and fuzzy syntax,
which do not analyse either.

Field names are the engine-neutral ones of :mod:`search.fields`; the
configset splits the stemmed ones by language (``title_fr`` for articles in
the French chain, ``title_folded`` for the others, as Whoosh indexes each
article with its own chain), so a word on ``title`` looks in both. Field
weights are query-time boosts here.
"""
from __future__ import annotations

from datetime import datetime

from .. import index_query as iq
from ..fields import BOOSTS

# Engine-neutral field -> the Solr fields holding it.
FIELDS = {
    "title": ("title_fr", "title_folded"),
    "body": ("body_fr", "body_folded"),
    "comments": ("comments_fr", "comments_folded"),
}
EVERY = {"lucene": {"query": "*:*"}}


def solr_field(field: str) -> str:
    """The Solr field that holds most of an engine-neutral field's words (the French chain's)."""
    return FIELDS.get(field, (field,))[0]

NOTHING = {"lucene": {"query": "-*:*"}}


def translate(node) -> dict:
    """One node as a JSON Query DSL object."""
    if isinstance(node, iq.Term):
        return _leaf(node.field, node.boost, lambda f: {"term": {"f": f, "query": node.text}})
    if isinstance(node, iq.Phrase):
        # "W(a, b)": b right after a; "3W(a, b)": within 3 positions, in order (surround has no "1W").
        operator = f"{node.slop if node.slop > 1 else ''}W({', '.join(node.words)})"
        return _leaf(node.field, node.boost, lambda f: {"surround": {"df": f, "query": operator}})
    if isinstance(node, iq.Near):
        # "4N(a, W(b, c))": the two sides in any order, at most 3 positions between them.
        operator = f"{node.distance + 1}N({_span(node.left)}, {_span(node.right)})"
        return _leaf(node.field, node.boost, lambda f: {"surround": {"df": f, "query": operator}})
    if isinstance(node, iq.Count):
        return _count(node)
    if isinstance(node, iq.Prefix):
        return _leaf(node.field, 1.0, lambda f: {"prefix": {"f": f, "query": node.text}})
    if isinstance(node, iq.Wildcard):
        return _leaf(node.field, 1.0, lambda f: {"lucene": {"query": f"{f}:{_escape(node.pattern, keep='*?')}"}})
    if isinstance(node, iq.Fuzzy):
        return _leaf(node.field, 1.0, lambda f: {"lucene": {"query": f"{f}:{_escape(node.text)}~{node.distance}"}})
    if isinstance(node, iq.DateRange):
        return {"lucene": {"query": date_range(node.field, node.start, node.end)}}
    if isinstance(node, iq.And):
        return {"bool": {"must": [translate(i) for i in node.items]}}
    if isinstance(node, iq.Or):
        return {"bool": {"should": [translate(i) for i in node.items]}}
    if isinstance(node, iq.AndNot):
        return {"bool": {"must": [translate(node.positive)], "must_not": [translate(node.negative)]}}
    if isinstance(node, iq.AndMaybe):
        return {"bool": {"must": [translate(node.required)], "should": [translate(node.optional)]}}
    if isinstance(node, iq.Every):
        return EVERY
    if isinstance(node, iq.Nothing):
        return NOTHING
    raise TypeError(f"no Solr translation for {type(node).__name__}")


def _span(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else f"W({', '.join(words)})"


def _count(node: iq.Count) -> dict:
    """The term, kept only where its frequencies over every Solr field of the fields add up to the minimum.

    termfreq() runs its argument through the field's analysis: the French fields get the folded word
    (which they stem into the term), the others the term itself (which they leave as it is).
    """
    frequencies = ",".join(f"termfreq({f},'{node.word if f.endswith('_fr') else node.text}')"
                           for field in node.fields for f in FIELDS.get(field, (field,)))
    term = translate(iq.Or(tuple(iq.Term(f, node.text) for f in node.fields)))
    return {"bool": {"must": [term], "filter": [{"frange": {"l": node.minimum, "query": f"sum({frequencies})"}}]}}


def _leaf(field: str, boost: float, make) -> dict:
    """``make(solr_field)`` over the Solr fields of ``field``, weighted as every engine weighs it."""
    solr_fields = FIELDS.get(field, (field,))
    query = make(solr_fields[0]) if len(solr_fields) == 1 \
        else {"bool": {"should": [make(f) for f in solr_fields]}}
    weight = boost * BOOSTS.get(field, 1.0)
    return query if weight == 1.0 else {"boost": {"query": query, "b": f"{weight:g}"}}


def date_range(field: str, start: datetime | None, end: datetime | None) -> str:
    return f"{field}:[{_instant(start)} TO {_instant(end)}]"


def _instant(moment: datetime | None) -> str:
    if moment is None:
        return "*"
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


_SPECIAL = set('+-&|!(){}[]^"~*?:\\/ ')


def _escape(text: str, keep: str = "") -> str:
    return "".join(f"\\{c}" if c in _SPECIAL and c not in keep else c for c in text)
