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
import pickle
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import EmptyIndexError

from ..document import Article
from ..engine import IndexLocked, NoIndex
from ..record import Record, article_of
from ..store import Batch, StoredEntry, Store
from .schema import LangText, build_schema
from .writer import BulkFieldWriter, BulkMpWriter, add_document, use_bulk_pool, without_full_collections

CURRENT = "current"
META = "meta.json"
LOCK = "write.lock"
KEEP_GENERATIONS = 2
# Whoosh sorts postings in memory and spills sorted runs to disk past this
# size (per writer process, by Whoosh's own estimate: the process grows to
# about twice as much). It bounds a rebuild's memory whatever the archive:
# on the 34k corpus (--no-persons) 2,048 MB took 147 s and 3.66 GB for all
# processes (resident sizes summed); at 300k, 2,048 let each writer grow past
# 6 GB. Since runs are merged a batch at a time, smaller pools cost nothing:
# at 34k, 512 MB took 98 s (writers 0.80 GB each), 256 MB 91 s (0.43 GB),
# 128 MB 94 s (0.28 GB); at 256 MB a million articles make about 170 runs per writer.
POOL_MB = 256


def current_generation(index_dir: Path) -> Path | None:
    link = index_dir / CURRENT
    if not link.is_symlink() and not link.is_dir():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def open_generation(index_dir: Path):
    """(generation path, Whoosh index) of the live index, or NoIndex."""
    gen = current_generation(index_dir)
    missing = NoIndex(f"no index in {index_dir}: build one with `manchette index PATH --index {index_dir}`")
    if gen is None:
        raise missing
    try:
        return gen, whoosh_index.open_dir(str(gen))
    except EmptyIndexError:
        raise missing from None
    except (AttributeError, ImportError, pickle.UnpicklingError):
        # The schema is pickled with the analyzers' classes: an index made before they moved cannot be read.
        raise NoIndex(f"the index in {index_dir} was built by an older version of Manchette: rebuild it with "
                      f"`manchette index PATH --index {index_dir}`") from None


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

def whoosh_fields(record: Record) -> dict:
    """A record as Whoosh fields: lists comma-joined, text tagged with its language for the analyzer."""
    fields = {
        "id": record.id,
        "title": LangText(record.title, record.lang),
        "title_exact": record.title,
        "body": LangText(record.body, record.lang),
        "_stored_body": record.body,
        "_stored_title": record.title,
        "body_exact": record.body,
        "comments": record.comments,
        "comment_count": record.comment_count,
        "source": record.source,
        "source_name": record.source_name,
        "lang": record.lang,
        "person": ",".join(record.person),
        "person_names": " ; ".join(record.person_names),
        "topic": ",".join(record.topic),
        "tags": ",".join(t.replace(",", " ") for t in record.tags),
        "section": record.section,
        "url": record.url,
        "author": record.author,
        "origin": record.origin,
        "content_hash": record.content_hash,
        "date_text": record.date_text,
        "published": record.published,
        "agency": ",".join(record.agency),
        "group": record.group,
        "representative": "1" if record.representative else "",
        "fingerprint": record.fingerprint,
    }
    return {k: v for k, v in fields.items() if (v != "" and v is not None) or k == "id"}


def stored_record(stored: dict) -> Record:
    """Whoosh's stored fields as the record they were written from (less what is only indexed)."""
    return Record(
        id=stored["id"], title=stored.get("title", ""), body=stored.get("body", ""),
        comments=stored.get("comments", ""), comment_count=stored.get("comment_count", 0) or 0,
        source=stored.get("source", ""), source_name=stored.get("source_name", ""),
        published=stored.get("published"), date_text=stored.get("date_text", ""), url=stored.get("url", ""),
        lang=stored.get("lang", "und"), person=stored_list(stored.get("person")),
        topic=stored_list(stored.get("topic")), tags=stored_list(stored.get("tags")),
        section=stored.get("section", ""), author=stored.get("author", ""),
        origin=stored.get("origin", ""), content_hash=stored.get("content_hash", ""),
        agency=stored_list(stored.get("agency")), group=stored.get("group", ""),
        representative=stored.get("representative") == "1", fingerprint=stored.get("fingerprint", ""))


def stored_list(value: str | None) -> list[str]:
    """A comma-joined stored field (``person``, ``topic``, ``tags``) as its items."""
    return [item for item in (value or "").split(",") if item]


class Codec(W3Codec):
    """Whoosh's codec without per-block document-length statistics, with longer posting blocks.

    Recording the statistics looks up the document's field length once per
    posting, a fifth of the writing time. They only tighten Whoosh's upper
    bounds for skipping blocks; without them the bounds are looser, never
    wrong, and our engine does not use them. Lengths for BM25F are still
    stored per document. Our engine reads whole posting lists
    (:mod:`.postings`) and skips no block, while each block costs a
    decompression and several unpickling calls to read and to write: a block
    holds 1,024 postings, not Whoosh's 128. Blocks are compressed at zlib's
    level 1, not 3: a tenth of a commit less for an index 2% larger (10k
    articles). Pickled into each segment: keep this class at this path.
    """

    length_stats = False

    def __init__(self, blocklimit: int = 1024, compression: int = 1, inlinelimit: int = 1):
        super().__init__(blocklimit, compression, inlinelimit)

    def field_writer(self, storage, segment):
        return BulkFieldWriter(self, storage, segment)


class _Batch(Batch):
    """Adds, replaces and deletes articles in one generation."""

    def __init__(self, ix, generation: Path, procs: int = 1, replace: bool = False):
        kwargs = {"limitmb": POOL_MB, "codec": Codec()}
        if procs > 1:
            self._writer = BulkMpWriter(ix, procs=procs, multisegment=True, **kwargs)
        else:
            self._writer = ix.writer(**kwargs)
            use_bulk_pool(self._writer)
        self._generation = generation
        self._replace = replace

    def add(self, record: Record) -> None:
        fields = whoosh_fields(record)
        if self._replace:
            self._writer.update_document(**fields)
        elif isinstance(self._writer, BulkMpWriter):
            self._writer.add_document(**fields)      # to a sub-writer, which adds it with ``add_document``
        else:
            add_document(self._writer, fields)

    def add_all(self, records, parts) -> None:
        if isinstance(self._writer, BulkMpWriter) and not self._replace:
            self._writer.add_parts(lambda part: map(whoosh_fields, records(part)), parts)
        else:
            super().add_all(records, parts)

    def delete(self, article_id: str) -> None:
        self._writer.delete_by_term("id", article_id)

    def commit(self, meta: dict) -> None:
        self._writer.commit()
        save_meta(self._generation, meta)


class WhooshStore(Store):
    """An index folder (see the module's docstring for its layout)."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.location = str(index_dir)

    def exists(self) -> bool:
        return current_generation(self.index_dir) is not None

    def lock(self):
        return write_lock(self.index_dir)

    def cache_dir(self) -> Path:
        path = self.index_dir / "cache"
        path.mkdir(parents=True, exist_ok=True)
        return path

    @contextmanager
    def rebuild(self, workers: int) -> Iterator[Batch]:
        with new_generation(self.index_dir) as generation, without_full_collections():
            yield _Batch(whoosh_index.open_dir(str(generation)), generation, procs=min(workers, 2))

    @contextmanager
    def update(self) -> Iterator[Batch]:
        generation, ix = open_generation(self.index_dir)
        with without_full_collections():
            yield _Batch(ix, generation, replace=True)

    def meta(self) -> dict:
        generation = current_generation(self.index_dir)
        return read_meta(generation) if generation else {}

    def entries(self) -> dict[str, StoredEntry]:
        _, ix = open_generation(self.index_dir)
        with ix.searcher() as searcher:
            return {fields["id"]: StoredEntry(fields.get("content_hash", ""), fields.get("origin", ""),
                                              stored_list(fields.get("person")), fields.get("source_name", ""),
                                              fields.get("published"), fields.get("fingerprint", ""),
                                              fields.get("group", ""), fields.get("representative") == "1")
                    for fields in searcher.all_stored_fields()}

    def articles(self, ids: list[str]) -> list[Article]:
        _, ix = open_generation(self.index_dir)
        with ix.searcher() as searcher:
            return [article_of(stored_record(searcher.document(id=article_id))) for article_id in ids]


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


def size_on_disk(generation: Path) -> int:
    return sum(f.stat().st_size for f in generation.iterdir() if f.is_file())
