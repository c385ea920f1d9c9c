"""A query (:mod:`search.index_query`) evaluated over a Whoosh index as dense arrays.

AND, OR and NOT become operations on dense boolean and score arrays, so the
full set of matches — needed anyway for exact facet counts — and the ranking
come out of one pass; phrases intersect their words' lists, then check word
positions (decoded only for those documents); the optional "words close
together" clause is computed for the first :data:`RESCORE_WINDOW` hits only.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as wq
from whoosh.util.times import datetime_to_long

from .. import index_query as iq
from ..fields import BOOSTS
from ..highlight import Terms
from .columns import UNDATED, Columns
from .postings import Postings

RESCORE_WINDOW = 100               # hits whose phrase-proximity bonus is computed
MAX_EXPANSION = 1000               # a wildcard or fuzzy word covers at most this many words (most frequent)


def in_order(positions: list[list[int]], slop: int) -> bool:
    """Whether the words occur in order, each within ``slop`` positions of the previous one."""
    reached = set(positions[0])
    for following in positions[1:]:
        allowed = set(following)
        reached = {p for r in reached for p in range(r + 1, r + slop + 1) if p in allowed}
        if not reached:
            return False
    return True


def phrase_starts(positions: list[list[int]]) -> list[int]:
    """Where the words occur one right after the other: the first word's positions, sorted."""
    starts = set(positions[0])
    for offset, following in enumerate(positions[1:], 1):
        starts &= {p - offset for p in following}
    return sorted(starts)


def near(left: list[list[int]], right: list[list[int]], distance: int) -> bool:
    """Whether the two phrases (each word's positions) occur with at most ``distance`` words between them.

    Overlapping occurrences count as near, as in Lucene's unordered span queries.
    """
    lefts, rights = phrase_starts(left), phrase_starts(right)
    # A right phrase starting in [a - len(right) - distance, a + len(left) + distance] is near a.
    for a in lefts:
        i = bisect_left(rights, a - len(right) - distance)
        if i < len(rights) and rights[i] <= a + len(left) + distance:
            return True
    return False


@dataclass
class Matches:
    mask: np.ndarray                     # bool per document number
    scores: np.ndarray                   # float32 per document number (0 where not matched)
    optional: list = field(default_factory=list)      # ranking-only clauses, for the rescoring window
    expansions: dict = field(default_factory=dict)    # wildcard/fuzzy node -> the words it covered


class Evaluator:
    """An :mod:`search.index_query` tree evaluated to dense arrays over all documents."""

    def __init__(self, reader, postings: Postings, columns: Columns):
        self.reader = reader
        self.postings = postings
        self.columns = columns
        self.matches = Matches(np.zeros(columns.size, bool), np.zeros(columns.size, np.float32))
        self.within: np.ndarray | None = None     # phrases: only these documents are checked

    def run(self, q) -> Matches:
        mask, scores = self.eval(q)
        mask &= self.columns.live
        self.matches.mask = mask
        self.matches.scores = np.where(mask, scores, 0).astype(np.float32)
        return self.matches

    def eval(self, q) -> tuple[np.ndarray, np.ndarray]:
        size = self.columns.size
        if isinstance(q, iq.AndMaybe):
            self.matches.optional.append(q.optional)
            return self.eval(q.required)
        if isinstance(q, iq.AndNot):
            mask, scores = self.eval(q.positive)
            excluded, _ = self.eval(q.negative)
            return mask & ~excluded, scores
        if isinstance(q, iq.And):
            return self._combine(q.items, np.logical_and)
        if isinstance(q, iq.Or):
            return self._combine(q.items, np.logical_or)
        if isinstance(q, iq.Every):
            return self.columns.live.copy(), np.zeros(size, np.float32)
        if isinstance(q, iq.DateRange):
            return self._dates(q), np.zeros(size, np.float32)
        if isinstance(q, iq.MultiTerm):
            return self._multiterm(q)
        if isinstance(q, iq.Term):
            return self._term(q.field, q.text, q.boost)
        if isinstance(q, iq.Phrase):
            return self._phrase(q)
        if isinstance(q, iq.Near):
            return self._near(q)
        if isinstance(q, iq.Count):
            return self._count(q)
        if isinstance(q, iq.Nothing):
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

    def _multiterm(self, q) -> tuple[np.ndarray, np.ndarray]:
        """Any of the words it covers; every match scores the same (as in Whoosh)."""
        mask = np.zeros(self.columns.size, bool)
        for word in self.expand(q):
            mask |= self._term(q.field, word)[0]
        return mask, mask.astype(np.float32)

    def expand(self, q) -> list:
        """The words a wildcard or fuzzy word covers: the most frequent ones if too many."""
        words = self.matches.expansions.get(q)
        if words is None:
            words = list(whoosh_query(q)._btexts(self.reader))
            if len(words) > MAX_EXPANSION:
                frequency = self.reader.doc_frequency
                words = sorted(words, key=lambda w: -frequency(q.field, w))[:MAX_EXPANSION]
            self.matches.expansions[q] = words
        return words

    def _phrase(self, q: iq.Phrase) -> tuple[np.ndarray, np.ndarray]:
        """Documents with every word, then checked for the words' order and distance.

        The score sums the words' scores, as Whoosh's phrase matcher does.
        """
        mask, scores = self._combine([iq.Term(q.field, w) for w in q.words], np.logical_and)
        if self.within is not None:
            mask &= self.within
        docs = np.flatnonzero(mask & self.columns.live)
        lists = [self.postings.get(self.reader, q.field, w, positions=True) for w in q.words]
        rows = [np.searchsorted(p.ids, docs) for p in lists]
        for i, docnum in enumerate(docs):
            if not in_order([p.positions.of(r[i]) for p, r in zip(lists, rows)], q.slop):
                mask[docnum] = False
        return mask, scores * mask * np.float32(q.boost)

    def _near(self, q: iq.Near) -> tuple[np.ndarray, np.ndarray]:
        """Documents with every word of both sides, then checked for the sides' distance (scored as a phrase)."""
        words = q.left + q.right
        mask, scores = self._combine([iq.Term(q.field, w) for w in words], np.logical_and)
        docs = np.flatnonzero(mask & self.columns.live)
        lists = [self.postings.get(self.reader, q.field, w, positions=True) for w in words]
        rows = [np.searchsorted(p.ids, docs) for p in lists]
        split = len(q.left)
        for i, docnum in enumerate(docs):
            positions = [p.positions.of(r[i]) for p, r in zip(lists, rows)]
            if not near(positions[:split], positions[split:], q.distance):
                mask[docnum] = False
        return mask, scores * mask * np.float32(q.boost)

    def _count(self, q: iq.Count) -> tuple[np.ndarray, np.ndarray]:
        """The term's occurrences over the fields, from the postings' weights (frequency × field boost)."""
        occurrences = np.zeros(self.columns.size, np.float64)
        mask, scores = self.eval(iq.Or(tuple(iq.Term(f, q.text) for f in q.fields)))
        for fieldname in q.fields:
            if fieldname in self.reader.schema:
                ids, weights = self.postings.frequencies(self.reader, fieldname, q.text)
                occurrences[ids] += weights / BOOSTS.get(fieldname, 1.0)
        mask &= np.rint(occurrences) >= q.minimum
        return mask, scores * mask

    def _dates(self, q: iq.DateRange) -> np.ndarray:
        low = 0 if q.start is None else datetime_to_long(q.start)
        high = UNDATED - 1 if q.end is None else datetime_to_long(q.end)
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

    def highlight_terms(self, leaves: list) -> Terms:
        return Terms.of_query(leaves, self.words)

    def words(self, pattern) -> list[str]:
        """The indexed words a pattern covers, as text."""
        return [_text(w) for w in self.expand(pattern)]


def whoosh_query(q) -> wq.Query:
    """The same query as Whoosh's own objects: Whoosh expands patterns, and tests compare scores.

    Not dates: Whoosh does not index them (a date range is read from the column, :meth:`Evaluator._dates`).
    """
    if isinstance(q, iq.Term):
        return wq.Term(q.field, q.text, boost=q.boost)
    if isinstance(q, iq.Phrase):
        return wq.Phrase(q.field, list(q.words), slop=q.slop, boost=q.boost)
    if isinstance(q, iq.Prefix):
        return wq.Prefix(q.field, q.text)
    if isinstance(q, iq.Wildcard):
        return wq.Wildcard(q.field, q.pattern)
    if isinstance(q, iq.Fuzzy):
        return wq.FuzzyTerm(q.field, q.text, maxdist=q.distance, prefixlength=q.prefix)
    if isinstance(q, (iq.And, iq.Or)):
        return (wq.And if isinstance(q, iq.And) else wq.Or)([whoosh_query(i) for i in q.items])
    if isinstance(q, iq.AndNot):
        return wq.AndNot(whoosh_query(q.positive), whoosh_query(q.negative))
    if isinstance(q, iq.AndMaybe):
        return wq.AndMaybe(whoosh_query(q.required), whoosh_query(q.optional))
    return wq.Every() if isinstance(q, iq.Every) else wq.NullQuery


def _text(word: str | bytes) -> str:
    return word.decode("utf-8") if isinstance(word, bytes) else word


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


