"""Two versions of one story side by side: what changed, word for word (page and JSON)."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request, url_for

from search.request import BadParameter
from search.versions import difference, word_diff

from .context import engine, valid_article_id

bp = Blueprint("versions", __name__)


def diff_context(params) -> dict:
    """The two articles ``a`` (the reference) and ``b``, and ``b``'s text marked against ``a``'s."""
    ids = {}
    for name in ("a", "b"):
        value = (params.get(name) or "").strip()
        if not value:
            raise BadParameter(name, "expected an article id")
        if not valid_article_id(value):
            abort(404)
        ids[name] = value
    first, second = engine().article(ids["a"]), engine().article(ids["b"])
    if first is None or second is None:
        abort(404)
    shown = ("id", "display_title", "title_source", "source", "published")
    return {"a": {k: first[k] for k in shown}, "b": {k: second[k] for k in shown},
            "difference": difference(first["body"], second["body"]),
            "diff_html": word_diff(first["body"], second["body"])}


@bp.get("/diff")
def diff_page():
    context = diff_context(request.args)
    return render_template("diff.html", **context,
                           json_url=url_for("versions.diff_json", a=context["a"]["id"], b=context["b"]["id"]))


@bp.get("/api/diff")
def diff_json():
    return jsonify(diff_context(request.args))
