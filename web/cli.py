"""``manchette serve``: the web front end behind waitress (Flask's own server only with --debug)."""
from __future__ import annotations

import click
import waitress

from search.engine import EngineError, NoIndex, open_engine

from . import create_app
from .context import ENGINE


@click.command("serve")
@click.option("--index", "index", default=None, metavar="LOCATION",
              help="Index folder, or solr+http://HOST:PORT/solr/NAME (default: $MANCHETTE_INDEX or ./index).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 256), default=4, show_default=True,
              help="Threads answering requests.")
@click.option("--debug", is_flag=True, help="Flask's development server with reloader and debugger; never expose it.")
def serve(index: str | None, host: str, port: int, workers: int, debug: bool):
    """Serve the search pages and the JSON API.

    A rebuilt index is picked up without restarting; with no index yet, the
    pages explain how to build one.
    """
    app = create_app({"INDEX": index} if index else None)
    index = app.config["INDEX"]
    try:
        # Opened now rather than on the first request, so that the first search is answered at once.
        app.extensions[ENGINE] = open_engine(index)
    except NoIndex:
        click.echo(f"warning: no index in {index} yet; build one with `manchette index PATH --index {index}`",
                   err=True)
    except EngineError as error:
        click.echo(f"warning: {error}", err=True)
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    click.echo(f"Manchette on http://{host}:{port}/ (index {index}, {workers} threads)")
    waitress.serve(app, host=host, port=port, threads=workers, ident="manchette")
