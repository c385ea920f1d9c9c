"""The index on disk: generations, the atomic swap, the writer lock, metadata.

Layout of an index folder::

    index/
      current -> gen-000004     symlink, replaced atomically on rebuild
      gen-000004/               a complete Whoosh index + meta.json
      gen-000003/               the previous one, kept for readers still on it
      write.lock                held (flock) by the one writer

A rebuild writes ``gen-N.tmp`` beside the live index and only renames and
swaps it in when complete, so a crash or Ctrl-C leaves the previous index
answering. Readers never take the lock.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import time
from contextlib import contextmanager
from datetime import timezone
from pathlib import Path
from typing import Iterator, NamedTuple

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from .analysis import LangText, fold
from .document import Article
from .schema import build_schema
from .sources import normalize_source

CURRENT = "current"
META = "meta.json"
LOCK = "write.lock"
KEEP_GENERATIONS = 2
# Whoosh sorts postings in memory and spills sorted runs to disk past this
# size (per writer process); spilling and merging runs cost a third of the
# indexing time on the 34k corpus at 256 MB. 2 GB per process keeps a corpus
# of that size in memory and still caps a much larger one.
POOL_MB = 2048


class IndexError_(Exception):
    """A problem with the index folder, worded for the user."""


class NoIndex(IndexError_):
    pass


class IndexLocked(IndexError_):
    pass


def default_index_dir() -> Path:
    return Path(os.environ.get("MANCHETTE_INDEX", "index"))


def current_generation(index_dir: Path) -> Path | None:
    link = index_dir / CURRENT
    if not link.is_symlink() and not link.is_dir():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def open_generation(index_dir: Path):
    """(generation path, Whoosh index) of the live index, or NoIndex."""
    gen = current_generation(index_dir)
    if gen is None or not whoosh_index.exists_in(str(gen)):
        raise NoIndex(f"no index in {index_dir}: build one with `manchette index PATH --index {index_dir}`")
    return gen, whoosh_index.open_dir(str(gen))


def read_meta(generation: Path) -> dict:
    try:
        return json.loads((generation / META).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def save_meta(generation: Path, meta: dict) -> None:
    tmp = generation / (META + ".tmp")
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, generation / META)


# --- the writer lock ----------------------------------------------------------

@contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """One writer at a time; a second one fails at once, naming the holder."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise IndexLocked(f"{index_dir} is being written by {holder}; try again when it has finished") from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} ({' '.join(sys.argv[:3])}) since {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        yield
    finally:
        handle.seek(0)
        handle.truncate()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


# --- documents ----------------------------------------------------------------

def article_fields(article: Article, person_variants: dict[str, list[str]] | None = None) -> dict:
    """An Article as Whoosh fields. Facet fields hold folded keys."""
    lang = article.lang or "und"
    source = normalize_source(article.source)
    persons = [fold(p) for p in article.persons]
    variants = person_variants or {}
    names = [v for p in article.persons for v in variants.get(p, [p])]
    fields = {
        "id": article.id,
        "title": LangText(article.title, lang),
        "title_exact": article.title,
        "body": LangText(article.body, lang),
        "_stored_body": article.body,
        "_stored_title": article.title,
        "body_exact": article.body,
        "comments": article.comments,
        "comment_count": article.comment_count,
        "source": source[0] if source else "",
        "source_name": article.source or "",
        "lang": lang,
        "person": ",".join(persons),
        "person_names": " ; ".join(names),
        "topic": ",".join(article.topics),
        "tags": ",".join(t.replace(",", " ") for t in article.tags),
        "section": article.section or "",
        "url": article.url or "",
        "author": article.author or "",
        "origin": article.origin,
        "content_hash": article.content_hash(),
        "date_text": article.date_text or "",
    }
    if article.published is not None:
        # Whoosh compares naive datetimes; the stored value is UTC.
        fields["published"] = article.published.replace(tzinfo=None)
    return {k: v for k, v in fields.items() if v != "" or k in ("id",)}


def stored_article(fields: dict) -> Article:
    """The Article whose :func:`article_fields` these stored fields are.

    ``persons`` stays empty: the index holds their folded keys, not their names.
    """
    published = fields.get("published")
    return Article(
        id=fields["id"], title=fields.get("title", ""), body=fields.get("body", ""),
        source=fields.get("source_name") or None,
        published=published.replace(tzinfo=timezone.utc) if published else None,
        date_text=fields.get("date_text") or None, url=fields.get("url") or None, lang=fields.get("lang"),
        author=fields.get("author") or None, section=fields.get("section") or None,
        tags=stored_list(fields.get("tags")), comments=fields.get("comments", ""),
        comment_count=fields.get("comment_count", 0), origin=fields.get("origin", ""),
        topics=stored_list(fields.get("topic")))


def stored_list(value: str | None) -> list[str]:
    """A comma-joined stored field (``person``, ``topic``, ``tags``) as its items."""
    return [item for item in (value or "").split(",") if item]


def stored_articles(ix, ids) -> list[Article]:
    with ix.searcher() as searcher:
        return [stored_article(searcher.document(id=article_id)) for article_id in ids]


class Codec(W3Codec):
    """Whoosh's codec without per-block document-length statistics.

    Recording them looks up the document's field length once per posting, a
    fifth of the writing time. They only tighten Whoosh's upper bounds for
    skipping blocks; without them the bounds are looser, never wrong, and our
    engine does not use them. Lengths for BM25F are still stored per
    document. Pickled into each segment: keep this class at this path.
    """

    length_stats = False


class ArticleWriter:
    """Adds, replaces and deletes articles in one generation."""

    def __init__(self, ix, procs: int = 1):
        kwargs = {"limitmb": POOL_MB, "codec": Codec()}
        if procs > 1:
            kwargs.update(procs=procs, multisegment=True)
        self._writer = ix.writer(**kwargs)
        self._ix = ix

    def add(self, fields: dict) -> None:
        self._writer.add_document(**fields)

    def replace(self, fields: dict) -> None:
        self._writer.update_document(**fields)

    def delete(self, article_id: str) -> None:
        self._writer.delete_by_term("id", article_id)

    def commit(self) -> None:
        self._writer.commit()

class StoredEntry(NamedTuple):
    content_hash: str
    origin: str
    persons: list[str]   # folded person keys
    source_name: str     # as printed


def stored_entries(ix) -> dict[str, StoredEntry]:
    """id -> what --update needs of every live article, read in one pass over the stored fields."""
    entries = {}
    with ix.searcher() as searcher:
        for fields in searcher.all_stored_fields():
            entries[fields["id"]] = StoredEntry(fields.get("content_hash", ""), fields.get("origin", ""),
                                                stored_list(fields.get("person")), fields.get("source_name", ""))
    return entries


# --- generations ----------------------------------------------------------------

def _generation_number(path: Path) -> int:
    try:
        return int(path.name.split("-", 1)[1].split(".", 1)[0])
    except (IndexError, ValueError):
        return 0


def _generations(index_dir: Path) -> list[Path]:
    return sorted((p for p in index_dir.glob("gen-*") if p.is_dir() and not p.name.endswith(".tmp")),
                  key=_generation_number)


@contextmanager
def new_generation(index_dir: Path) -> Iterator[Path]:
    """A fresh folder for a full rebuild; swapped in only if the block completes."""
    index_dir.mkdir(parents=True, exist_ok=True)
    for stale in index_dir.glob("gen-*.tmp"):
        shutil.rmtree(stale, ignore_errors=True)
    number = max((_generation_number(p) for p in _generations(index_dir)), default=0) + 1
    tmp = index_dir / f"gen-{number:06d}.tmp"
    tmp.mkdir()
    try:
        whoosh_index.create_in(str(tmp), build_schema())
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    final = tmp.with_name(f"gen-{number:06d}")
    os.rename(tmp, final)
    _swap(index_dir, final)
    _prune(index_dir)


def _swap(index_dir: Path, generation: Path) -> None:
    link = index_dir / CURRENT
    staging = index_dir / (CURRENT + ".new")
    if staging.is_symlink() or staging.exists():
        staging.unlink()
    os.symlink(generation.name, staging)
    os.replace(staging, link)  # atomic: readers see the old or the new index, never none


def _prune(index_dir: Path) -> None:
    for old in _generations(index_dir)[:-KEEP_GENERATIONS]:
        shutil.rmtree(old, ignore_errors=True)


def open_for_writing(generation: Path):
    return whoosh_index.open_dir(str(generation))


def size_on_disk(generation: Path) -> int:
    return sum(f.stat().st_size for f in generation.iterdir() if f.is_file())
