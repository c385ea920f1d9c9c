"""Readers turn input files into articles. One module per format.

Every reader module has ``SUFFIXES`` (lower-case file endings it takes, e.g.
``(".txt",)``; ``.gz`` variants are implied) and
``read(path: Path, relative: str) -> Iterator[Article | Problem]``, where
``relative`` is the path relative to the root the user named. A reader never
raises for bad content: it yields a :class:`Problem` and goes on. A file that
cannot be read or decoded at all (``OSError``, ``DecodeError`` from
:mod:`.decoding`) is reported here, once for every format.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator, NamedTuple

from search.document import Article

from . import html, jsonl, text, warc
from .base import Problem
from .decoding import DecodeError

READERS = [text, jsonl, html, warc]


def reader_for(path: Path):
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    for reader in READERS:
        if name.endswith(tuple(reader.SUFFIXES)):
            return reader
    return None


# A browser's "Web page, complete" saves page.html with its images, scripts and
# frames (ads, embedded posts) in page_files/ beside it.
ASSETS_SUFFIX = "_files"
PAGE_SUFFIXES = tuple(suffix + gz for suffix in html.SUFFIXES for gz in ("", ".gz"))


def input_files(root: Path) -> Iterator[Path | Problem]:
    """A file, or every file under a folder (sorted, so runs repeat).

    A saved page's asset folder is not entered: one skipped Problem stands for it.
    """
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        names = {f.lower() for f in filenames}
        assets = {d for d in dirnames if _is_asset_folder(d, names)}
        for name in sorted(assets):
            yield Problem(str(Path(dirpath) / name), "a saved page's images, scripts and frames; not read",
                          skipped=True)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in assets)
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def _is_asset_folder(name: str, sibling_files: set[str]) -> bool:
    """``page_files`` beside ``page.html`` (``sibling_files`` in lower case)."""
    page = name.lower().removesuffix(ASSETS_SUFFIX)
    return page != name.lower() and any(f"{page}{suffix}" in sibling_files for suffix in PAGE_SUFFIXES)


class FileJob(NamedTuple):
    path: Path
    relative: str   # to the root the user named: articles' ids derive from it


def input_jobs(roots: list[Path]) -> list[FileJob | Problem]:
    """Every file to read under the given roots, in order, and a Problem for each missing root."""
    jobs: list[FileJob | Problem] = []
    for root in roots:
        if not root.exists():
            jobs.append(Problem(str(root), "no such file or folder"))
            continue
        base = root.parent if root.is_file() else root
        jobs += (path if isinstance(path, Problem) else FileJob(path, path.relative_to(base).as_posix())
                 for path in input_files(root))
    return jobs


def read_file(job: FileJob) -> Iterator[Article | Problem]:
    reader = reader_for(job.path)
    if reader is None:
        yield Problem(str(job.path), "not a format manchette reads", skipped=True)
        return
    try:
        yield from reader.read(job.path, job.relative)
    except OSError as exc:
        yield Problem(str(job.path), f"cannot read: {exc.strerror or exc}")
    except DecodeError as exc:
        yield Problem(str(job.path), str(exc))


def read_paths(roots: list[Path]) -> Iterator[Article | Problem]:
    """Every article under the given roots, and a Problem for each bad input."""
    for job in input_jobs(roots):
        if isinstance(job, Problem):
            yield job
        else:
            yield from read_file(job)
