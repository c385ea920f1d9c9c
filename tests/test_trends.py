"""Attention over time: counts per period that add up to the search, shares, the page, the CSV and the CLI."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner

from indexer.trends_command import trends_command
from search.request import BadParameter, SearchRequest
from search.trends import TrendRequest, auto_interval, periods, trends


def trend(engine, **params):
    return trends(engine, TrendRequest.from_params(params))


# --- periods --------------------------------------------------------------------------------------

def test_periods_cover_the_span_with_calendar_keys():
    weeks = periods(date(2019, 12, 30), date(2020, 1, 13), "week")
    assert [(p.key, p.start, p.end) for p in weeks] == [
        ("2020-W01", date(2019, 12, 30), date(2020, 1, 5)), ("2020-W02", date(2020, 1, 6), date(2020, 1, 12)),
        ("2020-W03", date(2020, 1, 13), date(2020, 1, 19))]
    months = periods(date(2019, 11, 15), date(2020, 2, 1), "month")
    assert [p.key for p in months] == ["2019-11", "2019-12", "2020-01", "2020-02"]
    assert months[-1].end == date(2020, 2, 29)
    assert [p.key for p in periods(date(2019, 3, 4), date(2019, 3, 4), "day")] == ["2019-03-04"]
    assert [p.key for p in periods(date(2018, 5, 1), date(2020, 1, 1), "year")] == ["2018", "2019", "2020"]


def test_auto_interval_is_the_finest_with_at_most_120_periods():
    assert auto_interval(date(2020, 1, 1), date(2020, 3, 1)) == "day"
    assert auto_interval(date(2019, 1, 1), date(2020, 3, 1)) == "week"
    assert auto_interval(date(2011, 2, 17), date(2020, 9, 27)) == "month"
    assert auto_interval(date(1990, 1, 1), date(2020, 1, 1)) == "year"


@pytest.mark.parametrize("params, parameter", [
    ({}, "q"), ({"q": ["  "]}, "q"), ({"q": list("abcdef")}, "q"), ({"q": "x", "interval": "hour"}, "interval"),
    ({"q": "x", "from": "2020-13"}, "from")])
def test_bad_parameters_name_themselves(params, parameter):
    with pytest.raises(BadParameter) as error:
        TrendRequest.from_params(params)
    assert error.value.name == parameter


# --- the numbers, on every engine -----------------------------------------------------------------

@pytest.mark.parametrize("filters", [{}, {"lang": "fr", "from": "2020-03", "to": "2020-05"}])
def test_counts_add_up_to_the_search_total(corpus_engine, filters):
    queries = ["police", "gouvernement", '"gilets jaunes"' if not filters else "confinement"]
    result = trend(corpus_engine, q=queries, **filters)
    for series in result.series:
        total = corpus_engine.search(SearchRequest.from_params({"q": series.query, **filters})).total
        assert total > 0 and sum(series.counts) + series.undated == series.total == total
    everything = corpus_engine.search(SearchRequest.from_params(filters)).total
    assert sum(result.totals) + result.undated == everything
    if filters:
        assert result.periods[0].start >= date(2020, 3, 1) and result.periods[-1].end <= date(2020, 5, 31)
        assert all(s.undated == 0 for s in result.series)


def test_a_point_is_the_search_of_its_period(corpus_engine):
    result = trend(corpus_engine, q=["police"], interval="week", **{"from": "2020-01", "to": "2020-03"})
    assert result.interval == "week" and result.periods[0].key.startswith("2020-W")
    assert all(p.start.weekday() == 0 for p in result.periods[1:]) and result.periods[-1].end <= date(2020, 3, 31)
    assert all((p.end - p.start).days == 6 for p in result.periods[1:-1])
    busiest = max(range(len(result.periods)), key=lambda i: result.series[0].counts[i])
    period = result.periods[busiest]
    window = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    assert corpus_engine.search(SearchRequest.from_params({"q": "police", **window})).total \
        == result.series[0].counts[busiest] > 0
    assert corpus_engine.search(SearchRequest.from_params(window)).total == result.totals[busiest]


def test_periods_cut_by_the_dates_asked(corpus_engine):
    result = trend(corpus_engine, q=["police"], interval="month", **{"from": "2020-03-10", "to": "2020-05-20"})
    first, last = result.periods[0], result.periods[-1]
    assert (first.key, first.start, last.key, last.end) == ("2020-03", date(2020, 3, 10), "2020-05", date(2020, 5, 20))
    window = {"from": first.start.isoformat(), "to": first.end.isoformat()}
    assert corpus_engine.search(SearchRequest.from_params({"q": "police", **window})).total \
        == result.series[0].counts[0]


def test_shares_are_count_over_the_periods_articles(corpus_engine):
    document = trend(corpus_engine, q=["police", "retraites"], interval="month").to_dict()
    assert document["interval"] == "month"
    for series in document["series"]:
        for point in series["points"]:
            assert point["count"] <= point["total"]
            assert point["share"] == (round(point["count"] / point["total"], 6) if point["total"] else 0.0)
        assert any(point["share"] > 0 for point in series["points"])


def test_an_interval_too_fine_for_the_span_is_refused(corpus_engine):
    with pytest.raises(BadParameter) as error:
        trend(corpus_engine, q=["police"], interval="day")
    assert error.value.name == "interval" and "2000" in error.value.message


# --- web and CLI ----------------------------------------------------------------------------------

def test_api_document_and_errors(client):
    document = client.get("/api/trends?q=police&q=retraites&interval=year&source=").get_json()
    assert [s["query"] for s in document["series"]] == ["police", "retraites"]
    assert document["interval"] == "year" and set(document["series"][0]["points"][0]) == {
        "period", "from", "to", "count", "total", "share"}
    for query, parameter in [("", "q"), ("q=a&interval=hour", "interval"), ("q=a&from=2020-02-30", "from"),
                             ("q=a&q=b&q=c&q=d&q=e&q=f", "q")]:
        response = client.get(f"/api/trends?{query}")
        assert response.status_code == 400 and response.get_json()["parameter"] == parameter, query
        assert parameter in response.get_json()["error"]


def test_csv_has_a_row_per_query_and_period(client):
    response = client.get("/api/trends.csv?q=police&q=retraites&interval=year")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    document = client.get("/api/trends?q=police&q=retraites&interval=year").get_json()
    years = [p["period"] for p in document["series"][0]["points"]]
    assert [(r["query"], r["period"]) for r in rows] == [
        (q, period) for q in ("police", "retraites") for period in [*years, "undated"]]
    assert sum(int(r["count"]) for r in rows if r["query"] == "police") == document["series"][0]["total"]


def test_page_draws_a_linked_point_per_nonzero_count(client):
    html = client.get("/trends?q=police&q=retraites&interval=year&lang=fr").get_data(as_text=True)
    document = client.get("/api/trends?q=police&q=retraites&interval=year&lang=fr").get_json()
    assert html.count('class="trend-point"') == sum(
        1 for s in document["series"] for p in s["points"] if p["count"])
    assert "/search?lang=fr&amp;q=police&amp;from=" in html and "<table>" in html
    assert 'href="/trends?q=police&amp;q=retraites&amp;interval=year&amp;lang=fr&amp;measure=share"' in html
    shares = client.get("/trends?q=police&interval=year&measure=share").get_data(as_text=True)
    assert "Part des articles par année" in shares and "%" in shares
    assert client.get("/trends").status_code == 200
    assert client.get("/trends?q=police&measure=pie").status_code == 400
    assert client.get("/trends?q=police&interval=").status_code == 400     # blank is no choice (OpenAPI: enum)


def test_cli_prints_the_api_document_and_a_table(corpus_index, client):
    runner = CliRunner()
    printed = runner.invoke(trends_command, ["police", "retraites", "--interval", "year", "--json",
                                             "--index", str(corpus_index)])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output) == client.get("/api/trends?q=police&q=retraites&interval=year").get_json()
    table = runner.invoke(trends_command, ["police", "--interval", "year", "--share", "--index", str(corpus_index)])
    assert table.exit_code == 0 and table.output.splitlines()[1].split() == ["period", "police", "articles"]
    assert "%" in table.output
    bad = runner.invoke(trends_command, ["police", "--interval", "hour", "--index", str(corpus_index)])
    assert bad.exit_code == 2 and "--interval" in bad.output
