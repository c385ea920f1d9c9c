"""A search as a file: every match as CSV, the newest matches as an Atom feed."""
from __future__ import annotations

import csv
import io
import itertools
from dataclasses import replace
from datetime import datetime, timezone
from typing import Iterator

from flask import Blueprint, Response, render_template, request, stream_with_context

from search.request import MAX_PER_PAGE, SearchRequest

from .context import engine

bp = Blueprint("feeds", __name__)

CSV_CAP = 10_000      # rows in one export; documented in the OpenAPI description
CSV_COLUMNS = ("id", "title", "display_title", "source", "published", "url", "lang", "persons", "topics")
FEED_SIZE = 50


def _row(hit) -> list[str]:
    return [hit.id, hit.title, hit.display_title, hit.source or "", hit.published or "", hit.url or "", hit.lang,
            "; ".join(hit.persons), "; ".join(hit.topics)]


def csv_line(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def _pages(req: SearchRequest) -> Iterator[list]:
    """Hits a page at a time, up to the cap; the first page is fetched before streaming starts."""
    page_request = replace(req, page=1, per_page=MAX_PER_PAGE, facet_size=1)
    result = engine().search(page_request)
    wanted = min(result.stories if req.collapse else result.total, CSV_CAP)   # collapsed: one row per story
    yield result.hits[:wanted]
    sent = len(result.hits)
    while sent < wanted and result.hits:
        page_request = replace(page_request, page=page_request.page + 1)
        result = engine().search(page_request)
        yield result.hits[:wanted - sent]
        sent += len(result.hits)


@bp.get("/api/search.csv")
def search_csv():
    pages = _pages(SearchRequest.from_params(request.args))
    first = next(pages)  # errors (bad index, bad query) surface as a status, not a cut-off file

    def lines() -> Iterator[str]:
        yield "\ufeff" + csv_line(CSV_COLUMNS)  # the BOM lets spreadsheets read UTF-8
        for hits in itertools.chain([first], pages):
            yield "".join(csv_line(_row(hit)) for hit in hits)

    return Response(stream_with_context(lines()), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="manchette-recherche.csv"'})


@bp.get("/search.atom")
def search_atom():
    req = replace(SearchRequest.from_params(request.args), sort="newest", page=1, per_page=FEED_SIZE)
    result = engine().search(req)
    updated = max((hit.published for hit in result.hits if hit.published), default=None)
    body = render_template("feed.atom.xml", req=req, result=result,
                           updated=updated or datetime.now(timezone.utc).isoformat(timespec="seconds"))
    return Response(body, mimetype="application/atom+xml")
