"""``manchette trends``: attention over time from a terminal, the same numbers as /api/trends."""
from __future__ import annotations

import json

import click

from search.engine import EngineError, open_engine
from search.request import BadParameter
from search.trends import INTERVALS, Trends, TrendRequest, share, trends

from .cli import INDEX_OPTION, location_or_default
from .search_command import filter_options

OPTION_NAMES = {"q": "QUERIES", "from": "--from", "to": "--to"}


@click.command("trends")
@click.argument("queries", nargs=-1, required=True)
@click.option("--interval", default=None, metavar="|".join(("auto", *INTERVALS)),
              help="Period of each count (default auto: the finest giving at most 120 periods).")
@click.option("--share", "as_share", is_flag=True, help="Show each count as a share of the period's articles.")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the document of /api/trends.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the CSV of /api/trends.csv.")
@INDEX_OPTION
def trends_command(queries, interval, as_share, sources, persons, topics, langs, date_from, date_to, as_json,
                   as_csv, index):
    """Articles matching each of QUERIES (one to five) per day, week, month or year.

    Each query is one argument: manchette trends "gilets jaunes" retraites --interval month
    """
    params = {"q": list(queries), "interval": interval, "source": sources, "person": persons, "topic": topics,
              "lang": langs, "from": date_from, "to": date_to}
    try:
        request = TrendRequest.from_params({k: v for k, v in params.items() if v is not None})
    except BadParameter as error:
        raise click.BadParameter(error.message, param_hint=f"'{OPTION_NAMES.get(error.name, '--' + error.name)}'")
    try:
        result = trends(open_engine(location_or_default(index)), request)
    except BadParameter as error:
        raise click.BadParameter(error.message, param_hint=f"'--{error.name}'")
    except EngineError as error:
        raise click.ClickException(str(error))
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    elif as_csv:
        click.echo(result.to_csv(), nl=False)
    else:
        click.echo(table(result, as_share))


def table(result: Trends, as_share: bool) -> str:
    """One row per period, one column per query, then the period's articles under the filters."""
    def cell(count: int, total: int) -> str:
        return f"{share(count, total) * 100:.2f}%" if as_share else str(count)
    header = ["period", *(s.query for s in result.series), "articles"]
    rows = [[p.key, *(cell(s.counts[i], result.totals[i]) for s in result.series), str(result.totals[i])]
            for i, p in enumerate(result.periods)]
    rows.append(["undated", *(cell(s.undated, result.undated) for s in result.series), str(result.undated)])
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    lines = [f"interval: {result.interval}" + (" (share of the period's articles)" if as_share else "")]
    lines += ["  ".join(v.rjust(w) if c else v.ljust(w) for c, (v, w) in enumerate(zip(r, widths)))
              for r in [header, *rows]]
    return "\n".join(lines)
