"""The SolrCloud engine: the same answers as Whoosh's, from a sharded, replicated collection.

A search is one JSON request: the query translated from the parsed query
(:mod:`search.solr.translate`), the facet filters tagged, and one JSON facet
per facet that excludes its own filter's tag, so each facet is counted with
every filter but its own (refined across shards, so counts are exact).
Snippets and article pages are built here from the stored text by the same
code as on Whoosh (:mod:`search.highlight`), so only our ``<mark>`` is ever
unescaped.
"""
from __future__ import annotations

import functools
import threading
from concurrent.futures import ThreadPoolExecutor
import time
from dataclasses import dataclass
from datetime import date as date_type, datetime, time as day_time

from .. import engine as base
from .. import index_query as iq
from ..facets import FACETS, Names, completions, date_facet, selected_keys, value_facet
from ..highlight import Terms
from ..query import ParsedQuery, parse, parse_request
from ..request import Facet, SearchRequest, SearchResult
from ..suggest import distance as suggest_distance
from ..suggest import suggestion as suggest
from ..terms import MatchTexts
from ..trends import DateCounts
from .client import Client, SolrError
from .documents import META_ID, NOT_META, STORED, SUMMARY, meta_of_document, record_of_document
from .location import parse_location
from .translate import date_range, solr_field, translate

SUGGEST_BELOW = 3
TOP_SOURCES = 10
MAX_EXPANSION = 1000        # words a wildcard highlights, as on Whoosh
VALUES_TTL = 30.0           # seconds a facet's full value list is reused for completion
PARALLEL_REQUESTS = 6       # a trend's searches sent at once
META_TTL = 5.0              # seconds the metadata is trusted before checking whether an update changed it


@dataclass
class _Metadata:
    """The index metadata of one collection, as last read."""

    collection: str
    version: int | None          # the metadata document's _version_: it changes with every run
    names: Names
    meta: dict
    checked: float


def _follows_rebuilds(method):
    """Once more on the new collection when a rebuild moved the alias during the call.

    An engine trusts the alias for a second (:data:`~search.solr.client.ALIAS_TTL`);
    a call that lands on the collection being retired fails and is answered again.
    """
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        collection = self.client.collection()
        try:
            return method(self, *args, **kwargs)
        except SolrError:
            if self.client.collection(fresh=True) == collection:
                raise
            return method(self, *args, **kwargs)
    return call


class SolrEngine(base.Engine):
    def __init__(self, location: str):
        self.location = parse_location(location)
        self.client = Client(self.location)
        self._meta: _Metadata | None = None
        self._values: dict[str, tuple[float, str, dict[str, int]]] = {}
        self._lock = threading.Lock()
        self._collection()          # NoIndex now rather than at the first search

    # --- the live collection and its metadata ------------------------------------------------

    def _collection(self) -> str:
        name = self.client.collection()
        if name is None:
            raise base.NoIndex(f"no index at {self.location}: build one with "
                               f"`manchette index PATH --index {self.location}`")
        return name

    def _names(self, collection: str) -> Names:
        """The metadata's names, re-read when a rebuild or an update changed it (checked every few seconds)."""
        return self._metadata(collection).names

    def _metadata(self, collection: str) -> _Metadata:
        known = self._meta
        if known is not None and known.collection == collection and time.monotonic() - known.checked < META_TTL:
            return known
        version = self.client.get(f"{collection}/get", {"id": META_ID, "fl": "_version_"}).get("doc") or {}
        if known is not None and known.collection == collection and known.version == version.get("_version_"):
            known.checked = time.monotonic()
            return known
        document = self.client.get(f"{collection}/get", {"id": META_ID}).get("doc")
        meta = meta_of_document(document)
        fresh = _Metadata(collection, (document or {}).get("_version_"), Names.from_meta(meta), meta, time.monotonic())
        with self._lock:
            self._meta = fresh
        return fresh

    def _select(self, collection: str, body: dict) -> dict:
        body = {**body, "filter": [*body.get("filter", []), NOT_META]}
        answer = self.client.post(f"{collection}/select", body)
        if answer.get("responseHeader", {}).get("partialResults"):
            raise base.Unavailable(f"SolrCloud at {self.location.base} answered for only some shards of "
                                   f"{collection}: a node is down; try again in a moment")
        return answer

    # --- search -------------------------------------------------------------------------------

    @_follows_rebuilds
    def search(self, req: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        collection = self._collection()
        names = self._names(collection)
        parsed = parse_request(req, names)
        selected = selected_keys(names, req)
        body = {
            "query": translate(parsed.query), "filter": _filters(selected, req),
            "offset": (req.page - 1) * req.per_page, "limit": req.per_page, "fields": STORED + ",score",
            "sort": _sort(req, parsed), "facet": _facet_request(selected, req),
        }
        body = collapsed(body, req, parsed)
        answer = self._select(collection, body)
        total, stories = counts(answer)
        terms = self._highlight_terms(collection, parsed.highlight)
        hits = [base.hit(names, record_of_document(d), float(d.get("score", 0.0)), terms) for d in documents(answer)]
        grouped = [h.group for h in hits if h.group != h.id]
        if grouped:
            base.add_versions(names, hits, *self._versions(collection, grouped))
        facets = _facets(answer.get("facets", {}), names, selected, req)
        suggestion = suggest(_Lexicon(self, collection), req, parsed, names, total,
                             lambda retried: self._total(collection, retried, req, names)) \
            if total < SUGGEST_BELOW else None
        return SearchResult(
            query=req.query, total=total, page=req.page, per_page=req.per_page,
            took_ms=(time.perf_counter() - started) * 1000, notice=base.notice(parsed.notice, req),
            suggestion=suggestion,
            hits=hits, facets=facets, stories=stories,
        )

    def _versions(self, collection: str, groups: list[str]) -> tuple[dict[str, list[base.Record]], dict[str, int]]:
        """The members of these groups (the first of each, oldest first) and each group's size."""
        body = {"query": "*:*", "filter": ["{!terms f=group}" + ",".join(groups)], "fields": SUMMARY,
                "sort": "published asc,id asc", "limit": len(groups) * (base.MAX_VERSIONS_LISTED + 1),
                "facet": {"sizes": {"type": "terms", "field": "group", "limit": -1, "refine": True}}}
        answer = self._select(collection, body)
        members: dict[str, list[base.Record]] = {}
        for document in answer["response"]["docs"]:
            record = record_of_document(document)
            members.setdefault(record.group, []).append(record)
        sizes = {b["val"]: b["count"] for b in answer.get("facets", {}).get("sizes", {}).get("buckets", [])}
        return members, sizes

    @_follows_rebuilds
    def group_members(self, group: str) -> list[base.Record]:
        collection = self._collection()
        body = {"query": {"term": {"f": "group", "query": group}}, "fields": STORED,
                "sort": "published asc,id asc", "limit": base.MAX_VERSIONS_COMPARED + 1}
        return base.oldest_first([record_of_document(d) for d in self._select(collection, body)["response"]["docs"]])

    @_follows_rebuilds
    def match_texts(self, req: SearchRequest, n: int) -> MatchTexts:
        collection = self._collection()
        names = self._names(collection)
        parsed = parse_request(req, names)
        archive = {"type": "query", "domain": {"query": "*:*", "filter": NOT_META}}
        body = _query_body(parsed, names, req, limit=n, fields="body", sort=_sort(req, parsed),
                           facet={"archive": archive})
        answer = self._select(collection, body)
        return MatchTexts(answer["response"]["numFound"], answer.get("facets", {}).get("archive", {}).get("count", 0),
                          [d.get("body", "") for d in answer["response"]["docs"]])

    @_follows_rebuilds
    def document_frequencies(self, grams: list[tuple[str, ...]]) -> list[int]:
        collection = self._collection()
        words = [gram[0] for gram in grams if len(gram) == 1]
        found = {}
        if words:
            fields = [("terms.fl", "body_exact"), ("terms.list", ",".join(words)), ("terms.limit", str(len(words))),
                      ("terms.ttf", "false"), ("wt", "json"), ("json.nl", "map"), ("distrib", "true")]
            found = self.client.form(f"{collection}/terms", fields).get("terms", {}).get("body_exact", {})
        runs = {f"g{number}": {"type": "query", "q": " ".join(f"+body_exact:{word}" for word in gram)}
                for number, gram in enumerate(grams) if len(gram) > 1}
        counted = self._select(collection, {"query": "*:*", "limit": 0, "facet": runs}).get("facets", {}) \
            if runs else {}
        return [int(found.get(gram[0], 0)) if len(gram) == 1 else counted.get(f"g{number}", {}).get("count", 0)
                for number, gram in enumerate(grams)]

    @_follows_rebuilds
    def date_counts(self, reqs: list[SearchRequest], edges: list) -> list[DateCounts]:
        collection = self._collection()
        names = self._names(collection)
        # One request per search, sent together: the shards answer them side by side.
        with ThreadPoolExecutor(max_workers=min(len(reqs), PARALLEL_REQUESTS) or 1) as pool:
            return list(pool.map(lambda req: self._date_counts(collection, names, req, edges), reqs))

    def _date_counts(self, collection: str, names: Names, req: SearchRequest, edges: list) -> DateCounts:
        parsed = parse_request(req, names)
        facet = {"first": "min(published)", "last": "max(published)",
                 "undated": {"type": "query", "q": "-published:[* TO *]"}}
        if len(edges) > 1:
            # Arbitrary ranges, each counted on every shard and summed: exact, in the order asked.
            facet["periods"] = {"type": "range", "field": "published", "ranges": [
                {"range": f"[{_day_instant(start)},{_day_instant(end)})"} for start, end in zip(edges, edges[1:])]}
        body = _query_body(parsed, names, req, limit=0, facet=facet)
        facets = self._select(collection, body).get("facets", {})
        buckets = facets.get("periods", {}).get("buckets", [])
        first, last = (_day_solr(facets.get(k)) for k in ("first", "last"))
        return DateCounts([b["count"] for b in buckets] if buckets else [0] * max(len(edges) - 1, 0),
                          facets.get("undated", {}).get("count", 0), first, last)

    @_follows_rebuilds
    def texts(self, req: SearchRequest, limit: int) -> base.MatchingTexts:
        collection = self._collection()
        names = self._names(collection)
        parsed = parse_request(req, names)
        body = _query_body(parsed, names, req, limit=limit, fields=STORED,
                           sort=_sort(SearchRequest(sort="newest"), parsed))
        answer = self._select(collection, body)["response"]
        records = [record_of_document(d) for d in answer["docs"]]
        return base.MatchingTexts(answer["numFound"], base.notice(parsed.notice, req),
                                  base.expanded(parsed.highlight, lambda leaf: self._expand(collection, leaf)),
                                  [(base.summary(names, r), r) for r in records])

    def _total(self, collection: str, parsed: ParsedQuery, req: SearchRequest, names: Names) -> int:
        return self._select(collection, _query_body(parsed, names, req, limit=0))["response"]["numFound"]

    def _highlight_terms(self, collection: str, leaves: list) -> Terms:
        return Terms.of_query(leaves, lambda pattern: self._expand(collection, pattern))

    def _expand(self, collection: str, leaf) -> list[str]:
        """The indexed words a pattern covers (Solr's terms component), for highlighting."""
        field = solr_field(leaf.field)
        params = {"terms.fl": field, "terms.limit": MAX_EXPANSION, "terms.sort": "count", "wt": "json",
                  "json.nl": "flat", "distrib": "true"}
        if isinstance(leaf, iq.Prefix):
            params["terms.prefix"] = leaf.text
        elif isinstance(leaf, iq.Wildcard):
            params["terms.regex"] = _regex(leaf.pattern)
        else:
            return [leaf.text]
        found = self.client.get(f"{collection}/terms", params).get("terms", {}).get(field, [])
        return found[::2]

    # --- articles -------------------------------------------------------------------------------

    def _document(self, collection: str, article_id: str) -> dict | None:
        if article_id == META_ID:
            return None
        return self.client.get(f"{collection}/get", {"id": article_id, "fl": STORED}).get("doc")

    @_follows_rebuilds
    def article(self, article_id: str, query: str | None = None) -> dict | None:
        collection = self._collection()
        names = self._names(collection)
        document = self._document(collection, article_id)
        if document is None:
            return None
        terms = self._highlight_terms(collection, parse(query, names).highlight) if query else Terms()
        record = record_of_document(document)
        page = base.article_page(names, record, terms)
        page["versions"] = base.article_versions(names, record, self.group_members(page["group"]))
        return page

    @_follows_rebuilds
    def related(self, article_id: str, n: int = 5) -> list[dict]:
        """Articles sharing the body's most distinctive words (Solr's MoreLikeThis)."""
        collection = self._collection()
        names = self._names(collection)
        if self._document(collection, article_id) is None:
            return []
        # The MoreLikeThis component reads the body's term vectors (on every shard); the
        # {!mlt} parser would need the analysed text stored.
        params = {"mlt": "true", "mlt.fl": "body_fr,body_folded", "mlt.count": n, "mlt.mintf": 1,
                  "mlt.mindf": 2, "mlt.maxqt": 12, "mlt.interestingTerms": "none", "json.nl": "map"}
        answer = self._select(collection, {"query": {"term": {"f": "id", "query": article_id}}, "limit": 1,
                                           "fields": "id,score", "params": params})
        # Across shards MoreLikeThis gives ids and scores only: the summaries come by id.
        scores = {d["id"]: d.get("score", 0.0) for d in answer.get("moreLikeThis", {}).get(article_id, {})
                  .get("docs", []) if d["id"] != article_id}
        fields = [("id", i) for i in list(scores)[:n]] + [("fl", SUMMARY)]
        found = self.client.form(f"{collection}/get", fields).get("response", {}).get("docs", []) if scores else []
        return sorted(({**base.summary(names, record_of_document(d)), "score": round(float(scores[d["id"]]), 4)}
                       for d in found), key=lambda r: -r["score"])

    # --- facets and statistics ----------------------------------------------------------------

    @_follows_rebuilds
    def facet_values(self, name: str, prefix: str = "", n: int = 10) -> list[dict]:
        if name not in FACETS:
            raise ValueError(f"unknown facet {name!r}; facets are {', '.join(FACETS)}")
        collection = self._collection()
        names = self._names(collection)
        return completions(names, name, prefix, n, self._all_values(collection, name))

    def _all_values(self, collection: str, name: str) -> dict[str, int]:
        """Every value of a facet with its article count (reused for a few seconds: completion types fast)."""
        cached = self._values.get(name)
        if cached and cached[1] == collection and time.monotonic() - cached[0] < VALUES_TTL:
            return cached[2]
        facet = {"values": {"type": "terms", "field": name, "limit": -1, "mincount": 1, "refine": True}}
        answer = self._select(collection, {"query": "*:*", "limit": 0, "facet": facet})
        counts = {b["val"]: b["count"] for b in answer.get("facets", {}).get("values", {}).get("buckets", [])}
        self._values[name] = (time.monotonic(), collection, counts)
        return counts

    @_follows_rebuilds
    def stats(self) -> dict:
        collection = self._collection()
        names = self._names(collection)
        facet = {name: {"type": "terms", "field": name, "limit": -1 if name in ("lang", "source") else 0,
                        "numBuckets": True, "refine": True} for name in FACETS}
        facet |= {"first": "min(published)", "last": "max(published)",
                  "undated": {"type": "query", "q": "-published:[* TO *]"}}
        answer = self._select(collection, {"query": "*:*", "limit": 0, "facet": facet})
        facets = answer.get("facets", {})
        sources = facets.get("source", {}).get("buckets", [])
        first, last = (_iso_solr(facets.get(k)) for k in ("first", "last"))
        return {
            "articles": answer["response"]["numFound"],
            "langs": {b["val"]: b["count"] for b in facets.get("lang", {}).get("buckets", [])},
            "top_sources": [{"value": names.display("source", b["val"]), "count": b["count"]}
                            for b in sources[:TOP_SOURCES]],
            "sources": facets.get("source", {}).get("numBuckets", 0),
            "persons": facets.get("person", {}).get("numBuckets", 0),
            "topics": facets.get("topic", {}).get("numBuckets", 0),
            "date_range": {"from": first, "to": last},
            "first_published": first, "last_published": last,
            "undated": facets.get("undated", {}).get("count", 0),
            "size_bytes": self._size(collection),
            "generation": collection,
            "built": self._metadata(collection).meta.get("built"),
            "copies": self._copy_stats(collection, names),
        }

    def _copy_stats(self, collection: str, names: Names) -> dict:
        every = {"type": "terms", "limit": -1, "refine": True}
        facet = {"groups": {**every, "field": "group"},
                 "copies": {"type": "query", "q": "group:[* TO *] AND representative:false",
                            "facet": {f: {**every, "field": f} for f in ("source", "agency")}},
                 **{f"all_{f}": {**every, "field": f} for f in ("source", "agency")}}
        answer = self._select(collection, {"query": "*:*", "limit": 0, "facet": facet}).get("facets", {})
        groups = answer.get("groups", {}).get("buckets", [])

        def counts(part: dict, facet: str) -> dict[str, int]:
            return {b["val"]: b["count"] for b in part.get(facet, {}).get("buckets", [])}
        copies = answer.get("copies", {})
        return base.copy_stats(names, len(groups), sum(b["count"] for b in groups),
                               {f: counts(copies, f) for f in ("source", "agency")},
                               {f: counts(answer, f"all_{f}") for f in ("source", "agency")})

    def _size(self, collection: str) -> int:
        """Bytes of every replica's index (what the cluster's disks hold)."""
        state = self.client.admin("CLUSTERSTATUS", collection=collection)
        shards = state["cluster"]["collections"][collection]["shards"]
        total = 0
        for shard in shards.values():
            for replica in shard["replicas"].values():
                try:
                    status = self.client.session.get(
                        f"{replica['base_url']}/admin/cores", params={"action": "STATUS", "core": replica["core"]},
                        timeout=5).json()
                    total += status["status"][replica["core"]]["index"]["sizeInBytes"]
                except (OSError, ValueError, KeyError):
                    continue      # a replica down: its size is unknown, the others still count
        return total

    # --- changes --------------------------------------------------------------------------------

    def delete(self, ids) -> int:
        collection = self._collection()
        present = [i for i in dict.fromkeys(ids) if self._document(collection, i) is not None]
        if present:
            self.client.post(f"{collection}/update", {"delete": present}, params={"commit": "true"})
        return len(present)


class _Lexicon:
    """The collection's words, for "did you mean" (Solr's terms and spellcheck components)."""

    def __init__(self, engine: SolrEngine, collection: str):
        self.engine = engine
        self.collection = collection

    def frequency(self, field: str, term: str) -> int:
        indexed = solr_field(field)
        params = {"terms.fl": indexed, "terms.list": term, "terms.ttf": "false", "wt": "json",
                  "json.nl": "map", "distrib": "true"}
        found = self.engine.client.get(f"{self.collection}/terms", params).get("terms", {}).get(indexed, {})
        return int(found.get(term, 0))

    def near(self, field: str, term: str, distance: int) -> list[str]:
        params = {"q": "*:*", "spellcheck.q": term, "spellcheck.dictionary": field, "spellcheck.count": 20,
                  "spellcheck.extendedResults": "true"}
        answer = self.engine.client.get(f"{self.collection}/spell", params)
        suggestions = answer.get("spellcheck", {}).get("suggestions", [])
        words = [s["word"] for found in suggestions[1::2] if isinstance(found, dict)
                 for s in found.get("suggestion", [])]
        return [w for w in words if suggest_distance(term, w) <= distance]

    def texts(self, field: str, term: str, n: int) -> list[str]:
        body = {"query": {"term": {"f": field, "query": term}}, "limit": n, "fields": "body"}
        return [d.get("body", "") for d in self.engine._select(self.collection, body)["response"]["docs"]]


# --- the request ----------------------------------------------------------------------------------

def _tag(facet: str) -> str:
    return f"f_{facet}"


def _filters(selected: dict[str, dict[str, str]], req: SearchRequest) -> list[str]:
    """The facet filters, each tagged so that its own facet can be counted without it."""
    filters = [f"{{!terms f={facet} tag={_tag(facet)}}}" + ",".join(sorted(keys))
               for facet, keys in selected.items()]
    if req.date_from or req.date_to:
        start = datetime.combine(req.date_from, day_time.min) if req.date_from else None
        end = datetime.combine(req.date_to, day_time.max) if req.date_to else None
        filters.append(f"{{!tag={_tag('date')}}}" + date_range("published", start, end))
    return filters


def _sort(req: SearchRequest, parsed: ParsedQuery) -> str:
    # Without words to weigh (empty query, filters only), relevance means newest first.
    if req.sort == "relevance" and parsed.highlight:
        return "score desc,id asc"
    return f"published {'asc' if req.sort == 'oldest' else 'desc'},id asc"


def _facet_request(selected: dict[str, dict[str, str]], req: SearchRequest) -> dict:
    """Per facet: the matches without that facet's filter, their top values, and each selected value."""
    request = {}
    for facet in FACETS:
        inner = {"values": {"type": "terms", "field": facet, "limit": req.facet_size, "mincount": 1,
                            "numBuckets": True, "refine": True, "overrequest": 20}}
        for number, key in enumerate(sorted(selected.get(facet, {}))):
            inner[f"selected_{number}"] = {"type": "query", "q": f"{{!term f={facet}}}{key}"}
        request[facet] = {"type": "query", "q": "*:*", "domain": {"excludeTags": _tag(facet)}, "facet": inner}
    request["date"] = {"type": "query", "q": "*:*", "domain": {"excludeTags": _tag("date")},
                       "facet": {"months": {"type": "terms", "field": "month", "limit": -1, "mincount": 1,
                                            "missing": True, "refine": True}}}
    return request


def _facets(answer: dict, names: Names, selected: dict[str, dict[str, str]], req: SearchRequest) -> dict[str, Facet]:
    facets = {}
    for facet in FACETS:
        part = answer.get(facet, {})
        values = part.get("values", {})
        top = [(b["val"], b["count"]) for b in values.get("buckets", [])]
        keys = sorted(selected.get(facet, {}))
        counts = {key: part.get(f"selected_{number}", {}).get("count", 0) for number, key in enumerate(keys)}
        facets[facet] = value_facet(names, facet, top, values.get("numBuckets", len(top)), selected.get(facet, {}),
                                    {k: c for k, c in counts.items() if c})
        facets[facet].matching = part.get("count", 0)
    part = answer.get("date", {})
    months = part.get("months", {})
    facets["date"] = date_facet({int(b["val"]): b["count"] for b in months.get("buckets", [])},
                                months.get("missing", {}).get("count", 0), req)
    facets["date"].matching = part.get("count", 0)
    return facets


# --- copies of one story ------------------------------------------------------------------------------

def collapsed(body: dict, req: SearchRequest, parsed: ParsedQuery) -> dict:
    """The request showing each story once, as its best-ranked match, when asked; either way it
    counts the stories matched: the articles without a copy plus the groups of copies.

    Solr's collapse parser works within a shard, and copies live on any shard: results are
    grouped instead (distributed grouping ranks groups across shards), on ``story`` (the group,
    or the article's id when it has none). Grouping leaves the facets counting articles.
    """
    facet = {**body["facet"], "_single": {"type": "query", "q": "*:* -group:[* TO *]"},
             "_groups": {"type": "terms", "field": "group", "limit": -1, "refine": True}}
    if not req.collapse:
        return {**body, "facet": facet}
    grouping = {"group": "true", "group.field": "story", "group.limit": 1, "group.sort": body["sort"],
                "group.format": "simple", "group.main": "false"}
    return {**body, "facet": facet, "params": {**body.get("params", {}), **grouping}}


def documents(answer: dict) -> list[dict]:
    """The hits' documents, grouped or not."""
    if "grouped" in answer:
        return answer["grouped"]["story"]["doclist"]["docs"]
    return answer["response"]["docs"]


def counts(answer: dict) -> tuple[int, int]:
    """(articles, stories) a search matched."""
    facets = answer.get("facets", {})
    articles = answer["grouped"]["story"]["matches"] if "grouped" in answer else answer["response"]["numFound"]
    singles = facets.get("_single", {}).get("count", 0)
    return articles, singles + len(facets.get("_groups", {}).get("buckets", []))


def _regex(pattern: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else _regex_char(c) for c in pattern)


def _regex_char(char: str) -> str:
    return f"\\{char}" if not char.isalnum() else char


def _query_body(parsed: ParsedQuery, names: Names, req: SearchRequest, **more) -> dict:
    """A JSON request for the parsed query under the request's filters, with ``more`` (limit, fields…)."""
    return {"query": translate(parsed.query), "filter": _filters(selected_keys(names, req), req), **more}


def _day_instant(day) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _day_solr(value) -> date_type | None:
    """The UTC day of a date Solr returns (``2019-03-04T10:00:00Z``)."""
    return date_type.fromisoformat(str(value)[:10]) if value else None


def _iso_solr(value) -> str | None:
    if not value:
        return None
    text = str(value)
    return text[:19] + "Z" if "T" in text else None
