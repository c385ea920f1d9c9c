"""Attention over time: the /trends page, its JSON twin and the CSV of its series."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from search.request import BadParameter
from search.trends import AUTO, INTERVALS, MAX_QUERIES, TrendRequest, trends

from .context import engine
from .formatting import NARROW_NBSP, number_fr
from .links import same_query
from .trend_chart import chart

bp = Blueprint("trends", __name__)

MEASURES = ("count", "share")
INTERVAL_LABELS = {"auto": "Automatique", "day": "Jour", "week": "Semaine", "month": "Mois", "year": "Année"}
INTERVAL_NOUNS = {"day": "jour", "week": "semaine", "month": "mois", "year": "année"}
# What a point's link keeps of the trend's own parameters: the filters, not the other queries or the chart's.
NOT_FILTERS = ("q", "interval", "measure", "from", "to", "page")


def trend_value(value: float, measure: str) -> str:
    """A count as a number, a share as a percentage (``0.0343`` -> ``3,43 %``)."""
    if measure == "count":
        return number_fr(int(value))
    percent = value * 100
    digits = 2 if 0 < percent < 10 else 1
    return f"{percent:.{digits}f}".replace(".", ",").removesuffix(",0") + NARROW_NBSP + "%"


def _measure() -> str:
    measure = (request.args.get("measure") or "count").strip()
    if measure not in MEASURES:
        raise BadParameter("measure", f"must be one of {', '.join(MEASURES)}, got {measure[:40]!r}")
    return measure


def point_url(query: str, start: str, end: str) -> str:
    """The search behind one point: that query, the trend's filters, the period's days."""
    pairs = [(k, v.strip()) for k, v in request.args.items(multi=True) if k not in NOT_FILTERS and v.strip()]
    pairs += [("q", query), ("from", start), ("to", end)]
    return f"{url_for('views.search')}?{urlencode(pairs)}"


def measure_url(measure: str) -> str:
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "measure"]
    if measure != "count":
        pairs.append(("measure", measure))
    return f"{url_for('trends.page')}?{urlencode(pairs)}"


@bp.get("/trends")
def page():
    treq = TrendRequest.from_params(request.args, required=False)
    measure = _measure()
    result = trends(engine(), treq) if treq.queries else None
    return render_template(
        "trends.html", treq=treq, result=result, measure=measure,
        chart=chart(result, measure) if result else None, intervals=(AUTO, *INTERVALS), max_queries=MAX_QUERIES,
        point_url=point_url, measure_url=measure_url, trend_value=trend_value,
        INTERVAL_LABELS=INTERVAL_LABELS, INTERVAL_NOUNS=INTERVAL_NOUNS,
        json_url=same_query("trends.api") if treq.queries else None,
        csv_url=same_query("trends.csv_export") if treq.queries else None,
    )


@bp.get("/api/trends")
def api():
    return jsonify(trends(engine(), TrendRequest.from_params(request.args)).to_dict())


@bp.get("/api/trends.csv")
def csv_export():
    result = trends(engine(), TrendRequest.from_params(request.args))
    # The BOM lets spreadsheets read UTF-8.
    return Response("\ufeff" + result.to_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="manchette-tendances.csv"'})
