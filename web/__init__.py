"""The web front end: HTML pages, the JSON API, CSV and Atom exports.

Every view builds one data context (:mod:`web.context`) and renders it as HTML
(:mod:`web.views`) or JSON (:mod:`web.api`); nothing here writes the index.
"""
from __future__ import annotations

from flask import Flask

from search.request import MAX_QUERY
from search.engine import default_location

from . import api, errors, feeds, formatting, kwic, links, openapi, terms, trends, versions, views


def create_app(config: dict | None = None) -> Flask:
    """The application; ``config`` may set ``INDEX`` (a folder or a Solr URL) and any Flask setting."""
    app = Flask(__name__)
    app.config.from_mapping(INDEX=default_location())
    if config:
        app.config.update(config)
    app.config["INDEX"] = str(app.config["INDEX"])
    app.json.sort_keys = False
    app.json.ensure_ascii = False

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(versions.bp)
    app.register_blueprint(trends.bp)
    app.register_blueprint(terms.bp)
    terms.register(app)
    app.register_blueprint(kwic.bp)
    formatting.register(app)
    app.jinja_env.globals["MAX_QUERY"] = MAX_QUERY   # the search box's maxlength, what the search keeps
    links.register(app)
    errors.register(app)
    app.after_request(_security_headers)
    return app


def _security_headers(response):
    # Article text comes from scraped pages: even if something slipped through
    # escaping, the browser must not run or embed anything not served by us.
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
