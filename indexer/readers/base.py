"""What every reader yields: articles, and problems that name where they are."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One bad input: reported as ``location: reason``; the run goes on."""

    location: str   # "path" or "path:line"
    reason: str
    skipped: bool = False   # not an error: e.g. a file of another format, a redirect in a WARC

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


def article_id(relative_path: str) -> str:
    """A file's id: its path relative to the given root, without extension(s)."""
    path = relative_path.replace("\\", "/")
    if path.lower().endswith(".gz"):  # as the reader registry, which lower-cases
        path = path[:-3]
    head, slash, name = path.rpartition("/")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{head}{slash}{stem}"
