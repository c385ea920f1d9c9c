"""The data behind each page, built once and rendered as HTML or as JSON."""
from __future__ import annotations

import threading

from flask import abort, current_app

from search.engine import Engine, open_engine
from search.facets import FACETS
from search.request import MAX_QUERY, SearchRequest, integer_param

# Ids are only looked up in the index, never used as file paths, so any printable text the
# indexer writes is fine (spaces, accents, URLs, long WARC record ids); this only bounds the work.
MAX_ARTICLE_ID = 1000
RELATED = 5
HOME_TOP = 12
DEFAULT_COMPLETIONS = 10
MAX_COMPLETIONS = 50

ENGINE = "manchette.engine"      # where the app keeps its engine (app.extensions)
_engine_lock = threading.Lock()


def engine() -> Engine:
    """The app's engine, opened on first use so the server starts before any index exists.

    A missing index raises ``NoIndex`` (a 503 page) and is retried on the next
    request; once open, the engine follows rebuilds by itself.
    """
    extensions = current_app.extensions
    if ENGINE not in extensions:
        with _engine_lock:
            if ENGINE not in extensions:
                extensions[ENGINE] = open_engine(current_app.config["INDEX"])
    return extensions[ENGINE]


def search_context(params) -> dict:
    request = SearchRequest.from_params(params)
    return {"req": request, "result": engine().search(request)}


def valid_article_id(article_id: str) -> bool:
    # Ids may contain "/" (file paths, URLs) but no link to an article may look like it climbs.
    return 0 < len(article_id) <= MAX_ARTICLE_ID and article_id.isprintable() and all(
        part not in (".", "..") for part in article_id.split("/"))


def article_context(article_id: str, query: str) -> dict:
    if not valid_article_id(article_id):
        abort(404)
    query = query.strip()[:MAX_QUERY]
    article = engine().article(article_id, query=query or None)
    if article is None:
        abort(404)
    return {"article": article, "related": engine().related(article_id, n=RELATED), "query": query}


def home_context() -> dict:
    return {
        "stats": engine().stats(),
        "top": {name: engine().facet_values(name, "", n=HOME_TOP) for name in ("source", "person", "topic")},
    }


def facet_context(name: str, params) -> dict:
    if name not in FACETS:
        abort(404)
    prefix = (params.get("prefix") or "").strip()[:200]
    # A blank n is not a number (a 400), as SearchRequest.from_params treats its numbers.
    n = params.get("n")
    size = integer_param("n", None if n is None else n.strip(), DEFAULT_COMPLETIONS, 1, MAX_COMPLETIONS)
    return {"facet": name, "prefix": prefix, "values": engine().facet_values(name, prefix, n=size)}

