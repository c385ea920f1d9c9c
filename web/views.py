"""The HTML pages: home, results, article."""
from __future__ import annotations

import math

from flask import Blueprint, render_template, request, url_for

from search.request import DEFAULT_FACET_SIZE, DEFAULT_PER_PAGE, MAX_FACET_SIZE, MAX_PAGE, SearchRequest, SearchResult

from .context import FACETS, article_context, home_context, search_context
from .formatting import FACET_NOUNS, date_span, lang_name
from .histogram import histogram
from .links import remove_value, same_query, search_url
from .terms import results_panel

bp = Blueprint("views", __name__)

PAGE_WINDOW = 2          # page links shown on each side of the current one
MORE_FACET_VALUES = 40   # facet_size after "show more"
HIT_PERSONS = 8          # person links under a hit; the article page lists them all


@bp.get("/")
def home():
    return render_template("home.html", **home_context(), json_url=url_for("api.stats"), autofocus=True)


@bp.get("/search")
def search():
    context = search_context(request.args)
    req, result = context["req"], context["result"]
    listed = result.stories if req.collapse else result.total     # collapsed, a page lists stories
    last_page = min(MAX_PAGE, max(1, math.ceil(listed / req.per_page)))
    chips = active_filters(req)
    return render_template(
        "search.html", **context, chips=chips, facet_names=FACETS,
        histogram=histogram(result.facets.get("date")),
        relaxations=helpful_removals(req, result) if result.total == 0 and chips else [],
        pages=page_numbers(req.page, last_page), last_page=last_page,
        more_size=min(MAX_FACET_SIZE, max(MORE_FACET_VALUES, req.facet_size * 2)),
        default_facet_size=DEFAULT_FACET_SIZE, default_per_page=DEFAULT_PER_PAGE, hit_persons=HIT_PERSONS,
        json_url=same_query("api.search"), profile=results_panel(req, result),
    )


@bp.get("/articles/<path:article_id>")
def article(article_id: str):
    return render_template("article.html", **article_context(article_id, request.args.get("q", "")),
                           json_url=same_query("api.article", article_id=article_id))


def _label(name: str, values: list[str], req: SearchRequest) -> str:
    if name == "date":
        return f"{FACET_NOUNS['date']} : {date_span(req.date_from, req.date_to)}"
    shown = [lang_name(v) for v in values] if name == "lang" else values
    return f"{FACET_NOUNS[name]} : {', '.join(shown)}"


def active_filters(req: SearchRequest) -> list[dict]:
    """The chips: each active filter value with the link that removes it."""
    chips = [{"label": _label(name, [value], req), "href": remove_value(name, value)}
             for name, values in req.filters().items() for value in values]
    if req.date_from or req.date_to:
        chips.append({"label": _label("date", [], req), "href": search_url({"from": None, "to": None})})
    return chips


def helpful_removals(req: SearchRequest, result: SearchResult) -> list[dict]:
    """The empty state's advice: each active filter, the link dropping it, and the hits that gives back.

    A filter is all the values of one facet (any of them may match), or the date range; the
    totals come from the facet counts, which already leave each facet's own filter out.
    """
    options = [{"label": _label(name, values, req), "total": result.facets[name].matching,
                "href": search_url({name: None})}
               for name, values in req.filters().items() if values]
    if req.date_from or req.date_to:
        options.append({"label": _label("date", [], req), "total": result.facets["date"].matching,
                        "href": search_url({"from": None, "to": None})})
    return sorted(options, key=lambda option: -option["total"])


def page_numbers(current: int, last: int) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20, with None for a gap."""
    wanted = {1, last, *range(current - PAGE_WINDOW, current + PAGE_WINDOW + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= last)
    shown: list[int | None] = []
    for n in numbers:
        if shown and n - shown[-1] > 1:
            shown.append(None)
        shown.append(n)
    return shown
