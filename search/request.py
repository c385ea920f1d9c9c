"""A search request in, one result object out: the contract every front end uses.

The web page, the JSON endpoint and the CLI all build a :class:`SearchRequest`
(from query-string parameters or options) and render the same
:class:`SearchResult`; ``SearchResult.to_dict()`` *is* the JSON document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .dates import parse_period

SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
DEFAULT_PER_PAGE = 10
DEFAULT_FACET_SIZE = 10
MAX_FACET_SIZE = 1000
MAX_QUERY = 10_000       # characters of q kept
# A range given backwards is a valid request that no article can match (OpenAPI cannot forbid it).
DATES_REVERSED_NOTICE = ("La date de début est postérieure à la date de fin : aucun article ne peut correspondre "
                         "(inversez-les).")
# What str.strip() removes (str.isspace()), spelt out so that the published pattern ignores exactly it.
WHITESPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def _date_bound_pattern() -> str:
    """Every value ``from``/``to`` accept, as one regular expression that Python and JSON Schema read alike.

    Blank (no bound), a year, a month or a day that exists (leap years included), months and days
    on one or two digits, spaces around ignored. It is published in the OpenAPI document, so the
    schema and the answers agree on every string: what it matches is searched, anything else is a 400.
    """
    year = "000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3}"
    leap_year = "[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00"
    month = "0?[1-9]|1[0-2]"
    days_by_month = [("0?[13578]|1[02]", "0?[1-9]|[12][0-9]|3[01]"), ("0?[469]|11", "0?[1-9]|[12][0-9]|30"),
                     ("0?2", "0?[1-9]|1[0-9]|2[0-8]")]
    iso_day = "|".join(f"(?:{months})-(?:{days})" for months, days in days_by_month)
    slashed_day = "|".join(f"(?:{days})/(?:{months})" for months, days in days_by_month)
    forms = [f"(?:{year})(?:-(?:{month}))?", f"(?:{year})-(?:{iso_day})", f"(?:{leap_year})-0?2-29",
             f"(?:{slashed_day})/(?:{year})", f"29/0?2/(?:{leap_year})"]
    return f"^[{WHITESPACE}]*(?:{'|'.join(forms)})?[{WHITESPACE}]*$"


DATE_BOUND_PATTERN = _date_bound_pattern()
_DATE_BOUND = re.compile(DATE_BOUND_PATTERN)


class BadParameter(ValueError):
    """A parameter value that cannot be used; ``name`` says which one."""

    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


@dataclass
class SearchRequest:
    query: str = ""
    sources: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    langs: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    facet_size: int = DEFAULT_FACET_SIZE
    variants: bool = True        # expand person names to their known spellings
    comments: bool = False       # also search reader comments
    agencies: list[str] = field(default_factory=list)
    collapse: bool = True        # copies of one story show once

    @classmethod
    def from_params(cls, params) -> "SearchRequest":
        """From a mapping with ``getlist`` (Flask's request.args) or of lists.

        Unknown keys are ignored; bad values raise :class:`BadParameter`.
        """
        def getlist(name: str) -> list[str]:
            if hasattr(params, "getlist"):
                values = params.getlist(name)
            else:
                values = params.get(name, [])
                values = [values] if isinstance(values, str) else list(values)
            return [v.strip() for v in values if isinstance(v, str) and v.strip()]

        def one(name: str) -> str | None:
            values = getlist(name)
            return values[-1] if values else None

        def typed(name: str) -> str | None:
            """Like one(), but a number, choice or flag given blank is kept as "" (a 400, not the default)."""
            value = one(name)
            return "" if value is None and name in params else value

        return cls(
            query=(one("q") or "")[:MAX_QUERY],
            sources=getlist("source"),
            persons=getlist("person"),
            topics=getlist("topic"),
            langs=getlist("lang"),
            date_from=_date_bound("from", one("from"), start=True),
            date_to=_date_bound("to", one("to"), start=False),
            sort=choice_param("sort", typed("sort"), SORTS, "relevance"),
            page=integer_param("page", typed("page"), 1, 1, MAX_PAGE),
            per_page=integer_param("per_page", typed("per_page"), DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
            facet_size=integer_param("facet_size", typed("facet_size"), DEFAULT_FACET_SIZE, 1, MAX_FACET_SIZE),
            variants=_flag("variants", typed("variants"), True),
            comments=_flag("comments", typed("comments"), False),
            agencies=getlist("agency"),
            collapse=_flag("collapse", typed("collapse"), True),
        )

    def dates_reversed(self) -> bool:
        return bool(self.date_from and self.date_to and self.date_from > self.date_to)

    def filters(self) -> dict[str, list[str]]:
        return {"source": self.sources, "person": self.persons, "topic": self.topics, "lang": self.langs,
                "agency": self.agencies}


def integer_param(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    """A whole-number parameter; ``default`` when absent. Also used for the web's other parameters."""
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, f"expected a whole number, got {raw[:40]!r}") from None
    if not low <= value <= high:
        raise BadParameter(name, f"must be between {low} and {high}, got {value}")
    return value


def choice_param(name: str, raw: str | None, choices: tuple[str, ...], default: str) -> str:
    """One of ``choices``; ``default`` when absent, a :class:`BadParameter` when blank or anything else."""
    if raw is None:
        return default
    if raw not in choices:
        raise BadParameter(name, f"must be one of {', '.join(choices)}, got {raw[:40]!r}")
    return raw


def _flag(name: str, raw: str | None, default: bool) -> bool:
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in ("1", "true", "yes", "on", "oui"):
        return True
    if lowered in ("0", "false", "no", "off", "non"):
        return False
    raise BadParameter(name, f"expected true or false, got {raw[:40]!r}")


def _date_bound(name: str, raw: str | None, start: bool) -> date | None:
    """``from``/``to`` take a day, a month or a year; a month ``to`` means its last day."""
    if raw is None:
        return None
    if not _DATE_BOUND.fullmatch(raw):
        raise BadParameter(name, f"not a date: {raw[:40]!r} (use 2025, 2025-08, 2025-08-15 or 15/08/2025)")
    period = parse_period(raw)
    return period.start if start else period.end


@dataclass
class FacetValue:
    value: str        # display form (what a user reads and sends back)
    count: int
    selected: bool
    key: str = ""     # folded key; not part of the JSON document

    def to_dict(self) -> dict:
        return {"value": self.value, "count": self.count, "selected": self.selected}


@dataclass
class Facet:
    values: list[FacetValue]
    total_values: int
    extra: dict = field(default_factory=dict)   # e.g. the date facet's interval and undated count
    matching: int = 0     # matches under every filter but this facet's own; not part of the JSON document

    def to_dict(self) -> dict:
        return {"values": [v.to_dict() for v in self.values], "total_values": self.total_values, **self.extra}


@dataclass
class Hit:
    id: str
    title: str                # as stored: empty when the record has none
    display_title: str        # never empty: see search.titles
    title_source: str         # record, url or text
    source: str | None
    published: str | None     # ISO 8601 UTC, or None
    url: str | None
    lang: str
    persons: list[str]
    topics: list[str]
    score: float
    snippet: str              # HTML: escaped article text with <mark> around matches
    agencies: list[str] = field(default_factory=list)
    group: str = ""           # copies of one story share it
    versions: int = 0         # other articles of its group
    other_versions: list[dict] = field(default_factory=list)   # id, source, published of (some of) them

    def to_dict(self) -> dict:
        return {
            "id": self.id, "title": self.title, "display_title": self.display_title,
            "title_source": self.title_source, "source": self.source, "published": self.published,
            "url": self.url, "lang": self.lang, "persons": self.persons, "topics": self.topics,
            "score": round(self.score, 4), "snippet": self.snippet,
            "agencies": self.agencies, "group": self.group, "versions": self.versions,
            "other_versions": self.other_versions,
        }


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    notice: str | None
    suggestion: str | None
    hits: list[Hit]
    facets: dict[str, Facet]
    stories: int = 0          # distinct groups of copies among the matches (total counts articles)

    def to_dict(self) -> dict:
        return {
            "query": self.query, "total": self.total, "stories": self.stories, "page": self.page, "per_page": self.per_page,
            "took_ms": round(self.took_ms, 2), "notice": self.notice, "suggestion": self.suggestion,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {name: facet.to_dict() for name, facet in self.facets.items()},
        }
