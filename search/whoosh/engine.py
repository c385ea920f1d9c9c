"""The Whoosh engine: the embedded default, an index folder on this machine.

Whoosh stores the index and parses nothing: queries come compiled
(:mod:`search.query`) and are evaluated over NumPy arrays
(:mod:`search.whoosh.evaluate`, :mod:`search.whoosh.columns`).

A :class:`WhooshEngine` follows rebuilds by itself: every call checks,
cheaply, whether ``current`` points to another generation (or the index
changed in place) and reopens it under a lock. Each thread reads through its
own Whoosh searcher (Whoosh readers are not safe to share); the arrays are shared.
"""
from __future__ import annotations

import threading
import time
from dataclasses import replace
from itertools import islice
from pathlib import Path

import numpy as np
from whoosh.util.times import long_to_datetime

from .. import engine as base
from .. import index_query as iq
from ..facets import FACETS, Names, completions
from ..highlight import Terms
from ..query import ParsedQuery, parse, parse_request
from ..request import SearchRequest, SearchResult
from ..suggest import suggestion as suggest
from ..terms import MatchTexts
from ..trends import DateCounts
from . import store
from .columns import UNDATED, Columns, count_facets, date_counts, select
from .evaluate import Evaluator, by_date, by_relevance
from .groups import Groups
from .postings import Postings
from .schema import LangText

SUGGEST_BELOW = 3                  # "did you mean" for queries with fewer hits than this
TOP_SOURCES = 10


# --- one opened index ----------------------------------------------------------------------------

class _Opened:
    """A generation of the index with everything derived from it: arrays, names, caches."""

    def __init__(self, index_dir: Path):
        self.path, self.ix = store.open_generation(index_dir)
        self.toc = self.ix.latest_generation()
        self.meta = store.read_meta(self.path)
        self.names = Names.from_meta(self.meta)
        self._local = threading.local()
        searcher = self.searcher()
        self.columns = Columns(searcher.reader())
        self.groups = Groups(searcher.reader(), self.columns.live)
        self.postings = Postings(searcher.reader(), searcher.weighting)
        self.totals = {name: self.columns.facets[name].counts(self.columns.live) for name in FACETS}
        self.value_counts = {name: {key: int(count) for key, count in zip(self.columns.facets[name].keys, counts)
                                    if count} for name, counts in self.totals.items()}

    def searcher(self):
        """This thread's searcher (opened on its first call)."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._local.searcher = self.ix.searcher()
        return searcher

    def is_current(self, index_dir: Path) -> bool:
        generation = store.current_generation(index_dir)
        if generation is None:          # the folder is gone or being replaced: keep answering
            return True
        return generation == self.path and self.ix.latest_generation() == self.toc

    def evaluator(self) -> Evaluator:
        return Evaluator(self.searcher().reader(), self.postings, self.columns)

    def record(self, docnum: int) -> base.Record:
        return store.stored_record(self.searcher().stored_fields(docnum))


# --- the engine -------------------------------------------------------------------------------------

class WhooshEngine(base.Engine):
    """The engine over one index folder."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._index = _Opened(self.index_dir)       # NoIndex if there is none yet

    def _opened(self) -> _Opened:
        index = self._index
        if index.is_current(self.index_dir):
            return index
        with self._lock:
            if not self._index.is_current(self.index_dir):
                self._index = _Opened(self.index_dir)
            return self._index

    # --- search ---------------------------------------------------------------------

    def search(self, req: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        index = self._opened()
        parsed = parse_request(req, index.names)
        evaluator = index.evaluator()
        matches = evaluator.run(parsed.query)
        selection = select(index.columns, index.names, req)
        final = selection.all(matches.mask)
        docs = np.flatnonzero(final)
        facets = count_facets(index.columns, index.names, matches.mask, selection, req)
        page = self._page(index, evaluator, parsed, docs, req)
        terms = evaluator.highlight_terms(parsed.highlight)
        hits = [base.hit(index.names, index.record(int(d)), float(matches.scores[d]), terms) for d in page]
        sizes = index.groups.sizes([h.group for h in hits])
        base.add_versions(index.names, hits, {group: self._members(index, group, base.MAX_VERSIONS_LISTED)
                                              for group, size in sizes.items() if size > 1}, sizes)
        suggestion = suggest(_Lexicon(index.searcher().reader()), req, parsed, index.names, len(docs),
                             lambda retried: self._count(index, retried, req)) if len(docs) < SUGGEST_BELOW else None
        return SearchResult(
            query=req.query, total=int(len(docs)), page=req.page, per_page=req.per_page,
            took_ms=(time.perf_counter() - started) * 1000, notice=base.notice(parsed.notice, req),
            suggestion=suggestion,
            hits=hits, facets=facets, stories=index.groups.stories(docs),
        )

    @staticmethod
    def _page(index: _Opened, evaluator: Evaluator, parsed: ParsedQuery, docs: np.ndarray,
              req: SearchRequest) -> np.ndarray:
        start = (req.page - 1) * req.per_page
        if start >= len(docs):
            return docs[:0]
        wanted = start + req.per_page
        if req.collapse:
            # Each group keeps its best-ranked member; ordering as many more matches as the collapse can
            # remove is enough for the page (few articles have copies), instead of ordering them all.
            ordered = _ordered(index, evaluator, parsed, docs, req, wanted + index.groups.surplus(docs))
            return index.groups.collapse(ordered)[start:wanted]
        return _ordered(index, evaluator, parsed, docs, req, wanted)[start:wanted]

    @staticmethod
    def _members(index: _Opened, group: str, limit: int = base.MAX_VERSIONS_COMPARED) -> list[base.Record]:
        docs = index.groups.members(group)[:limit + 1]
        return base.oldest_first([index.record(int(d)) for d in docs])

    def group_members(self, group: str) -> list[base.Record]:
        return self._members(self._opened(), group)

    @staticmethod
    def _count(index: _Opened, parsed: ParsedQuery, req: SearchRequest) -> int:
        return len(WhooshEngine._filtered(index, parsed, req)[1])

    @staticmethod
    def _filtered(index: _Opened, parsed: ParsedQuery, req: SearchRequest) -> tuple[Evaluator, np.ndarray]:
        """An evaluator, and the documents matching ``parsed`` under every filter of the request."""
        evaluator = index.evaluator()
        matches = evaluator.run(parsed.query)
        return evaluator, np.flatnonzero(select(index.columns, index.names, req).all(matches.mask))

    @staticmethod
    def _matched(index: _Opened, req: SearchRequest) -> tuple[ParsedQuery, Evaluator, np.ndarray]:
        """The request's parsed query, its evaluator, and the documents matching it under every filter."""
        parsed = parse_request(req, index.names)
        return (parsed, *WhooshEngine._filtered(index, parsed, req))

    def match_texts(self, req: SearchRequest, n: int) -> MatchTexts:
        index = self._opened()
        parsed, evaluator, docs = self._matched(index, req)
        first = self._page(index, evaluator, parsed, docs, replace(req, page=1, per_page=n))
        searcher = index.searcher()
        return MatchTexts(len(docs), int(index.columns.live.sum()),
                          [searcher.stored_fields(int(d)).get("body", "") for d in first])

    def document_frequencies(self, grams: list[tuple[str, ...]]) -> list[int]:
        index = self._opened()
        reader = index.searcher().reader()
        # Several words: the articles holding all of them, from their posting lists.
        return [reader.doc_frequency("body_exact", gram[0]) if len(gram) == 1 else
                int(index.evaluator().run(iq.And(tuple(iq.Term("body_exact", w) for w in gram))).mask.sum())
                for gram in grams]

    def date_counts(self, reqs: list[SearchRequest], edges: list) -> list[DateCounts]:
        index = self._opened()
        return [date_counts(index.columns, self._matched(index, req)[2], edges) for req in reqs]

    def texts(self, req: SearchRequest, limit: int) -> base.MatchingTexts:
        index = self._opened()
        parsed, evaluator, docs = self._matched(index, req)
        records = [index.record(int(d)) for d in by_date(index.columns, docs, True, limit)]
        return base.MatchingTexts(int(len(docs)), base.notice(parsed.notice, req),
                                  base.expanded(parsed.highlight, evaluator.words),
                                  [(base.summary(index.names, r), r) for r in records])

    # --- articles ---------------------------------------------------------------------

    def article(self, article_id: str, query: str | None = None) -> dict | None:
        index = self._opened()
        docnum = index.searcher().document_number(id=article_id)
        if docnum is None:
            return None
        terms = Terms()
        if query:
            terms = index.evaluator().highlight_terms(parse(query, index.names).highlight)
        record = index.record(docnum)
        page = base.article_page(index.names, record, terms)
        page["versions"] = base.article_versions(index.names, record, self._members(index, page["group"]))
        return page

    def related(self, article_id: str, n: int = 5) -> list[dict]:
        """Articles sharing the body's most distinctive words (Whoosh's more_like_this)."""
        index = self._opened()
        searcher = index.searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return []
        stored = searcher.stored_fields(docnum)
        text = LangText(stored.get("body", ""), stored.get("lang"))
        results = searcher.more_like(docnum, "body", text=text, top=n, numterms=12)
        return [{**base.summary(index.names, store.stored_record(hit.fields())), "score": round(hit.score, 4)}
                for hit in results]

    # --- facets and statistics ----------------------------------------------------------

    def facet_values(self, name: str, prefix: str = "", n: int = 10) -> list[dict]:
        if name not in FACETS:
            raise ValueError(f"unknown facet {name!r}; facets are {', '.join(FACETS)}")
        index = self._opened()
        return completions(index.names, name, prefix, n, index.value_counts[name])

    def stats(self) -> dict:
        index = self._opened()
        columns, names = index.columns, index.names
        live = columns.live
        dated = columns.ticks[live & (columns.ticks != UNDATED)]
        first = _iso_ticks(int(dated.min())) if len(dated) else None
        last = _iso_ticks(int(dated.max())) if len(dated) else None
        sources = index.totals["source"]
        top = np.argsort(-sources, kind="stable")[:TOP_SOURCES]
        langs = index.totals["lang"]
        return {
            "articles": int(live.sum()),
            "langs": {columns.facets["lang"].keys[i]: int(langs[i]) for i in np.argsort(-langs, kind="stable")
                      if langs[i]},
            "top_sources": [{"value": names.display("source", columns.facets["source"].keys[i]),
                             "count": int(sources[i])} for i in top if sources[i]],
            "sources": int(np.count_nonzero(sources)),
            "persons": int(np.count_nonzero(index.totals["person"])),
            "topics": int(np.count_nonzero(index.totals["topic"])),
            "date_range": {"from": first, "to": last},
            "first_published": first, "last_published": last,
            "undated": int(live.sum() - len(dated)),
            "size_bytes": store.size_on_disk(index.path),
            "generation": index.path.name,
            "built": index.meta.get("built"),
            "copies": self._copy_stats(index),
        }

    @staticmethod
    def _copy_stats(index: _Opened) -> dict:
        grouped = index.groups.grouped()
        reader = index.searcher().reader()
        representatives = np.zeros(index.columns.size, bool)
        if ("representative", "1") in reader:
            representatives[np.fromiter(reader.postings("representative", "1").all_ids(), dtype=np.int64)] = True
        copies = grouped & ~representatives
        counts = {facet: dict(zip(index.columns.facets[facet].keys, index.columns.facets[facet].counts(copies).tolist()))
                  for facet in ("source", "agency")}
        return base.copy_stats(index.names, index.groups.stories(np.flatnonzero(grouped)), int(grouped.sum()), counts,
                               {f: index.value_counts[f] for f in ("source", "agency")})

    # --- changes ----------------------------------------------------------------------

    def delete(self, ids) -> int:
        index = self._opened()
        writing = store.WhooshStore(self.index_dir)
        with writing.lock(), writing.update() as batch:
            searcher = index.searcher()
            present = [i for i in dict.fromkeys(ids) if searcher.document_number(id=i) is not None]
            for article_id in present:
                batch.delete(article_id)
            batch.commit(writing.meta())
        return len(present)


def _ordered(index: _Opened, evaluator: Evaluator, parsed: ParsedQuery, docs: np.ndarray, req: SearchRequest,
             wanted: int) -> np.ndarray:
    # Without words to weigh (empty query, filters only), relevance means newest first.
    if req.sort == "relevance" and parsed.highlight:
        return by_relevance(evaluator, docs, wanted)
    return by_date(index.columns, docs, req.sort != "oldest", wanted)


def _iso_ticks(ticks: int) -> str | None:
    return base.iso(long_to_datetime(ticks))



class _Lexicon:
    """The index's words, for "did you mean"."""

    def __init__(self, reader):
        self.reader = reader

    def frequency(self, field: str, term: str) -> int:
        return self.reader.doc_frequency(field, term)

    def near(self, field: str, term: str, distance: int) -> list[str]:
        return list(self.reader.terms_within(field, term, distance, prefix=1))

    def texts(self, field: str, term: str, n: int) -> list[str]:
        if (field, term) not in self.reader:
            return []
        docnums = islice(self.reader.postings(field, term).all_ids(), n)
        return [self.reader.stored_fields(d).get("body", "") for d in docnums]
