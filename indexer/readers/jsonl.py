"""JSON Lines and JSON arrays of article records.

Keys: ``id``, ``title``, ``text`` (or ``body``), ``source``, ``published``,
``url``, ``lang`` (or ``lang_hint``), ``author`` and any ``extra`` keys;
``extra.section`` and ``extra.tags`` become section and tags. A record with
an empty title takes its page's headline from ``extra`` (``headline``,
``og_title`` or ``og:title``) when the export kept one, as the saved-page
reader does; otherwise the title stays empty and search.titles derives the
one to show.
"""
from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Iterable, Iterator

from search.dates import parse_date
from search.document import Article

from .base import Problem, article_id
from .decoding import DecodeError, read_lines, read_text

SUFFIXES = (".jsonl", ".ndjson", ".json")
HEADLINE_KEYS = ("headline", "og_title", "og:title")    # in ``extra``, for a record without a title


def read(path: Path, relative: str) -> Iterator[Article | Problem]:
    origin = str(path.resolve())
    for location, position, record in _records(path):
        if isinstance(record, Problem):
            yield record
            continue
        item = to_article(record, location, f"{article_id(relative)}#{position}")
        if isinstance(item, Article):
            item.origin = origin
        yield item


def _records(path: Path):
    """(location, position, record or Problem); position is the line number or array index.

    JSON Lines are read a line at a time, never whole (archives run to millions
    of records); a ``.json`` file or an array is parsed as one document.
    """
    if path.name.lower().removesuffix(".gz").endswith(".json"):
        yield from _document_records(path, read_text(path))
        return
    lines = read_lines(path)
    head = []
    for line in lines:
        head.append(line)
        if line.strip():
            break
    else:
        raise DecodeError("empty file")
    if head[-1].lstrip().startswith("["):
        lines.close()
        yield from _array_records(path, read_text(path))
        return
    yield from _line_records(path, itertools.chain(head, lines))


def _document_records(path: Path, content: str):
    """A ``.json`` file: an array or one object, or JSON Lines under that name."""
    stripped = content.lstrip()
    if stripped.startswith("[") or not _is_lines(stripped):
        yield from _array_records(path, content)
        return
    # split("\n"), not splitlines(): records may hold U+2028 inside strings.
    yield from _line_records(path, content.split("\n"))


def _line_records(path: Path, lines: Iterable[str]):
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        location = f"{path}:{number}"
        try:
            yield location, number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield location, number, Problem(location, f"malformed JSON: {exc.msg} (column {exc.colno})")


def _is_lines(text: str) -> bool:
    first = text.split("\n", 1)[0].strip()
    try:
        return isinstance(json.loads(first), dict) and "\n" in text.strip()
    except json.JSONDecodeError:
        return False


def _array_records(path: Path, content: str):
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        location = f"{path}:{exc.lineno}"
        yield location, exc.lineno, Problem(location, f"malformed JSON: {exc.msg} (column {exc.colno})")
        return
    records = data if isinstance(data, list) else [data]
    for index, record in enumerate(records):
        yield f"{path}[{index}]", index, record


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _tags(value) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return [t.strip() for t in value if isinstance(t, str) and t.strip()]


def _headline(extra: dict) -> str:
    return next(filter(None, (_text(extra.get(k)) for k in HEADLINE_KEYS)), "")


def to_article(record, location: str, fallback_id: str) -> Article | Problem:
    if not isinstance(record, dict):
        return Problem(location, "a record must be a JSON object")
    body = _text(record.get("text")) or _text(record.get("body"))
    if not body:
        return Problem(location, "record has no text")
    extra = record.get("extra") if isinstance(record.get("extra"), dict) else {}
    ident = record.get("id")
    if isinstance(ident, (int, float)) and not isinstance(ident, bool):
        ident = str(ident)
    if not isinstance(ident, str) or not ident.strip():
        # An id-less record still gets a stable id: its place in its file.
        ident = fallback_id
    published = date_text = None
    raw_date = _text(record.get("published")) or _text(record.get("date"))
    if raw_date:
        parsed = parse_date(raw_date)
        published = parsed.value if parsed else None
        date_text = raw_date if published is None else None
    return Article(
        id=ident.strip(),
        title=_text(record.get("title")) or _headline(extra),
        body=body,
        source=_text(record.get("source")) or None,
        published=published,
        date_text=date_text,
        url=_text(record.get("url")) or None,
        lang=_text(record.get("lang")) or _text(record.get("lang_hint")) or None,
        author=_text(record.get("author")) or _text(extra.get("author")) or None,
        section=_text(extra.get("section")) or _text(record.get("section")) or None,
        tags=_tags(extra.get("tags")) or _tags(record.get("tags")),
        extra=extra,
    )
