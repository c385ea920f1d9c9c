"""What a result set talks about: /api/terms, and the panel of the results page."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, jsonify, request

from search.request import SearchRequest, SearchResult
from search.terms import TOP_VALUES, document, key_terms

from .context import engine

bp = Blueprint("terms", __name__)


def profile(req: SearchRequest, result: SearchResult) -> dict:
    """The /api/terms document of a search already run (its facets are the co-occurring values)."""
    return document(key_terms(engine(), req), result.facets)


def results_panel(req: SearchRequest, result: SearchResult) -> dict | None:
    """The panel on a result page: on the first page of a search with words and matches."""
    if not req.query or not result.total or req.page != 1:
        return None
    return profile(req, result)


def narrowed_query(query: str, term: dict) -> str:
    """The query with a key term added (a phrase in quotes)."""
    return f"{query} \"{term['term']}\"" if term.get("kind") == "phrase" else f"{query} {term['term']}"


@bp.get("/api/terms")
def api():
    req = SearchRequest.from_params(request.args)
    # Enough facet values to list the top ones besides any selected.
    counted = replace(req, page=1, per_page=1, facet_size=max(req.facet_size, TOP_VALUES + 5))
    return jsonify(profile(req, engine().search(counted)))


def register(app) -> None:
    app.jinja_env.globals.update(narrowed_query=narrowed_query)
