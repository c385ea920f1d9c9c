"""The ``manchette`` command line: build, update and inspect the index."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from search.engine import EngineError, default_location, open_engine
from search.store import open_store

from . import pipeline
from .progress import Progress

INDEX_OPTION = click.option(
    "--index", "index", default=None, metavar="LOCATION",
    help="Index folder, or solr+http://HOST:PORT/solr/NAME (default: $MANCHETTE_INDEX or ./index).",
)


def location_or_default(index: str | None) -> str:
    return index or default_location()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="manchette")
def cli():
    """Manchette: search French news archives.

    \b
    The index is a folder (Whoosh), or a SolrCloud collection alias given as
    --index solr+http://HOST:PORT/solr/NAME. For SolrCloud, the environment may set
    MANCHETTE_SOLR_USER and MANCHETTE_SOLR_PASSWORD (basic auth), MANCHETTE_SOLR_ZK
    (ZooKeeper for the writer lock; default: asked of Solr), MANCHETTE_SOLR_CONFIGSET
    (default: manchette), MANCHETTE_SOLR_SHARDS and MANCHETTE_SOLR_REPLICAS (new
    collections; default 2 and 2) and MANCHETTE_CACHE (the persons cache).
    """


@cli.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@INDEX_OPTION
@click.option("--update", is_flag=True, help="Incremental: add new, replace changed, remove vanished articles.")
@click.option("--workers", type=click.IntRange(1, 64), default=lambda: min(os.cpu_count() or 1, 4),
              show_default="number of cores, at most 4", help="Worker processes for analysis.")
@click.option("--no-persons", is_flag=True, help="Skip person extraction (fastest rebuild).")
@click.option("--shards", type=click.IntRange(1, 1024), envvar="MANCHETTE_SOLR_SHARDS", default=None,
              help="SolrCloud: shards of the new collection (default 2).")
@click.option("--replicas", type=click.IntRange(1, 16), envvar="MANCHETTE_SOLR_REPLICAS", default=None,
              help="SolrCloud: replicas of each shard (default 2).")
@click.option("--strict", is_flag=True, help="Stop at the first bad input; the live index stays as it was.")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
def index_command(paths, index, update, workers, no_persons, shards, replicas, strict, quiet):
    """Index the articles in PATHS (files or folders; .txt, .json, .jsonl, .html, .warc, and .gz of them).

    Without --update, the index is rebuilt beside the live one and swapped in
    only when complete: an interruption leaves the previous index answering.
    """
    location = location_or_default(index)
    progress = Progress(enabled=not quiet)
    options = pipeline.Options(
        workers=workers, entities=not no_persons, strict=strict,
        on_problem=lambda problem: click.echo(str(problem), err=True), progress=progress,
    )
    run = pipeline.update if update else pipeline.build
    try:
        report = run([Path(p) for p in paths], open_store(location, shards, replicas), options)
        progress.finish()
    except EngineError as exc:      # locked by another writer, engine unreachable
        raise click.ClickException(str(exc))
    except pipeline.StrictStop as exc:
        click.echo(f"stopped (--strict) at: {exc}; the live index is unchanged", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: the previous index is unchanged", err=True)
        sys.exit(130)
    finally:
        progress.close()
    click.echo(_summary(report, location))
    sys.exit(1 if report.failed else 0)


def _summary(report: pipeline.Report, location: str) -> str:
    parts = [f"read {report.read}", f"indexed {report.indexed}", f"updated {report.updated}",
             f"removed {report.removed}"]
    if report.unchanged:
        parts.append(f"unchanged {report.unchanged}")
    parts += [f"skipped {report.skipped}", f"failed {report.failed}"]
    if report.undated:
        parts.append(f"dates not understood {report.undated}")
    if report.renamed:
        parts.append(f"persons renamed in {report.renamed}")
    parts += [f"elapsed {report.elapsed:.1f}s", f"{report.rate:,.0f} docs/s"]
    return f"{location}: " + ", ".join(parts)


@cli.command("stats")
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats_command(index, as_json):
    """Articles, languages, top sources, date range and size of the index."""
    try:
        stats = open_engine(location_or_default(index)).stats()
    except EngineError as exc:
        raise click.ClickException(str(exc))
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    click.echo(_format_stats(stats))


def _format_stats(stats: dict) -> str:
    lines = [f"articles: {stats['articles']}"]
    lines.append("languages: " + ", ".join(f"{k} {v}" for k, v in stats.get("langs", {}).items()))
    span = stats.get("date_range") or {}
    lines.append(f"dates: {(span.get('from') or '?')[:10]} .. {(span.get('to') or '?')[:10]} ({stats.get('undated', 0)} undated)")
    lines.append("top sources:")
    lines += [f"  {s['count']:>7}  {s['value']}" for s in stats.get("top_sources", [])]
    lines += _format_copies(stats.get("copies"))
    lines.append(f"size on disk: {stats.get('size_bytes', 0) / 1e6:.1f} MB")
    return "\n".join(lines)


def _format_copies(copies: dict | None, top: int = 10) -> list[str]:
    """Groups of copies, and the sources and agencies whose articles are most often copies."""
    if not copies:
        return []
    lines = [f"copies: {copies['groups']} groups, {copies['articles_in_groups']} articles in groups, "
             f"{copies['copies']} copies"]
    for title, rows in (("copies by source", copies["by_source"]), ("copies by agency", copies["by_agency"])):
        lines.append(f"{title} (copies / articles):")
        lines += [f"  {r['copies']:>7} / {r['articles']:<7} {r['share']:>6.1%}  {r['value']}" for r in rows[:top]]
    return lines
