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

import re
import time
from dataclasses import dataclass, field, replace
from typing import Iterator

from . import index_query as iq
from .analysis import FOLDED, FRENCH_CHAIN_LANGS, WORD_RE, fold_word
from .engine import Engine
from .highlight import EXACT_FIELDS, STEMMED_FIELDS, word_forms
from .record import Record
from .request import BadParameter, SearchRequest, integer_param

SORTS = ("date", "left", "right")     # newest first; by the words before (nearest first); by the words after
DEFAULT_WIDTH = 8                     # words of context on each side
MAX_WIDTH = 30
DEFAULT_PER_PAGE = 50
MAX_ARTICLES = 500                    # articles read, the newest matching ones

_SPACES = re.compile(r"\s+")


# --- what to find -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pattern:
    """Terms in order, each within ``slop`` words of the previous one; compared as stems or as exact forms."""

    words: tuple[str, ...]
    stemmed: bool
    slop: int = 1


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


def occurrences(text: str, lang: str | None, wanted: set[Pattern]) -> Iterator[tuple[list, int, int]]:
    """(the text's words as (term, start, end), first word, last word) of each occurrence, in order."""
    if not wanted or not text:
        return
    words = list(FOLDED.tokens(text, lang))
    spans = []
    for stemmed in (False, True):
        chosen = [p for p in wanted if p.stemmed == stemmed]
        if chosen:
            spans += _spans(_view(text, words, lang, stemmed), chosen)
    end = -1
    for first, last in sorted(spans, key=lambda span: (span[0], -span[1])):
        if first > end:
            yield words, first, last
            end = last


def _view(text: str, words: list, lang: str | None, stemmed: bool) -> list[tuple[str, int]]:
    """(term, index in ``words``) of the words an index field holds: all of them, or the stems of non-stop words."""
    if not stemmed:
        return [(term, i) for i, (term, _, _) in enumerate(words)]
    chain = "fr" if lang in FRENCH_CHAIN_LANGS else lang
    stems = ((word_forms(text[start:end], chain)[1], i) for i, (_, start, end) in enumerate(words))
    return [(stem, i) for stem, i in stems if stem is not None]


def _spans(view: list[tuple[str, int]], wanted: list[Pattern]) -> list[tuple[int, int]]:
    by_first: dict[str, list[Pattern]] = {}
    for pattern in wanted:
        by_first.setdefault(pattern.words[0], []).append(pattern)
    spans = []
    for k, (term, _) in enumerate(view):
        for pattern in by_first.get(term, ()):
            last = _match(view, k, pattern)
            if last is not None:
                spans.append((view[k][1], view[last][1]))
    return spans


def _match(view: list[tuple[str, int]], k: int, pattern: Pattern) -> int | None:
    """The view index of the pattern's last word when it starts at ``k``, or None."""
    last = k
    for word in pattern.words[1:]:
        following = range(last + 1, min(len(view), last + pattern.slop + 1))
        last = next((j for j in following if view[j][0] == word), None)
        if last is None:
            return None
    return last


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
    keys: tuple = field(default=(), compare=False, repr=False)    # sort keys

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
    wanted = patterns(found.leaves)
    lines = [line for summary, record in found.articles for line in _lines(summary, record, wanted, req)]
    lines.sort(key=lambda line: line.keys[SORTS.index(req.sort)])
    page = req.search.page
    start = (page - 1) * req.search.per_page
    shown = lines if every_line else lines[start:start + req.search.per_page]
    return KwicResult(req.search.query, len(lines), page, req.search.per_page, req.sort, req.width, found.notice,
                      found.total, len(found.articles), (time.perf_counter() - started) * 1000, shown)


def _lines(summary: dict, record: Record, wanted: set[Pattern], req: KwicRequest) -> Iterator[Line]:
    texts = [record.body, record.comments] if req.search.comments else [record.body]
    # Newest first, undated last, then by article and place: the same order whatever the engine.
    moment = summary["published"]
    when = (moment is None, -int("".join(filter(str.isdigit, moment or "0"))), record.id)
    for number, text in enumerate(texts):
        for words, first, last in occurrences(text, record.lang, wanted):
            left, match, right = _context(text, words, first, last, req.width)
            place = (*when, number, words[first][1])
            yield Line(record.id, summary["display_title"], summary["source"], moment, left, match, right,
                       words[first][1], keys=(place, (_folded(left)[::-1], _folded(match), place),
                                              (_folded(right), _folded(match), place)))


def _context(text: str, words: list, first: int, last: int, width: int) -> tuple[str, str, str]:
    start, end = words[first][1], words[last][2]
    before = words[max(0, first - width)][1]
    after = words[min(len(words) - 1, last + width)][2]
    return _plain(text[before:start]), _plain(text[start:end]), _plain(text[end:after])


def _plain(piece: str) -> str:
    return _SPACES.sub(" ", piece).strip()


def _folded(text: str) -> list[str]:
    return [fold_word(w) for w in WORD_RE.findall(text)]
