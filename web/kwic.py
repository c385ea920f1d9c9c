"""Words in context: the page, its JSON twin and the CSV of every line (:mod:`search.kwic`)."""
from __future__ import annotations

import math

from flask import Blueprint, Response, jsonify, render_template, request

from search.kwic import DEFAULT_PER_PAGE, DEFAULT_WIDTH, MAX_ARTICLES, MAX_WIDTH, SORTS, KwicRequest, kwic
from search.request import MAX_PAGE

from .context import engine
from .feeds import csv_line
from .links import same_query

bp = Blueprint("kwic", __name__)

CSV_COLUMNS = ("id", "title", "source", "published", "left", "match", "right")
SORT_LABELS = {"date": "Plus récents d’abord", "left": "Mots qui précèdent", "right": "Mots qui suivent"}
# The French messages of the page's own parameters (web.errors has the search's).
PARAMETER_HELP = {
    "sort": "Le tri doit être « date », « left » (mots qui précèdent) ou « right » (mots qui suivent).",
    "width": f"Le contexte doit être un nombre entier de mots entre 1 et {MAX_WIDTH}.",
}


def _result():
    req = KwicRequest.from_params(request.args)
    return req, kwic(engine(), req)


@bp.get("/kwic")
def page():
    req, result = _result()
    last_page = min(MAX_PAGE, max(1, math.ceil(result.total / req.search.per_page)))
    return render_template("kwic.html", req=req.search, kreq=req, result=result, last_page=last_page,
                           sort_labels=SORT_LABELS, sorts=SORTS, default_width=DEFAULT_WIDTH,
                           default_per_page=DEFAULT_PER_PAGE, max_width=MAX_WIDTH, max_articles=MAX_ARTICLES,
                           json_url=same_query("kwic.api"))


@bp.get("/api/kwic")
def api():
    return jsonify(_result()[1].to_dict())


@bp.get("/api/kwic.csv")
def csv():
    result = kwic(engine(), KwicRequest.from_params(request.args), every_line=True)
    lines = ["\ufeff" + csv_line(CSV_COLUMNS)]      # the BOM lets spreadsheets read UTF-8
    lines += [csv_line([line.id, line.title, line.source or "", line.published or "", line.left, line.match,
                        line.right]) for line in result.lines]
    return Response("".join(lines), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="manchette-contexte.csv"'})
