"""Plain-text articles, as in the seed archive.

Layout: the first non-empty line is the title; an optional byline
``SOURCE - 15 août 2025 21:00``; the body; trailing ``Source`` and
``#hashtag`` lines (metadata, not body); and possibly a reader-comments block
(``N réflexions au sujet de “…”`` … ``Répondre`` … ``Laisser un commentaire``),
which goes to its own field.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from search.analysis import fold
from search.dates import find_french_date, parse_date
from search.document import Article

from .base import Problem, article_id
from .decoding import read_text

SUFFIXES = (".txt",)

BYLINE = re.compile(r"^(?P<source>\S.{0,80}?)\s+[-–—]\s+(?P<date>.*\d.*)$")
COMMENTS_START = re.compile(r"^\s*(?P<count>\d+)\s+(?:réflexions?|commentaires?)\s+(?:au sujet de|sur)\b", re.I)
COMMENTS_END = re.compile(r"^\s*Laisser un commentaire\s*$", re.I)
REPLY_MARKER = re.compile(r"^\s*Répondre\s*$", re.I)
LIST_MARK = re.compile(r"^\s*(?:\d+\.|[•·\-*])\s+")
SOURCE_LINE = re.compile(r"^\s*Source\s*(?::\s*(?P<name>.+))?\s*$", re.I)
HASHTAG = re.compile(r"#(\w[\w-]*)")
DATELINE = re.compile(
    r"^(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?\d{1,2}(?:er)?\s+\w+(?:\s+\d{4})?", re.I)


def read(path: Path, relative: str) -> Iterator[Article | Problem]:
    content = read_text(path)
    article = parse(content, article_id(relative))
    if article is None:
        yield Problem(str(path), "no article text (a title line and a body are needed)")
        return
    article.origin = str(path.resolve())
    yield article


def _paragraphs(lines: list[str]) -> list[str]:
    paragraphs, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _split_comments(lines: list[str]) -> tuple[list[str], list[str], int]:
    for i, line in enumerate(lines):
        match = COMMENTS_START.match(line)
        if match:
            block = lines[i + 1:]
            for j, rest in enumerate(block):
                if COMMENTS_END.match(rest):
                    block = block[:j]
                    break
            comments = [LIST_MARK.sub("", c) for c in block if not REPLY_MARKER.match(c)]
            return lines[:i], comments, int(match["count"])
    return lines, [], 0


def _split_trailer(paragraphs: list[str]) -> tuple[list[str], list[str], str | None]:
    """Trailing ``Source`` and ``#tag`` paragraphs are metadata."""
    tags: list[str] = []
    source = None
    while paragraphs:
        last = paragraphs[-1]
        source_line = SOURCE_LINE.match(last)
        if source_line:
            source = source_line["name"] or source
        elif HASHTAG.sub("", last).strip() == "" and HASHTAG.search(last):
            tags = HASHTAG.findall(last) + tags
        else:
            break
        paragraphs = paragraphs[:-1]
    return paragraphs, tags, source


def parse(content: str, ident: str) -> Article | None:
    lines = content.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines, comment_lines, comment_count = _split_comments(lines)
    paragraphs = _paragraphs(lines)
    if len(paragraphs) < 2:
        return None
    title, paragraphs = paragraphs[0], paragraphs[1:]
    source = published = date_text = None
    byline = BYLINE.match(paragraphs[0])
    byline_date = parse_date(byline["date"]) if byline else None
    if byline_date is not None:
        source, paragraphs = byline["source"].strip(), paragraphs[1:]
    if paragraphs and fold(paragraphs[0]) == fold(title):
        paragraphs = paragraphs[1:]
    paragraphs, tags, trailer_source = _split_trailer(paragraphs)
    if not paragraphs:
        return None
    body = "\n\n".join(paragraphs)
    dated = byline_date or _dateline(paragraphs[0], body)
    if dated is not None:
        published, date_text = dated.value, dated.text
    return Article(
        id=ident, title=title, body=body, source=source or trailer_source,
        published=published, date_text=date_text if published is None else None,
        tags=tags, comments="\n".join(_paragraphs(comment_lines)) if comment_lines else "",
        comment_count=comment_count,
    )


def _dateline(first: str, body: str):
    """A date opening the first paragraph (``Mercredi 20 août, …``).

    Its year, when not printed, comes from a full date elsewhere in the same
    article; otherwise it stays unknown rather than guessed.
    """
    dateline = DATELINE.match(first)
    if not dateline:
        return None
    found = find_french_date(dateline.group())
    if found is None or found.value is not None:
        return found
    years = {d.value.year for d in _full_dates(body)}
    if len(years) == 1:
        return find_french_date(dateline.group(), default_year=years.pop())
    return found


def _full_dates(text: str):
    for match in re.finditer(r"\d{1,2}(?:er)?\s+\S+\s+\d{4}", text):
        found = find_french_date(match.group())
        if found is not None and found.value is not None:
            yield found
