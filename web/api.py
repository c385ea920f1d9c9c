"""The JSON twins of the pages, plus facet completion for autocomplete."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from .context import article_context, facet_context, home_context, search_context

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search():
    return jsonify(search_context(request.args)["result"].to_dict())


@bp.get("/articles/<path:article_id>")
def article(article_id: str):
    return jsonify(article_context(article_id, request.args.get("q", "")))


@bp.get("/facets/<name>")
def facet(name: str):
    return jsonify(facet_context(name, request.args))


@bp.get("/stats")
def stats():
    return jsonify(home_context())
