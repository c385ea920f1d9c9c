"""``manchette search``: the engine's search from a terminal.

Options map onto the same parameters as the web page and the JSON API
(:meth:`SearchRequest.from_params`), so they are checked by the same code and
``--json`` prints exactly the API's document.
"""
from __future__ import annotations

import html
import json
import re
import sys

import click

from search.engine import EngineError, open_engine
from search.request import BadParameter, SearchRequest, SearchResult

from .cli import INDEX_OPTION, location_or_default

# Request parameter -> the option that sets it, for error messages.
OPTION_NAMES = {"q": "QUERY", "from": "--from", "to": "--to", "per_page": "--per-page"}
_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)
# The search filters, as options of every command that searches (search, trends).
FILTER_OPTIONS = (
    click.option("--source", "sources", multiple=True, metavar="S", help="Only this source (repeat for several)."),
    click.option("--person", "persons", multiple=True, metavar="P", help="Only articles naming this person."),
    click.option("--topic", "topics", multiple=True, metavar="T", help="Only this topic."),
    click.option("--lang", "langs", multiple=True, metavar="L", help="Only this language (fr, en, …)."),
    click.option("--from", "date_from", metavar="D", help="Published on or after (2025, 2025-08, 2025-08-15)."),
    click.option("--to", "date_to", metavar="D", help="Published on or before."),
)


def filter_options(command):
    for option in reversed(FILTER_OPTIONS):
        command = option(command)
    return command


@click.command("search")
@click.argument("query", nargs=-1)
@filter_options
@click.option("--sort", default=None, metavar="relevance|newest|oldest", help="Order of the hits.")
@click.option("--page", default=None, metavar="N", help="Page number (from 1).")
@click.option("--per-page", default=None, metavar="N", help="Hits per page (at most 100).")
@click.option("--comments", is_flag=True, help="Also search reader comments.")
@click.option("--no-variants", is_flag=True, help="Do not expand person names to their other spellings.")
@click.option("--agency", "agencies", multiple=True, metavar="A", help="Only articles credited to this agency.")
@click.option("--all-versions", is_flag=True, help="List every copy of a story (by default each story shows once).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as the JSON API does.")
@INDEX_OPTION
def search_command(query, sources, persons, topics, langs, date_from, date_to, sort, page, per_page,
                   comments, no_variants, agencies, all_versions, as_json, index):
    """Search the archive for QUERY (French query language: "phrase", OU, SAUF, -mot, titre:, date:…).

    A QUERY starting with "-" goes after "--": manchette search -- -Trump Poutine
    """
    params = {
        "q": " ".join(query), "source": sources, "person": persons, "topic": topics, "lang": langs,
        "from": date_from, "to": date_to, "sort": sort, "page": page, "per_page": per_page,
        "comments": "true" if comments else None, "variants": "false" if no_variants else None,
        "agency": agencies, "collapse": "false" if all_versions else None,
    }
    try:
        request = SearchRequest.from_params({k: v for k, v in params.items() if v is not None})
    except BadParameter as error:
        raise click.BadParameter(error.message, param_hint=f"'{OPTION_NAMES.get(error.name, '--' + error.name)}'")
    try:
        result = open_engine(location_or_default(index)).search(request)
    except EngineError as error:
        raise click.ClickException(str(error))
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(readable(result, bold=sys.stdout.isatty(), collapsed=request.collapse))


def readable(result: SearchResult, bold: bool = False, collapsed: bool = True) -> str:
    """The result as a numbered list: title, source, date, id and snippet."""
    lines = []
    if result.notice:
        lines.append(result.notice)
    if result.suggestion:
        lines.append(f"Essayez plutôt : « {result.suggestion} »")
    listed = result.stories if collapsed else result.total
    pages = max(1, -(-listed // result.per_page))
    lines.append(f"{result.total} résultat{'s' if result.total > 1 else ''} "
                 f"(page {result.page}/{pages}, {result.took_ms:.0f} ms)")
    if result.stories < result.total:
        lines.append(f"{result.total} articles, {result.stories} histoires"
                     + ("" if collapsed else " (toutes les versions)"))
    first = (result.page - 1) * result.per_page
    for number, hit in enumerate(result.hits, first + 1):
        byline = " · ".join(p for p in (hit.source, (hit.published or "")[:10], hit.id) if p)
        lines += ["", f"{number:>3}. {hit.display_title}", f"     {byline}", f"     {terminal_text(hit.snippet, bold)}"]
        if hit.versions:
            others = ", ".join(f"{v['source'] or v['id']} {(v['published'] or '')[:10]}".strip() for v in hit.other_versions)
            lines.append(f"     + {hit.versions} autre{'s' if hit.versions > 1 else ''} version"
                         f"{'s' if hit.versions > 1 else ''} : {others}")
    return "\n".join(lines)


def terminal_text(snippet: str, bold: bool) -> str:
    """Snippet HTML (escaped text and <mark>) as terminal text: marks in bold, or [brackets]."""
    def marked(match: re.Match) -> str:
        word = match.group(1)
        return click.style(word, bold=True) if bold else f"[{word}]"
    return html.unescape(_MARK.sub(marked, snippet))
