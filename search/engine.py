"""The engine interface: what the page, the JSON API and the CLI call, whatever holds the index.

Two engines implement it: Whoosh, embedded in the process (:mod:`search.whoosh`),
and SolrCloud (:mod:`search.solr`). The index *location* says which: a folder
is a Whoosh index, ``solr+http://HOST:PORT/solr/NAME`` (or ``solr+https``) the
SolrCloud collection alias ``NAME``. Both parse the query the same way
(:mod:`search.query`), count facets with the same semantics
(:mod:`search.facets`) and build snippets and article pages with the same
code (:mod:`search.highlight`), from the same stored record
(:class:`~search.record.Record`).
"""
from __future__ import annotations

import os
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from . import index_query as iq
from .facets import Names
from .highlight import Terms, paragraphs, snippet
from .record import Record
from .request import DATES_REVERSED_NOTICE, Hit, SearchRequest, SearchResult
from .terms import MatchTexts
from .titles import display_title
from .trends import DateCounts
from .versions import difference

SOLR_SCHEMES = ("solr+http://", "solr+https://")


class EngineError(Exception):
    """A problem with the index or the engine, worded for the user."""


class NoIndex(EngineError):
    """No index at this location yet."""


class IndexLocked(EngineError):
    """Another writer holds the index."""


class Unavailable(EngineError):
    """The engine cannot be reached or does not answer; the message says where and what to do."""


def default_location() -> str:
    return os.environ.get("MANCHETTE_INDEX", "index")


def is_solr(location: str | Path) -> bool:
    return str(location).startswith(SOLR_SCHEMES)


def open_engine(location: str | Path) -> Engine:
    """The engine reading the index at ``location`` (:class:`NoIndex` if there is none yet)."""
    if is_solr(location):
        from .solr.engine import SolrEngine
        return SolrEngine(str(location))
    from .whoosh.engine import WhooshEngine
    return WhooshEngine(Path(location))


class Engine(ABC):
    """Search, articles, related articles, facet completion and statistics of one index."""

    @abstractmethod
    def search(self, req: SearchRequest) -> SearchResult:
        """Matches, the requested page of hits with snippets, and every facet's exact counts."""

    @abstractmethod
    def article(self, article_id: str, query: str | None = None) -> dict | None:
        """An article's page: stored fields, display names, text as HTML with the query marked."""

    @abstractmethod
    def related(self, article_id: str, n: int = 5) -> list[dict]:
        """Articles sharing the body's most distinctive words."""

    @abstractmethod
    def facet_values(self, name: str, prefix: str = "", n: int = 10) -> list[dict]:
        """Values of a facet starting (at any word) with ``prefix``, most articles first."""

    @abstractmethod
    def stats(self) -> dict:
        """Articles, languages, sources, persons, topics, date span and size."""

    @abstractmethod
    def group_members(self, group: str) -> list[Record]:
        """The articles of a group of copies, oldest first (at most a few hundred)."""

    @abstractmethod
    def delete(self, ids) -> int:
        """Remove articles by id; returns how many existed."""

    @abstractmethod
    def date_counts(self, reqs: list[SearchRequest], edges: list[date]) -> list[DateCounts]:
        """For each request, its matches (words and filters) published in each [edges[i], edges[i+1]) (UTC days).

        Also the undated matches and the first and last day of the dated ones; with no edges, only those.
        """

    @abstractmethod
    def match_texts(self, req: SearchRequest, n: int) -> MatchTexts:
        """The bodies of the first ``n`` matches in the request's order, the number of matches and of articles."""

    @abstractmethod
    def document_frequencies(self, grams: list[tuple[str, ...]]) -> list[int]:
        """Archive-wide, the articles whose body holds a folded word, or every word of a tuple of several."""

    @abstractmethod
    def texts(self, req: SearchRequest, limit: int) -> MatchingTexts:
        """The stored records of the newest ``limit`` matches (undated last), for reading the query's words in them."""


# --- what every engine shows of a record ---------------------------------------------------------

def summary(names: Names, record: Record) -> dict:
    """What a list of articles shows, with display names: title, source, persons, topic labels."""
    shown = display_title(record.title, record.url, record.body)
    return {
        "id": record.id, "title": record.title, "display_title": shown.text, "title_source": shown.source,
        "source": names.display("source", record.source) if record.source else None,
        "published": iso(record.published), "url": record.url or None,
        "lang": record.lang or "und", "date_text": record.date_text or None,
        "persons": [names.display("person", k) for k in record.person],
        "topics": [names.display("topic", k) for k in record.topic],
        "agencies": [names.display("agency", k) for k in record.agency],
        "group": record.group or record.id,
    }


def notice(parsed_notice: str | None, req: SearchRequest) -> str | None:
    """What a result says of its request: a query not understood, dates given backwards."""
    notices = [parsed_notice, DATES_REVERSED_NOTICE if req.dates_reversed() else None]
    return " ".join(filter(None, notices)) or None


def hit(names: Names, record: Record, score: float, terms: Terms) -> Hit:
    shown = summary(names, record)
    del shown["date_text"]
    return Hit(**shown, score=score, snippet=snippet(record.body, terms, record.lang))


def article_page(names: Names, record: Record, terms: Terms) -> dict:
    lang = record.lang
    shown = summary(names, record)
    return {
        **shown,
        "body": record.body,
        "comments": record.comments,
        "comment_count": record.comment_count or 0,
        "source_name": record.source_name or None,
        "tags": record.tags,
        "section": record.section or None,
        "author": record.author or None,
        "title_html": paragraphs(shown["display_title"], terms, lang).removeprefix("<p>").removesuffix("</p>"),
        "body_html": paragraphs(record.body, terms, lang),
        "comments_html": paragraphs(record.comments, terms, lang) if record.comments else None,
        "representative": record.representative,
    }


def iso(value: datetime | None) -> str | None:
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


# --- copies of one story ---------------------------------------------------------------------------

MAX_VERSIONS_LISTED = 20     # other versions a hit lists (``versions`` counts them all)
MAX_VERSIONS_COMPARED = 50   # other versions an article page compares with it


def version(names: Names, record: Record) -> dict:
    """Another version of a story, as a hit or an article lists it."""
    return {"id": record.id, "source": names.display("source", record.source) if record.source else None,
            "published": iso(record.published)}


def add_versions(names: Names, hits: list[Hit], members: dict[str, list[Record]], sizes: dict[str, int]) -> None:
    """Each hit's count of other versions, and the first of them (oldest first); ``sizes``: group -> articles."""
    for shown in hits:
        others = [r for r in members.get(shown.group, []) if r.id != shown.id]
        shown.versions = max(sizes.get(shown.group, 1) - 1, len(others))
        shown.other_versions = [version(names, r) for r in others[:MAX_VERSIONS_LISTED]]


def article_versions(names: Names, record: Record, members: list[Record]) -> list[dict]:
    """The article's other versions with how much each differs (share of words not in common)."""
    others = [r for r in members if r.id != record.id][:MAX_VERSIONS_COMPARED]
    return [{**version(names, r), "difference": difference(record.body, r.body)} for r in others]


def oldest_first(records: list[Record]) -> list[Record]:
    return sorted(records, key=lambda r: (r.published is None, r.published or datetime.min, r.id))


def copy_stats(names: Names, groups: int, grouped: int, copies: dict[str, dict[str, int]],
               totals: dict[str, dict[str, int]]) -> dict:
    """What ``stats`` says of copies: groups, articles in them, and per source and agency the share of
    articles that are copies (in a group, not its representative). ``copies``/``totals``: facet -> key -> count."""
    def shares(facet: str) -> list[dict]:
        rows = [{"value": names.display(facet, key), "articles": total, "copies": copies[facet].get(key, 0),
                 "share": round(copies[facet].get(key, 0) / total, 4)} for key, total in totals[facet].items() if total]
        return sorted(rows, key=lambda row: (-row["copies"], -row["articles"], row["value"]))
    return {"groups": groups, "articles_in_groups": grouped, "copies": grouped - groups,
            "by_source": shares("source"), "by_agency": shares("agency")}


@dataclass
class MatchingTexts:
    """What :meth:`Engine.texts` returns."""

    total: int                          # articles matching the request
    notice: str | None
    leaves: list                        # the query's positive leaves, each pattern replaced by the words it covers
    articles: list[tuple[dict, Record]]  # (summary, stored record) of the newest matches


def expanded(leaves: list, expand) -> list:
    """The leaves with each wildcard or fuzzy word replaced by the indexed words ``expand(pattern)`` gives."""
    found = []
    for leaf in leaves:
        found += [iq.Term(leaf.field, word) for word in expand(leaf)] if isinstance(leaf, iq.MultiTerm) else [leaf]
    return found
