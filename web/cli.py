"""``manchette serve``: the web front end behind waitress (Flask's own server only with --debug)."""
from __future__ import annotations

from pathlib import Path

import click
import waitress

from search.store import current_generation

from . import create_app


@click.command("serve")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Index folder (default: $MANCHETTE_INDEX or ./index).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 256), default=4, show_default=True,
              help="Threads answering requests.")
@click.option("--debug", is_flag=True, help="Flask's development server with reloader and debugger; never expose it.")
def serve(index_dir: Path | None, host: str, port: int, workers: int, debug: bool):
    """Serve the search pages and the JSON API.

    A rebuilt index is picked up without restarting; with no index yet, the
    pages explain how to build one.
    """
    app = create_app({"INDEX_DIR": index_dir} if index_dir else None)
    index_dir = app.config["INDEX_DIR"]
    if current_generation(index_dir) is None:
        click.echo(f"warning: no index in {index_dir} yet; build one with "
                   f"`manchette index PATH --index {index_dir}`", err=True)
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    click.echo(f"Manchette on http://{host}:{port}/ (index {index_dir}, {workers} threads)")
    waitress.serve(app, host=host, port=port, threads=workers, ident="manchette")
