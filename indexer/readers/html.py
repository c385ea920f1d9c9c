"""Saved web pages (``.html``, ``.htm``, gzipped or not): one article per page."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from search.document import Article

from .base import Problem, article_id
from .decoding import read_bytes
from .webpage import article_from_page

SUFFIXES = (".html", ".htm")


def read(path: Path, relative: str) -> Iterator[Article | Problem]:
    data = read_bytes(path)
    yield article_from_page(data, article_id=article_id(relative), location=str(path),
                            origin=str(path.resolve()))
