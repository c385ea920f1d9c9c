"""The search engine: the one object the web page, the JSON API and the CLI call.

Whoosh stays behind this interface. It stores the index and parses nothing
(see :mod:`search.query`); queries are evaluated here over NumPy arrays:

* a query's posting lists are read once into arrays of document numbers with
  their BM25F scores (the same formula and statistics as Whoosh's ``BM25F``)
  and kept in a bounded cache, since common words recur across queries;
* AND, OR and NOT become operations on dense boolean and score arrays, so the
  full set of matches — needed anyway for exact facet counts — and the ranking
  come out of one pass;
* phrases intersect their words' lists, then check word positions (decoded
  only for those documents); the optional "words close together" clause is
  computed for the first :data:`RESCORE_WINDOW` hits only.

An :class:`Engine` follows rebuilds by itself: every call checks, cheaply,
whether ``current`` points to another generation (or the index changed in
place) and reopens it under a lock. Each thread reads through its own Whoosh
searcher (Whoosh readers are not safe to share); the arrays are shared.
"""
from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25F
from whoosh.util.times import long_to_datetime

from . import store
from .analysis import LangText, fold
from .facets import FACETS, UNDATED, Columns, Names, count_facets, select
from .highlight import Terms, paragraphs, snippet
from .query import ParsedQuery, parse
from .request import DATES_REVERSED_NOTICE, Hit, SearchRequest, SearchResult
from .suggest import corrections

CACHE_BYTES = 256 * 1024 * 1024    # posting lists kept in memory, per opened index
RESCORE_WINDOW = 100               # hits whose phrase-proximity bonus is computed
MAX_EXPANSION = 1000               # a wildcard or fuzzy word covers at most this many words (most frequent)
SUGGEST_BELOW = 3                  # "did you mean" for queries with fewer hits than this
TOP_SOURCES = 10
# Fields phrases run on: their word positions are kept from the first read (the
# proximity clause of every multi-word query comes back for them).
POSITIONAL_FIELDS = frozenset({"title_exact", "body_exact", "person_names"})


# --- posting lists as arrays ---------------------------------------------------------------------

@dataclass
class PostingList:
    ids: np.ndarray                       # document numbers, ascending
    scores: np.ndarray                    # BM25F score of the term in each of them
    positions: _Positions | None = None   # read on first need (phrases), then kept


@dataclass
class _Positions:
    """Each posting's encoded word positions, packed: decoded only for the documents asked for."""

    blob: bytes
    offsets: np.ndarray
    decode: object                        # the field format's decode_positions

    def of(self, index: int) -> list[int]:
        return self.decode(self.blob[self.offsets[index]:self.offsets[index + 1]])


class Postings:
    """Posting lists of one opened index as arrays with their BM25F scores, cached.

    Scores use Whoosh's own statistics (idf over all documents, average and
    quantised per-document field lengths, field boosts folded into the
    weights at indexing time), so a term scores here what it scores in Whoosh.
    """

    def __init__(self, reader, weighting: BM25F, budget: int = CACHE_BYTES):
        self.count = reader.doc_count_all()
        self.weighting = weighting
        self.budget = budget
        self._lengths: dict[str, np.ndarray] = {}
        self._cache: OrderedDict[tuple[str, bytes], PostingList] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, reader, fieldname: str, text: str | bytes, positions: bool = False) -> PostingList:
        positions = positions or fieldname in POSITIONAL_FIELDS
        btext = text if isinstance(text, bytes) else reader.schema[fieldname].to_bytes(text)
        key = (fieldname, btext)
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
        if found is not None and (found.positions is not None or not positions):
            return found
        ids, weights, values = _read_postings(reader, fieldname, btext, positions)
        entry = PostingList(ids, self._bm25(reader, fieldname, btext, ids, weights))
        if positions:
            lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
            offsets = np.concatenate(([0], np.cumsum(lengths)))
            entry.positions = _Positions(b"".join(values), offsets, reader.schema[fieldname].format.decode_positions)
        self._remember(key, entry)
        return entry

    def _bm25(self, reader, fieldname, btext, ids, weights) -> np.ndarray:
        if not len(ids) or not reader.schema[fieldname].scorable:
            return np.zeros(len(ids), dtype=np.float32)
        w = self.weighting
        b = w._field_B.get(fieldname, w.B)
        idf = math.log(self.count / (reader.doc_frequency(fieldname, btext) + 1)) + 1
        average = reader.field_length(fieldname) / (self.count or 1) or 1
        lengths = self.lengths(reader, fieldname)[ids]
        scores = idf * (weights * (w.K1 + 1)) / (weights + w.K1 * ((1 - b) + b * lengths / average))
        return scores.astype(np.float32)

    def lengths(self, reader, fieldname: str) -> np.ndarray:
        """Per-document field lengths, as quantised by Whoosh (what its scorer sees)."""
        found = self._lengths.get(fieldname)
        if found is None:
            found = np.fromiter((reader.doc_field_length(d, fieldname, 0) or 0 for d in range(self.count)),
                                dtype=np.float64, count=self.count)
            self._lengths[fieldname] = found
        return found

    def _remember(self, key, entry: PostingList) -> None:
        with self._lock:
            old = self._cache.pop(key, None)
            if old is not None:
                self._bytes -= _size(old)
            self._cache[key] = entry
            self._bytes += _size(entry)
            while self._bytes > self.budget and len(self._cache) > 1:
                _, dropped = self._cache.popitem(last=False)
                self._bytes -= _size(dropped)


def _size(entry: PostingList) -> int:
    extra = len(entry.positions.blob) + entry.positions.offsets.nbytes if entry.positions else 0
    return entry.ids.nbytes + entry.scores.nbytes + extra


def _read_postings(reader, fieldname: str, btext: bytes, positions: bool):
    """Document numbers, weights (and encoded positions) of a term over every segment.

    Deleted documents are included: the live mask removes them later.
    """
    ids, weights, values = [], [], []
    for leaf, offset in reader.leaf_readers():
        if (fieldname, btext) not in leaf:
            continue
        matcher = leaf.postings(fieldname, btext)
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child
        read = _blocks if isinstance(matcher, W3LeafMatcher) else _step
        leaf_ids, leaf_weights = read(matcher, values if positions else None)
        ids.append(leaf_ids + offset)
        weights.append(leaf_weights)
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64), values
    return np.concatenate(ids), np.concatenate(weights), values


def _blocks(matcher: W3LeafMatcher, values: list | None) -> tuple[np.ndarray, np.ndarray]:
    """A Whoosh 2.7 posting list read block by block: Whoosh's per-posting loop costs ~5x more.

    Relies on the block layout of ``whoosh.codec.whoosh3`` (pinned: Whoosh<2.8):
    each block's data is (ids as deltas, weights or a constant or None, values).
    """
    ids, weights = [], []
    while matcher.is_active():
        matcher._read_data()
        deltas, block_weights, block_values = matcher._data
        block_ids = np.asarray(deltas, dtype=np.int64)
        ids.append(block_ids if matcher._byteids else np.cumsum(block_ids))
        if block_weights is None or isinstance(block_weights, float):
            weights.append(np.full(len(block_ids), block_weights or 1.0))
        else:
            weights.append(np.asarray(block_weights, dtype=np.float64))
        if values is not None:
            values.extend(block_values)
        matcher._next_block()
    return np.concatenate(ids), np.concatenate(weights)


def _step(matcher, values: list | None) -> tuple[np.ndarray, np.ndarray]:
    """Any other matcher (e.g. a short list inlined in the term info), one posting at a time."""
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if values is not None:
            values.append(matcher.value())
        matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)


def in_order(positions: list[list[int]], slop: int) -> bool:
    """Whether the words occur in order, each within ``slop`` positions of the previous one."""
    reached = set(positions[0])
    for following in positions[1:]:
        allowed = set(following)
        reached = {p for r in reached for p in range(r + 1, r + slop + 1) if p in allowed}
        if not reached:
            return False
    return True


# --- evaluating a query --------------------------------------------------------------------------

@dataclass
class Matches:
    mask: np.ndarray                     # bool per document number
    scores: np.ndarray                   # float32 per document number (0 where not matched)
    optional: list[wq.Query] = field(default_factory=list)   # ranking-only clauses, for the rescoring window
    expansions: dict = field(default_factory=dict)           # wildcard/fuzzy query -> the words it covered


class Evaluator:
    """A Whoosh query tree evaluated to dense arrays over all documents.

    Handles exactly the query types :mod:`search.query` produces.
    """

    def __init__(self, reader, postings: Postings, columns: Columns):
        self.reader = reader
        self.postings = postings
        self.columns = columns
        self.matches = Matches(np.zeros(columns.size, bool), np.zeros(columns.size, np.float32))
        self.within: np.ndarray | None = None     # phrases: only these documents are checked

    def run(self, q: wq.Query) -> Matches:
        mask, scores = self.eval(q)
        mask &= self.columns.live
        self.matches.mask = mask
        self.matches.scores = np.where(mask, scores, 0).astype(np.float32)
        return self.matches

    def eval(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        size = self.columns.size
        if isinstance(q, wq.AndMaybe):
            self.matches.optional.append(q.b)
            return self.eval(q.a)
        if isinstance(q, wq.AndNot):
            mask, scores = self.eval(q.a)
            excluded, _ = self.eval(q.b)
            return mask & ~excluded, scores
        if isinstance(q, wq.And):
            return self._combine(q.subqueries, np.logical_and)
        if isinstance(q, wq.Or):
            return self._combine(q.subqueries, np.logical_or)
        if isinstance(q, wq.Every):
            return self.columns.live.copy(), np.zeros(size, np.float32)
        if isinstance(q, wq.DateRange):
            return self._dates(q), np.zeros(size, np.float32)
        if isinstance(q, wq.MultiTerm):             # before Term: FuzzyTerm is both
            return self._multiterm(q)
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text, q.boost)
        if isinstance(q, wq.Phrase):
            return self._phrase(q)
        if q is wq.NullQuery:
            return np.zeros(size, bool), np.zeros(size, np.float32)
        raise TypeError(f"no evaluation for {type(q).__name__} queries")

    def _combine(self, subqueries, operation) -> tuple[np.ndarray, np.ndarray]:
        parts = [self.eval(s) for s in subqueries]
        mask, scores = parts[0][0].copy(), parts[0][1].copy()
        for part_mask, part_scores in parts[1:]:
            operation(mask, part_mask, out=mask)
            scores += part_scores
        return mask, scores

    def _term(self, fieldname: str, text, boost: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        mask = np.zeros(self.columns.size, bool)
        scores = np.zeros(self.columns.size, np.float32)
        if fieldname in self.reader.schema:
            posting = self.postings.get(self.reader, fieldname, text)
            mask[posting.ids] = True
            scores[posting.ids] = posting.scores * boost
        return mask, scores

    def _multiterm(self, q: wq.MultiTerm) -> tuple[np.ndarray, np.ndarray]:
        """Any of the words it covers; every match scores the same (as in Whoosh)."""
        mask = np.zeros(self.columns.size, bool)
        for word in self.expand(q):
            mask |= self._term(q.field(), word)[0]
        return mask, mask * np.float32(q.boost)

    def expand(self, q: wq.MultiTerm) -> list:
        """The words a wildcard or fuzzy word covers: the most frequent ones if too many."""
        words = self.matches.expansions.get(q)
        if words is None:
            words = list(q._btexts(self.reader))
            if len(words) > MAX_EXPANSION:
                frequency = self.reader.doc_frequency
                words = sorted(words, key=lambda w: -frequency(q.field(), w))[:MAX_EXPANSION]
            self.matches.expansions[q] = words
        return words

    def _phrase(self, q: wq.Phrase) -> tuple[np.ndarray, np.ndarray]:
        """Documents with every word, then checked for the words' order and distance.

        The score sums the words' scores, as Whoosh's phrase matcher does.
        """
        mask, scores = self._combine([wq.Term(q.fieldname, w) for w in q.words], np.logical_and)
        if self.within is not None:
            mask &= self.within
        docs = np.flatnonzero(mask & self.columns.live)
        lists = [self.postings.get(self.reader, q.fieldname, w, positions=True) for w in q.words]
        rows = [np.searchsorted(p.ids, docs) for p in lists]
        for i, docnum in enumerate(docs):
            if not in_order([p.positions.of(r[i]) for p, r in zip(lists, rows)], q.slop):
                mask[docnum] = False
        return mask, scores * mask * np.float32(q.boost)

    def _dates(self, q: wq.DateRange) -> np.ndarray:
        low = 0 if q.start is None else q.start + bool(q.startexcl)
        high = UNDATED - 1 if q.end is None else q.end - bool(q.endexcl)
        return self.columns.ticks_between(low, high)

    def bonus(self, docnums: np.ndarray) -> np.ndarray:
        """The optional clauses' scores for a few documents only (phrase checks are the costly part)."""
        self.within = np.zeros(self.columns.size, bool)
        self.within[docnums] = True
        extra = np.zeros(len(docnums), np.float32)
        for q in self.matches.optional:
            extra += self.eval(q)[1][docnums]
        self.within = None
        return extra

    def highlight_terms(self, leaves: list[wq.Query]) -> Terms:
        pairs = []
        for leaf in leaves:
            if isinstance(leaf, wq.MultiTerm):
                pairs += [(leaf.field(), _text(w)) for w in self.expand(leaf)]
            elif isinstance(leaf, wq.Phrase):
                pairs += [(leaf.fieldname, w) for w in leaf.words]
            elif isinstance(leaf, wq.Term):
                pairs.append((leaf.fieldname, leaf.text))
        return Terms.of(pairs)


# --- ordering ---------------------------------------------------------------------------------------

def by_relevance(evaluator: Evaluator, docs: np.ndarray, wanted: int) -> np.ndarray:
    """Best first (ties: index order); the first hits get the proximity bonus."""
    scores = evaluator.matches.scores[docs]
    order = docs[np.lexsort((docs, -scores))]
    if evaluator.matches.optional and len(order):
        window = np.sort(order[:RESCORE_WINDOW])
        rescored = evaluator.matches.scores[window] + evaluator.bonus(window)
        order[:len(window)] = window[np.lexsort((window, -rescored))]
    return order[:wanted]


def by_date(columns: Columns, docs: np.ndarray, newest: bool, wanted: int) -> np.ndarray:
    """Newest or oldest first; undated articles last either way."""
    ticks = columns.ticks[docs]
    undated = ticks == UNDATED
    return docs[np.lexsort((docs, -ticks if newest else ticks, undated))][:wanted]


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
        self.postings = Postings(searcher.reader(), searcher.weighting)
        self.totals = {name: self.columns.facets[name].counts(self.columns.live) for name in FACETS}

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


# --- the engine -------------------------------------------------------------------------------------

class Engine:
    """Search, articles, related articles, facet completion and statistics of one index folder."""

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
        parsed = parse(req.query, index.names, variants=req.variants, comments=req.comments)
        evaluator = index.evaluator()
        matches = evaluator.run(parsed.query)
        selection = select(index.columns, index.names, req)
        final = selection.all(matches.mask)
        docs = np.flatnonzero(final)
        facets = count_facets(index.columns, index.names, matches.mask, selection, req)
        page = self._page(index, evaluator, parsed, docs, req)
        terms = evaluator.highlight_terms(parsed.highlight)
        hits = [self._hit(index, int(d), float(matches.scores[d]), terms) for d in page]
        suggestion = self._suggestion(index, req, parsed, len(docs)) if len(docs) < SUGGEST_BELOW else None
        notices = [parsed.notice, DATES_REVERSED_NOTICE if req.dates_reversed() else None]
        return SearchResult(
            query=req.query, total=int(len(docs)), page=req.page, per_page=req.per_page,
            took_ms=(time.perf_counter() - started) * 1000, notice=" ".join(filter(None, notices)) or None,
            suggestion=suggestion,
            hits=hits, facets=facets,
        )

    @staticmethod
    def _page(index: _Opened, evaluator: Evaluator, parsed: ParsedQuery, docs: np.ndarray,
              req: SearchRequest) -> np.ndarray:
        start = (req.page - 1) * req.per_page
        if start >= len(docs):
            return docs[:0]
        wanted = start + req.per_page
        # Without words to weigh (empty query, filters only), relevance means newest first.
        if req.sort == "relevance" and parsed.highlight:
            order = by_relevance(evaluator, docs, wanted)
        else:
            order = by_date(index.columns, docs, req.sort != "oldest", wanted)
        return order[start:wanted]

    def _hit(self, index: _Opened, docnum: int, score: float, terms: Terms) -> Hit:
        stored = index.searcher().stored_fields(docnum)
        summary = self._summary(index, stored)
        del summary["date_text"]
        return Hit(**summary, score=score, snippet=snippet(stored.get("body", ""), terms, stored.get("lang")))

    def _suggestion(self, index: _Opened, req: SearchRequest, parsed: ParsedQuery, total: int) -> str | None:
        """A corrected query, offered only when it finds more."""
        if not parsed.words or parsed.notice:
            return None
        fixes = corrections(index.searcher().reader(), [w.text for w in parsed.words])
        if not fixes:
            return None
        text = req.query
        for position in sorted(fixes, reverse=True):     # right to left keeps offsets valid
            word = parsed.words[position]
            text = text[:word.start] + fixes[position] + text[word.end:]
        corrected = parse(text, index.names, variants=req.variants, comments=req.comments)
        matches = index.evaluator().run(corrected.query)
        better = select(index.columns, index.names, req).all(matches.mask).sum()
        return text if better > total else None

    # --- articles ---------------------------------------------------------------------

    def article(self, article_id: str, query: str | None = None) -> dict | None:
        """An article's stored fields, display names, and its text as HTML with the query marked."""
        index = self._opened()
        searcher = index.searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return None
        stored = searcher.stored_fields(docnum)
        terms = Terms()
        if query:
            evaluator = index.evaluator()
            terms = evaluator.highlight_terms(parse(query, index.names).highlight)
        lang = stored.get("lang")
        return {
            **self._summary(index, stored),
            "body": stored.get("body", ""),
            "comments": stored.get("comments", ""),
            "comment_count": stored.get("comment_count", 0) or 0,
            "source_name": stored.get("source_name"),
            "tags": store.stored_list(stored.get("tags")),
            "section": stored.get("section") or None,
            "author": stored.get("author") or None,
            "title_html": paragraphs(stored.get("title", ""), terms, lang).removeprefix("<p>").removesuffix("</p>"),
            "body_html": paragraphs(stored.get("body", ""), terms, lang),
            "comments_html": paragraphs(stored["comments"], terms, lang) if stored.get("comments") else None,
        }

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
        return [{**self._summary(index, hit.fields()), "score": round(hit.score, 4)} for hit in results]

    @staticmethod
    def _summary(index: _Opened, stored: dict) -> dict:
        """What a list of articles shows, with display names: source, persons, topic labels."""
        names = index.names
        return {
            "id": stored["id"], "title": stored.get("title", ""),
            "source": names.display("source", stored["source"]) if stored.get("source") else None,
            "published": _iso(stored.get("published")), "url": stored.get("url") or None,
            "lang": stored.get("lang", "und"), "date_text": stored.get("date_text") or None,
            "persons": [names.display("person", k) for k in store.stored_list(stored.get("person"))],
            "topics": [names.display("topic", k) for k in store.stored_list(stored.get("topic"))],
        }

    # --- facets and statistics ----------------------------------------------------------

    def facet_values(self, name: str, prefix: str = "", n: int = 10) -> list[dict]:
        """Values of a facet starting (at any word) with ``prefix``, most articles first."""
        if name not in FACETS:
            raise ValueError(f"unknown facet {name!r}; facets are {', '.join(FACETS)}")
        index = self._opened()
        column, counts, names = index.columns.facets[name], index.totals[name], index.names
        wanted = fold(prefix)
        if name == "person" and prefix.strip() and names.registry is not None:
            keys = [fold(c) for c in names.registry.complete(prefix, n * 2)]
        elif not wanted:
            # Only the n most frequent values can be listed: keep them, with every tie of the n-th,
            # before naming and sorting (doing that for every person costs ~30 ms per home page).
            cut = np.partition(counts, len(counts) - n)[len(counts) - n] if 0 < n < len(counts) else 0
            keys = [column.keys[i] for i in np.flatnonzero(counts >= cut)]
        else:
            keys = [k for k in column.keys if _starts_a_word(fold(names.display(name, k)), wanted)
                    or k.startswith(wanted)]
        found = [(names.display(name, k), int(counts[index.columns.ordinal(name, k)]))
                 for k in keys if index.columns.has(name, k)]
        found = [f for f in found if f[1] > 0]
        found.sort(key=lambda f: (-f[1], f[0]))
        return [{"value": value, "count": count} for value, count in found[:n]]

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
        }

    # --- changes ----------------------------------------------------------------------

    def delete(self, ids) -> int:
        """Remove articles by id; the next call sees the index without them. Returns how many existed."""
        index = self._opened()
        with store.write_lock(self.index_dir):
            ix = store.open_for_writing(index.path)
            with ix.searcher() as searcher:
                present = [i for i in dict.fromkeys(ids) if searcher.document_number(id=i) is not None]
            if present:
                writer = store.ArticleWriter(ix)
                for article_id in present:
                    writer.delete(article_id)
                writer.commit()
        return len(present)


def _text(word: str | bytes) -> str:
    return word.decode("utf-8") if isinstance(word, bytes) else word


def _starts_a_word(text: str, prefix: str) -> bool:
    return text.startswith(prefix) or f" {prefix}" in text


def _iso(value) -> str | None:
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _iso_ticks(ticks: int) -> str | None:
    return _iso(long_to_datetime(ticks))
