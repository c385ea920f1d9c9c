"""Words in context (KWIC): every occurrence of a query's words and phrases in its matching articles.

One line per occurrence: the words before it, the occurrence, the words after
it, with the article's id, display title, source and date. Occurrences are
found in the stored text by the same analysis as the index
(:mod:`search.analysis`), so a line is exactly a place where the query's
words are: a word matches by its stem (``garanties`` finds « garantie ») or
its exact form (phrases, ``NEAR`` sides, wildcards, name spellings), a phrase
as its words in order. Occurrences do not overlap: at each place the longest
one wins, and the search goes on after it.

The work is bounded: lines come from the text (and, with ``comments``, the
reader comments) of the :data:`MAX_ARTICLES` newest matching articles, whatever
the sort; the result says how many articles matched and how many were read.
"""
from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field, replace
from typing import Iterator

from . import index_query as iq
from .analysis import FRENCH_CHAIN_LANGS, WORD_RE, fold_to_bytes, fold_word
from .engine import Engine
from .highlight import EXACT_FIELDS, STEMMED_FIELDS, candidate_words, head_pattern, word_forms
from .record import Record
from .request import BadParameter, SearchRequest, integer_param

SORTS = ("date", "left", "right")     # newest first; by the words before (nearest first); by the words after
DEFAULT_WIDTH = 8                     # words of context on each side
MAX_WIDTH = 30
DEFAULT_PER_PAGE = 50
MAX_ARTICLES = 200                    # articles read, the newest matching ones

_SPACES = re.compile(r"\s+")


# --- what to find -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pattern:
    """Terms in order, each within ``slop`` words of the previous one; compared as stems or as exact forms."""

    words: tuple[str, ...]
    stemmed: bool
    slop: int = 1


class Wanted:
    """The patterns of a query, indexed by their first word, and the pattern of the words worth analysing."""

    def __init__(self, leaves: list):
        self.patterns = patterns(leaves)
        self.first: dict[tuple[bool, str], list[Pattern]] = {}
        for pattern in self.patterns:
            self.first.setdefault((pattern.stemmed, pattern.words[0]), []).append(pattern)
        heads = {word[:2] for _, word in self.first}
        self.candidates = head_pattern(heads) if heads else None

    def starting(self, exact: str | None, stem: str | None) -> list[Pattern]:
        return self.first.get((False, exact), []) + self.first.get((True, stem), [])


def patterns(leaves: list) -> set[Pattern]:
    """What to look for, from a query's positive leaves (patterns already expanded into words)."""
    found = set()
    for leaf in leaves:
        if isinstance(leaf, iq.Near):
            found |= {Pattern(leaf.left, False), Pattern(leaf.right, False)}
        elif isinstance(leaf, iq.Count):
            found |= {Pattern((leaf.text,), f in STEMMED_FIELDS) for f in leaf.fields}
        elif isinstance(leaf, iq.Phrase) and leaf.field in STEMMED_FIELDS | EXACT_FIELDS:
            found.add(Pattern(leaf.words, leaf.field in STEMMED_FIELDS, leaf.slop))
        elif isinstance(leaf, iq.Term) and leaf.field in STEMMED_FIELDS | EXACT_FIELDS:
            found.add(Pattern((leaf.text,), leaf.field in STEMMED_FIELDS))
    return found


def occurrences(text: str, lang: str | None, wanted: Wanted) -> Iterator[tuple[int, int]]:
    """(start, end) in ``text`` of each occurrence, in order.

    Only the words that may start a pattern are analysed (most of a text is not), then the words
    after them as far as the pattern needs.
    """
    if wanted.candidates is None or not text:
        return
    chain = "fr" if lang in FRENCH_CHAIN_LANGS else lang
    spans = []
    for start, word_end in candidate_words(fold_to_bytes(text), wanted.candidates):
        exact, stem = word_forms(text[start:word_end], chain)
        for pattern in wanted.starting(exact, stem):
            end = _rest(text, word_end, pattern, chain)
            if end is not None:
                spans.append((start, end))
    reached = -1
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if start >= reached:
            yield start, end
            reached = end


def _rest(text: str, position: int, pattern: Pattern, chain: str) -> int | None:
    """Where the pattern ends when its first word ends at ``position`` (each next word within ``slop``), or None."""
    end, remaining, skipped = position, list(pattern.words[1:]), 0
    for term, word_end in _terms(text, position, chain, pattern.stemmed) if remaining else ():
        if term == remaining[0]:
            end, skipped = word_end, 0
            remaining.pop(0)
            if not remaining:
                break
        else:
            skipped += 1
            if skipped >= pattern.slop:
                return None
    return None if remaining else end


def _terms(text: str, position: int, chain: str, stemmed: bool) -> Iterator[tuple[str, int]]:
    """(term, end) of the words from ``position`` on, as an index field holds them (stems skip stop words)."""
    for match in WORD_RE.finditer(text, position):
        term = word_forms(match.group(), chain)[stemmed]
        if term is not None:
            yield term, match.end()


def _words_before(text: str, position: int, count: int) -> int:
    """Where the ``count`` words before ``position`` start (fewer at the start of the text)."""
    reach = count * 16
    while True:
        window = max(0, position - reach)
        starts = [m.start() for m in WORD_RE.finditer(text, window, position)][1 if window else 0:]  # maybe cut
        if len(starts) >= count or window == 0:
            return starts[-count] if len(starts) >= count else starts[0] if starts else position
        reach *= 2


def _words_after(text: str, position: int, count: int) -> int:
    """Where the ``count`` words after ``position`` end (fewer at the end of the text)."""
    end = position
    for word in itertools.islice(WORD_RE.finditer(text, position), count):
        end = word.end()
    return end


# --- the request ----------------------------------------------------------------------------------

@dataclass
class KwicRequest:
    search: SearchRequest            # query, filters, comments, page and per_page
    sort: str = "date"
    width: int = DEFAULT_WIDTH

    @classmethod
    def from_params(cls, params) -> KwicRequest:
        """From the query string: the search's parameters, ``sort`` (date, left, right) and ``width``."""
        lists = {k: params.getlist(k) for k in params.keys()} if hasattr(params, "getlist") \
            else {k: [v] if isinstance(v, str) else list(v) for k, v in params.items()}
        sort = [v.strip() for v in lists.pop("sort", None) or [] if v.strip()]
        width = [v.strip() for v in lists.pop("width", None) or [] if v.strip()]
        lists.pop("facet_size", None)          # no facets here: ignored like any unknown parameter
        if "per_page" not in lists:
            lists["per_page"] = [str(DEFAULT_PER_PAGE)]
        search = SearchRequest.from_params(lists)
        chosen = sort[-1] if sort else ("" if "sort" in params else "date")
        if chosen not in SORTS:
            raise BadParameter("sort", f"must be one of {', '.join(SORTS)}, got {chosen[:40]!r}")
        raw_width = width[-1] if width else ("" if "width" in params else None)
        return cls(search, chosen, integer_param("width", raw_width, DEFAULT_WIDTH, 1, MAX_WIDTH))


# --- the result -----------------------------------------------------------------------------------

@dataclass
class Line:
    id: str
    title: str                # the display title
    source: str | None
    published: str | None     # ISO 8601 UTC, or None
    left: str                 # plain text: the words before, the occurrence, the words after
    match: str
    right: str
    offset: int               # where the occurrence starts in its text (characters)
    place: tuple = field(default=(), compare=False, repr=False)   # date order: newest, article, text, offset

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "source": self.source, "published": self.published,
                "left": self.left, "match": self.match, "right": self.right, "offset": self.offset}


@dataclass
class KwicResult:
    query: str
    total: int                # lines
    page: int
    per_page: int
    sort: str
    width: int
    notice: str | None
    matching: int             # articles matching the query
    read: int                 # articles whose text was read (the newest, at most MAX_ARTICLES)
    took_ms: float
    lines: list[Line]         # this page's, or every line (all_lines)

    def to_dict(self) -> dict:
        return {"query": self.query, "total": self.total, "page": self.page, "per_page": self.per_page,
                "sort": self.sort, "width": self.width, "notice": self.notice, "matching_articles": self.matching,
                "articles_read": self.read, "max_articles": MAX_ARTICLES, "took_ms": round(self.took_ms, 2),
                "lines": [line.to_dict() for line in self.lines]}


def kwic(engine: Engine, req: KwicRequest, every_line: bool = False) -> KwicResult:
    """The requested page of lines (or all of them), sorted."""
    started = time.perf_counter()
    found = engine.texts(replace(req.search, page=1), MAX_ARTICLES)
    wanted = Wanted(found.leaves)
    lines = [line for summary, record in found.articles for line in _lines(summary, record, wanted, req)]
    lines.sort(key=SORT_KEYS[req.sort])
    page = req.search.page
    start = (page - 1) * req.search.per_page
    shown = lines if every_line else lines[start:start + req.search.per_page]
    return KwicResult(req.search.query, len(lines), page, req.search.per_page, req.sort, req.width, found.notice,
                      found.total, len(found.articles), (time.perf_counter() - started) * 1000, shown)


def _lines(summary: dict, record: Record, wanted: Wanted, req: KwicRequest) -> Iterator[Line]:
    texts = [record.body, record.comments] if req.search.comments else [record.body]
    # Newest first, undated last, then by article and place: the same order whatever the engine.
    moment = summary["published"]
    when = (moment is None, -int("".join(filter(str.isdigit, moment or "0"))), record.id)
    for number, text in enumerate(texts):
        for start, end in occurrences(text, record.lang, wanted):
            left = _plain(text[_words_before(text, start, req.width):start])
            right = _plain(text[end:_words_after(text, end, req.width)])
            match = _plain(text[start:end])
            place = (*when, number, start)
            yield Line(record.id, summary["display_title"], summary["source"], moment, left, match, right, start,
                       place)


# Left: by the words before, the nearest first (as concordancers sort); right: by the words after.
SORT_KEYS = {
    "date": lambda line: line.place,
    "left": lambda line: (_folded(line.left)[::-1], _folded(line.match), line.place),
    "right": lambda line: (_folded(line.right), _folded(line.match), line.place),
}


def _plain(piece: str) -> str:
    return _SPACES.sub(" ", piece).strip()


def _folded(text: str) -> list[str]:
    return [fold_word(w) for w in WORD_RE.findall(text)]
