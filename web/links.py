"""Links that change one thing about the current search.

Every control on the result page (facet value, chip, histogram bar, page
number, sort) is a plain link built from the current query string, so the page
works without JavaScript and every state has a URL.
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import request, url_for


def _url(endpoint: str, pairs: list[tuple[str, str]], **view_args) -> str:
    base = url_for(endpoint, **view_args)
    return f"{base}?{urlencode(pairs)}" if pairs else base


def _current() -> list[tuple[str, str]]:
    return [(k, v.strip()) for k, v in request.args.items(multi=True) if v.strip()]


def search_url(changes: dict | None = None, endpoint: str = "views.search") -> str:
    """The current search with ``changes`` applied (a None value drops the parameter), on ``endpoint``.

    The page goes back to 1 unless ``changes`` names one: a narrower search
    rarely has as many pages.
    """
    changes = {"page": None, **(changes or {})}
    pairs = [(k, v) for k, v in _current() if k not in changes]
    for name, value in changes.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs += [(name, str(v)) for v in values if v is not None and v != ""]
    return _url(endpoint, pairs)


def add_value(name: str, value: str) -> str:
    """The current search also filtered on ``name`` = ``value``."""
    pairs = [(k, v) for k, v in _current() if k != "page"]
    if (name, value) not in pairs:
        pairs.append((name, value))
    return _url("views.search", pairs)


def remove_value(name: str, value: str) -> str:
    pairs = [(k, v) for k, v in _current() if k != "page" and (k, v) != (name, value)]
    return _url("views.search", pairs)


def page_url(page: int) -> str:
    return search_url({"page": page if page > 1 else None})


def same_query(endpoint: str, **view_args) -> str:
    """This page's query string on another route: the JSON, CSV and Atom twins."""
    return _url(endpoint, _current(), **view_args)


def filter_url(name: str, value: str) -> str:
    """A new search for everything with this value (links outside a result page)."""
    return url_for("views.search", **{name: value})


def register(app) -> None:
    app.jinja_env.globals.update(
        search_url=search_url, add_value=add_value, remove_value=remove_value,
        page_url=page_url, same_query=same_query, filter_url=filter_url,
    )
