"""The data behind each page, built once and rendered as HTML or as JSON."""
from __future__ import annotations

import re
import threading
from dataclasses import replace

from flask import abort, current_app

from search.engine import Engine
from search.request import BadParameter, SearchRequest

FACETS = ("source", "person", "topic", "lang")
# SearchRequest attribute holding each filter's values.
FILTER_ATTRS = {"source": "sources", "person": "persons", "topic": "topics", "lang": "langs"}
ARTICLE_ID = re.compile(r"[A-Za-z0-9._:/#-]{1,200}")
RELATED = 5
HOME_TOP = 12
MAX_COMPLETIONS = 50
MAX_QUERY = 10_000

_engine_lock = threading.Lock()


def engine() -> Engine:
    """The app's engine, opened on first use so the server starts before any index exists.

    A missing index raises ``NoIndex`` (a 503 page) and is retried on the next
    request; once open, the engine follows rebuilds by itself.
    """
    extensions = current_app.extensions
    if "manchette.engine" not in extensions:
        with _engine_lock:
            if "manchette.engine" not in extensions:
                extensions["manchette.engine"] = Engine(current_app.config["INDEX_DIR"])
    return extensions["manchette.engine"]


def search_context(params) -> dict:
    request = SearchRequest.from_params(params)
    return {"req": request, "result": engine().search(request)}


def relaxations(request: SearchRequest) -> list[dict]:
    """For an empty result: how many hits dropping each active filter alone would give back.

    A filter is all the values of one facet (any of them may match), or the date range.
    """
    cheap = replace(request, page=1, per_page=1, facet_size=1)
    options = []
    for name, values in request.filters().items():
        if values:
            total = engine().search(replace(cheap, **{FILTER_ATTRS[name]: []})).total
            options.append({"name": name, "values": values, "total": total})
    if request.date_from or request.date_to:
        total = engine().search(replace(cheap, date_from=None, date_to=None)).total
        options.append({"name": "date", "values": [], "total": total})
    return sorted(options, key=lambda option: -option["total"])


def valid_article_id(article_id: str) -> bool:
    # Ids may contain "/" (file paths) but never climb or hide a segment.
    return bool(ARTICLE_ID.fullmatch(article_id)) and all(
        part not in ("", ".", "..") for part in article_id.split("/"))


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
    size = _count("n", params.get("n"), default=10, high=MAX_COMPLETIONS)
    return {"facet": name, "prefix": prefix, "values": engine().facet_values(name, prefix, n=size)}


def _count(name: str, raw: str | None, default: int, high: int) -> int:
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, f"expected a whole number, got {raw[:40]!r}") from None
    if not 1 <= value <= high:
        raise BadParameter(name, f"must be between 1 and {high}, got {value}")
    return value
