"""The OpenAPI 3.1 description of every route; its schemas are checked against real answers in the tests."""
from __future__ import annotations

from flask import Blueprint, jsonify

from search.query import MAX_QUERY_CHARS
from search.request import (DATE_BOUND_PATTERN, DEFAULT_FACET_SIZE, DEFAULT_PER_PAGE, MAX_FACET_SIZE, MAX_PAGE,
                            MAX_PER_PAGE, MAX_QUERY, SORTS, WHITESPACE)

from search.terms import SAMPLE as TERMS_SAMPLE
from search.trends import AUTO, AUTO_PERIODS, CSV_COLUMNS as TREND_CSV_COLUMNS, INTERVALS, MAX_PERIODS, MAX_QUERIES

from search import kwic

from .context import DEFAULT_COMPLETIONS, FACETS, MAX_ARTICLE_ID, MAX_COMPLETIONS
from .feeds import CSV_CAP, CSV_COLUMNS, FEED_SIZE
from .kwic import CSV_COLUMNS as KWIC_CSV_COLUMNS

bp = Blueprint("openapi", __name__)

NULLABLE_STRING = {"type": ["string", "null"]}
STRINGS = {"type": "array", "items": {"type": "string"}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema_name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema_name)}}}


def _param(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def _multi(name: str, what: str) -> dict:
    return {"name": name, "in": "query", "required": False, "style": "form", "explode": True,
            "description": f"Keep only articles with this {what}; repeat to select several (any of them).",
            "schema": STRINGS}


def _integer(name: str, default: int, high: int, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "integer", "minimum": 1, "maximum": high, "default": default}}


DATE_HELP = ("A year (2020), a month (2020-07) or a day (2020-07-14 or 14/07/2020), months and days on one or two "
             "digits; blank means no bound, spaces around are ignored. Anything else, or a day that does not exist "
             "(31/02/2020), is a 400.")


def _date(name: str, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": f"{description} {DATE_HELP}",
            "schema": {"type": "string", "pattern": DATE_BOUND_PATTERN}}


PARAMETERS = {
    "q": {"name": "q", "in": "query", "required": False, "schema": {"type": "string"},
          "description": "Query: words, \"phrases\", OR, -exclusion, title:, source:, date: (French-aware). Never "
                         "an error: a query that cannot be read as written (unclosed quote, unknown field, control "
                         f"characters, over {MAX_QUERY_CHARS:,} characters) is searched as plain words and `notice` "
                         f"says so; only its first {MAX_QUERY:,} characters are read (`query` echoes them)."},
    "source": _multi("source", "source (publisher)"),
    "person": _multi("person", "person mentioned"),
    "topic": _multi("topic", "topic"),
    "lang": _multi("lang", "language code"),
    "agency": _multi("agency", "news agency credited (AFP, Belga, ATS…)"),
    "collapse": {"name": "collapse", "in": "query", "required": False, "schema": {"type": "boolean", "default": True},
                 "description": "Show each story once (copies of one text grouped, as their best-ranked article); "
                                "false lists every copy. Facet counts and `total` count articles either way."},
    "from": _date("from", "Published on or after the start of this period."),
    "to": _date("to", "Published on or before the end of this period."),
    "sort": {"name": "sort", "in": "query", "required": False,
             "schema": {"type": "string", "enum": list(SORTS), "default": "relevance"}},
    "page": _integer("page", 1, MAX_PAGE, "Result page, from 1."),
    "per_page": _integer("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE, "Hits per page."),
    "facet_size": _integer("facet_size", DEFAULT_FACET_SIZE, MAX_FACET_SIZE, "Values listed per facet."),
    "variants": {"name": "variants", "in": "query", "required": False, "schema": {"type": "boolean", "default": True},
                 "description": "Expand person names to their known spellings."},
    "comments": {"name": "comments", "in": "query", "required": False, "schema": {"type": "boolean", "default": False},
                 "description": "Also search reader comments."},
    "article_id": {"name": "id", "in": "path", "required": True,
                   "schema": {"type": "string", "minLength": 1, "maxLength": MAX_ARTICLE_ID},
                   "description": "Article id, printable text (may contain '/' but no '.' or '..' segment; "
                                  "'#', '?' and '%' must be percent-encoded)."},
    "highlight": {"name": "q", "in": "query", "required": False, "schema": {"type": "string"},
                  "description": "Words to highlight in the article."},
}
# Every filter of a search, which the research views take too.
FILTERS = ("source", "person", "topic", "agency", "lang", "from", "to")
TREND_PARAMETERS = [
    {"name": "q", "in": "query", "required": True, "style": "form", "explode": True,
     "schema": {"type": "array", "items": {"type": "string", "pattern": f"[^{WHITESPACE}]"}, "minItems": 1,
                "maxItems": MAX_QUERIES},
     "description": f"One to {MAX_QUERIES} queries, each in the query language of q (blank ones are ignored)."},
    {"name": "interval", "in": "query", "required": False,
     "schema": {"type": "string", "enum": [AUTO, *INTERVALS], "default": AUTO},
     "description": f"auto: the finest interval giving at most {AUTO_PERIODS} periods between the first and the last "
                    f"dated article under the filters. An interval giving more than {MAX_PERIODS} periods is a 400."},
    *[_param(name) for name in (*FILTERS, "variants", "comments")]]
SEARCH_PARAMETERS = [_param(name) for name in
                     ("q", *FILTERS, "sort", "page", "per_page", "facet_size", "variants", "comments", "collapse")]

DIFF_PARAMETERS = [{"name": name, "in": "query", "required": True, "description": what,
                    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_ARTICLE_ID}}
                   for name, what in (("a", "The reference article's id."), ("b", "The id of the version compared."))]

FACET_VALUE = {"type": "object", "required": ["value", "count", "selected"], "properties": {
    "value": {"type": "string"}, "count": {"type": "integer", "minimum": 0}, "selected": {"type": "boolean"}}}
FACET = {"type": "object", "required": ["values", "total_values"], "properties": {
    "values": {"type": "array", "items": _ref("FacetValue")}, "total_values": {"type": "integer", "minimum": 0}}}
DATE_FACET = {"allOf": [_ref("Facet"), {"type": "object", "required": ["interval", "undated"], "properties": {
    "interval": {"enum": ["month", "year"]}, "undated": {"type": "integer", "minimum": 0}}}],
    "description": "Values are periods (2020 or 2020-07), usable as from/to."}
# Every list of articles carries both titles: the record's, and the one to show.
TITLES = {
    "title": {"type": "string", "description": "The record's own title, as stored: empty when it has none."},
    "display_title": {"type": "string", "minLength": 1,
                      "description": "The title to show: the record's, else derived from the URL's slug, else "
                                     "from the first sentence of the text (at most about 110 characters)."},
    "title_source": {"enum": ["record", "url", "text"], "description": "Where display_title comes from."}}
HIT = {"type": "object", "required": ["id", *TITLES, "source", "published", "url", "lang", "persons", "topics",
                                      "score", "snippet"], "properties": {
    "id": {"type": "string"}, **TITLES, "source": NULLABLE_STRING,
    "published": {"type": ["string", "null"], "format": "date-time"}, "url": NULLABLE_STRING,
    "lang": {"type": "string"}, "persons": STRINGS, "topics": STRINGS, "score": {"type": "number"},
    "snippet": {"type": "string", "description": "Safe HTML: escaped text with <mark> around matches."},
    "agencies": STRINGS, "group": {"type": "string", "description": "The story: copies of one text share it."},
    "versions": {"type": "integer", "minimum": 0, "description": "Other articles of the same story."},
    "other_versions": {"type": "array", "items": _ref("Version"), "description": "The first of them, oldest first."}}}
VERSION = {"type": "object", "required": ["id", "source", "published"], "properties": {
    "id": {"type": "string"}, "source": NULLABLE_STRING, "published": {"type": ["string", "null"], "format": "date-time"},
    "difference": {"type": "number", "minimum": 0, "maximum": 1,
                   "description": "Share of words not common to both texts (article pages only)."}}}
DIFF = {"type": "object", "required": ["a", "b", "difference", "diff_html"], "properties": {
    "a": _ref("ArticleSummary"), "b": _ref("ArticleSummary"), "difference": {"type": "number"},
    "diff_html": {"type": "string", "description": "Safe HTML: b's text, escaped, words removed from a in <del>, "
                                                   "added in <ins>."}}}
SEARCH_RESULT = {"type": "object", "required": ["query", "total", "page", "per_page", "took_ms", "notice",
                                                "suggestion", "hits", "facets"], "properties": {
    "query": {"type": "string"}, "total": {"type": "integer", "minimum": 0},
    "stories": {"type": "integer", "minimum": 0, "description": "Distinct stories among the matching articles."},
    "page": {"type": "integer", "minimum": 1}, "per_page": {"type": "integer", "minimum": 1},
    "took_ms": {"type": "number"}, "notice": NULLABLE_STRING,
    "suggestion": {**NULLABLE_STRING, "description": "A corrected query (\"did you mean\")."},
    "hits": {"type": "array", "items": _ref("Hit")},
    "facets": {"type": "object", "required": [*FACETS, "date"], "properties": {
        **{name: _ref("Facet") for name in FACETS}, "date": _ref("DateFacet")}}}}
ARTICLE_SUMMARY = {"type": "object", "required": ["id", *TITLES], "properties": {
    "id": {"type": "string"}, **TITLES, "source": NULLABLE_STRING,
    "published": {"type": ["string", "null"], "format": "date-time"}}}
ARTICLE = {"type": "object", "required": ["id", *TITLES, "title_html", "body_html", "source", "published", "url",
                                          "lang", "persons", "topics", "comment_count"], "properties": {
    **ARTICLE_SUMMARY["properties"], "url": NULLABLE_STRING, "lang": {"type": "string"},
    "persons": STRINGS, "topics": STRINGS, "comment_count": {"type": "integer", "minimum": 0},
    "date_text": NULLABLE_STRING,
    "title_html": {"type": "string", "description": "Safe HTML of display_title, query words in <mark>."},
    "body_html": {"type": "string", "description": "Safe HTML, query words in <mark>."},
    "comments_html": {"type": ["string", "null"], "description": "Safe HTML of the reader comments."},
    "agencies": STRINGS, "group": {"type": "string"}, "representative": {"type": "boolean"},
    "versions": {"type": "array", "items": _ref("Version")}}}
ARTICLE_PAGE = {"type": "object", "required": ["article", "related", "query"], "properties": {
    "article": _ref("Article"), "related": {"type": "array", "items": _ref("ArticleSummary")},
    "query": {"type": "string"}}}
COMPLETIONS = {"type": "object", "required": ["facet", "prefix", "values"], "properties": {
    "facet": {"enum": list(FACETS)}, "prefix": {"type": "string"},
    "values": {"type": "array", "items": {"type": "object", "required": ["value", "count"], "properties": {
        "value": {"type": "string"}, "count": {"type": "integer", "minimum": 0}}}}}}
OVERVIEW = {"type": "object", "required": ["stats", "top"], "properties": {
    "stats": {"type": "object", "required": ["articles"], "properties": {"articles": {"type": "integer"}},
              "description": "Archive statistics: article count, languages, sources, date range."},
    "top": {"type": "object", "additionalProperties": {"type": "array", "items": {
        "type": "object", "required": ["value", "count"]}}}}}
ERROR = {"type": "object", "required": ["error", "parameter"], "properties": {
    "error": {"type": "string", "description": "What is wrong, naming the parameter when one is at fault."},
    "parameter": {**NULLABLE_STRING, "description": "The parameter at fault (400); null otherwise."}}}

TREND_POINT = {"type": "object", "required": ["period", "from", "to", "count", "total", "share"], "properties": {
    "period": {"type": "string", "description": "2019-03-04 (day), 2019-W10 (ISO week), 2019-03 (month) or 2019."},
    "from": {"type": "string", "format": "date", "description": "First day of the period (UTC)."},
    "to": {"type": "string", "format": "date", "description": "Last day of the period (UTC), inclusive."},
    "count": {"type": "integer", "minimum": 0, "description": "Articles matching the query in the period."},
    "total": {"type": "integer", "minimum": 0,
              "description": "Articles of the period under the same filters, without the words."},
    "share": {"type": "number", "minimum": 0, "maximum": 1, "description": "count / total (0 when total is 0)."}}}
TRENDS = {"type": "object", "required": ["interval", "series", "undated"], "properties": {
    "interval": {"enum": list(INTERVALS)},
    "series": {"type": "array", "items": {"type": "object", "required": ["query", "total", "points", "undated"],
                                          "properties": {
        "query": {"type": "string"}, "total": {"type": "integer", "minimum": 0,
                                               "description": "The search's total: the points' counts plus undated."},
        "points": {"type": "array", "items": _ref("TrendPoint")},
        "undated": {"type": "integer", "minimum": 0, "description": "Matching articles without a date."}}}},
    "undated": {"type": "integer", "minimum": 0, "description": "Articles without a date under the filters."}}}

VALUE_COUNTS = {"type": "array", "items": {"type": "object", "required": ["value", "count"], "properties": {
    "value": {"type": "string"}, "count": {"type": "integer", "minimum": 1}}}}
TERMS = {"type": "object", "required": ["terms", "persons", "sources", "topics", "matches", "sample"], "properties": {
    "terms": {"type": "array", "items": {"type": "object", "required": ["term", "count", "score", "kind"],
                                         "properties": {
        "term": {"type": "string", "description": "The most frequent written form among the matches."},
        "count": {"type": "integer", "minimum": 1, "description": "Matching articles (of those read) using it."},
        "score": {"type": "number", "minimum": 0,
                  "description": "Dunning's log-likelihood G² against the rest of the archive, on article counts."},
        "kind": {"enum": ["word", "phrase"]}}}},
    "persons": VALUE_COUNTS, "sources": VALUE_COUNTS, "topics": VALUE_COUNTS,
    "matches": {"type": "integer", "minimum": 0},
    "sample": {"type": ["object", "null"], "required": ["size", "matches", "order"], "properties": {
        "size": {"type": "integer"}, "matches": {"type": "integer"}, "order": {"const": "relevance"}},
        "description": f"null when every match was read; otherwise the {TERMS_SAMPLE} most relevant were."}}}
# Words in context: the search's query and filters, with the page's own sort, width and page size.
KWIC_PARAMETERS = {
    "kwic_sort": {"name": "sort", "in": "query", "required": False,
                  "schema": {"type": "string", "enum": list(kwic.SORTS), "default": "date"},
                  "description": "date: newest article first (undated last), then in text order; left: by the words "
                                 "before the occurrence, nearest first; right: by the words after it."},
    "kwic_width": _integer("width", kwic.DEFAULT_WIDTH, kwic.MAX_WIDTH, "Words of context on each side."),
    "kwic_per_page": _integer("per_page", kwic.DEFAULT_PER_PAGE, MAX_PER_PAGE, "Lines per page."),
}
KWIC_REQUEST = [_param(name) for name in ("q", *FILTERS, "kwic_sort",
                                          "kwic_width", "page", "kwic_per_page", "variants", "comments")]
KWIC_DESCRIPTION = (f"Every occurrence of the query's words and phrases (NEAR sides too) in the text of the matching "
                    f"articles (and in their comments with comments=true), one line each; read from the "
                    f"{kwic.MAX_ARTICLES} newest matching articles at most (`articles_read`, `matching_articles`).")
KWIC_LINE = {"type": "object", "required": ["id", "title", "source", "published", "left", "match", "right", "offset"],
             "properties": {
                 "id": {"type": "string"}, "title": {"type": "string", "description": "The display title."},
                 "source": NULLABLE_STRING, "published": {"type": ["string", "null"], "format": "date-time"},
                 "left": {"type": "string", "description": "Plain text: the words before the occurrence."},
                 "match": {"type": "string", "description": "Plain text: the occurrence as written."},
                 "right": {"type": "string", "description": "Plain text: the words after it."},
                 "offset": {"type": "integer", "minimum": 0,
                            "description": "Where the occurrence starts in its text, in characters."}}}
KWIC_RESULT = {"type": "object", "required": ["query", "total", "page", "per_page", "sort", "width", "notice",
                                              "matching_articles", "articles_read", "max_articles", "took_ms",
                                              "lines"], "properties": {
    "query": {"type": "string"}, "total": {"type": "integer", "minimum": 0, "description": "Lines in all pages."},
    "page": {"type": "integer", "minimum": 1}, "per_page": {"type": "integer", "minimum": 1},
    "sort": {"enum": list(kwic.SORTS)}, "width": {"type": "integer", "minimum": 1}, "notice": NULLABLE_STRING,
    "matching_articles": {"type": "integer", "minimum": 0},
    "articles_read": {"type": "integer", "minimum": 0, "maximum": kwic.MAX_ARTICLES},
    "max_articles": {"type": "integer"}, "took_ms": {"type": "number"},
    "lines": {"type": "array", "items": _ref("KwicLine")}}}

ERRORS = {
    "400": _json("Error", "A parameter value is invalid; `parameter` names it."),
    "503": _json("Error", "No index has been built yet."),
}


def _html(description: str) -> dict:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


HTML = _html("HTML page")
HTML_ERRORS = {"400": _html("A parameter value is invalid: a page naming it"),
               "503": _html("No index has been built yet: a page explaining how to build one")}


def _get(summary: str, responses: dict, parameters: list | None = None, description: str = "") -> dict:
    operation = {"summary": summary, "responses": responses}
    if parameters:
        operation["parameters"] = parameters
    if description:
        operation["description"] = description
    return {"get": operation}


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Manchette", "version": "1.0",
                 "description": "Search French news archives. Unknown parameters are ignored; invalid values "
                                "give 400 with a JSON error naming the parameter. Every error under /api/ is "
                                "JSON `{\"error\": …, \"parameter\": …}`; elsewhere it is an HTML page. Every "
                                "route answers GET (and HEAD, OPTIONS); any other method gets 405 with an `Allow` "
                                "header. Every HTML page has a JSON twin under /api/."},
        "paths": {
            "/api/search": _get("Search the archive", {"200": _json("SearchResult", "One page of hits with facets"),
                                                       **ERRORS}, SEARCH_PARAMETERS),
            "/api/search.csv": _get(
                "Export every match as CSV", {
                    "200": {"description": f"UTF-8 CSV (with BOM), columns {', '.join(CSV_COLUMNS)}; persons and "
                                           "topics joined by '; '. Streamed.",
                            "content": {"text/csv": {"schema": {"type": "string"}}}}, **ERRORS},
                SEARCH_PARAMETERS,
                f"All matches of the search in the requested order, at most {CSV_CAP:,} rows; page and "
                "per_page are ignored."),
            "/search.atom": _get(
                "The newest matches as an Atom feed", {
                    "200": {"description": "Atom 1.0 feed",
                            "content": {"application/atom+xml": {"schema": {"type": "string"}}}},
                    **HTML_ERRORS},
                SEARCH_PARAMETERS, f"The {FEED_SIZE} newest matches; sort, page and per_page are ignored."),
            "/api/articles/{id}": _get("One article with highlights and related articles", {
                "200": _json("ArticlePage", "The article"), "404": _json("Error", "No such article"),
                "503": ERRORS["503"]}, [_param("article_id"), _param("highlight")]),
            "/api/facets/{name}": _get("Complete a facet value (autocomplete)", {
                "200": _json("Completions", "Values starting with the prefix, most frequent first"),
                "404": _json("Error", "No such facet"), **ERRORS}, [
                {"name": "name", "in": "path", "required": True, "schema": {"enum": list(FACETS)}},
                {"name": "prefix", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": "Start of a value; accents and case are ignored."},
                {"name": "n", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": MAX_COMPLETIONS,
                            "default": DEFAULT_COMPLETIONS}}]),
            "/api/diff": _get("What changed between two versions of a story", {
                "200": _json("Diff", "Both articles and b's text marked against a's"),
                "404": _json("Error", "No such article"), **ERRORS}, DIFF_PARAMETERS),
            "/diff": _get("What changed between two versions (HTML)", {"200": HTML, "404": _html("No such article"),
                                                                       **HTML_ERRORS}, DIFF_PARAMETERS),
            "/api/stats": _get("Overview of the archive (the home page's data)", {
                "200": _json("Overview", "Counts and most frequent values"), "503": ERRORS["503"]}),
            "/api/trends": _get(
                "Attention over time: articles matching each query per period, and their share",
                {"200": _json("Trends", "One series per query"), **ERRORS}, TREND_PARAMETERS,
                "Periods are whole UTC days, from the first to the last dated article under the filters, empty "
                "ones included; a point's count is the total of the search with from/to set to its days."),
            "/api/trends.csv": _get(
                "The trend series as CSV", {
                    "200": {"description": f"UTF-8 CSV (with BOM), columns {', '.join(TREND_CSV_COLUMNS)}; one row "
                                           "per query and period, then one per query with period `undated`.",
                            "content": {"text/csv": {"schema": {"type": "string"}}}}, **ERRORS}, TREND_PARAMETERS),
            "/trends": _get("Attention over time (HTML): chart and table", {"200": HTML, **HTML_ERRORS},
                            [{**TREND_PARAMETERS[0], "required": False}, *TREND_PARAMETERS[1:],
                             {"name": "measure", "in": "query", "required": False,
                              "schema": {"type": "string", "enum": ["count", "share"], "default": "count"},
                              "description": "What the chart shows."}]),
            "/api/terms": _get(
                "What the matches talk about: key words and phrases, co-occurring persons, sources and topics",
                {"200": _json("Terms", "Most distinctive terms first"), **ERRORS},
                [_param(name) for name in ("q", *FILTERS, "variants", "comments")],
                "Words and two-word phrases over-represented in the matches against the rest of the archive "
                "(stop words, numbers and the query's words left out), and the facet values most matches have "
                "(selected ones left out)."),
            "/api/openapi.json": _get("This document", {"200": {
                "description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}),
            "/api/kwic": _get("Words in context: one page of lines",
                              {"200": _json("KwicResult", "One page of lines"), **ERRORS}, KWIC_REQUEST,
                              KWIC_DESCRIPTION),
            "/api/kwic.csv": _get(
                "Words in context: every line as CSV", {
                    "200": {"description": f"UTF-8 CSV (with BOM), columns {', '.join(KWIC_CSV_COLUMNS)}.",
                            "content": {"text/csv": {"schema": {"type": "string"}}}}, **ERRORS},
                KWIC_REQUEST, KWIC_DESCRIPTION + " Every line, in the requested order; page and per_page are ignored."),
            "/kwic": _get("Words in context page (HTML)", {"200": HTML, **HTML_ERRORS}, KWIC_REQUEST),
            "/": _get("Home page (HTML)", {"200": HTML, "503": HTML_ERRORS["503"]}),
            "/search": _get("Result page (HTML)", {"200": HTML, **HTML_ERRORS}, SEARCH_PARAMETERS),
            "/articles/{id}": _get("Article page (HTML)", {"200": HTML, "404": _html("No such article"),
                                                           "503": HTML_ERRORS["503"]},
                                   [_param("article_id"), _param("highlight")]),
        },
        "components": {
            "parameters": {**PARAMETERS, **KWIC_PARAMETERS},
            "schemas": {
                "SearchResult": SEARCH_RESULT, "Hit": HIT, "Facet": FACET, "FacetValue": FACET_VALUE,
                "DateFacet": DATE_FACET, "Article": ARTICLE, "ArticleSummary": ARTICLE_SUMMARY,
                "ArticlePage": ARTICLE_PAGE, "Completions": COMPLETIONS, "Overview": OVERVIEW, "Error": ERROR,
                "Version": VERSION, "Diff": DIFF,
                "Trends": TRENDS, "TrendPoint": TREND_POINT, "Terms": TERMS,
                "KwicResult": KWIC_RESULT, "KwicLine": KWIC_LINE,
            },
        },
    }


@bp.get("/api/openapi.json")
def openapi_json():
    return jsonify(document())
