"""Articles read, waiting on disk between reading and writing.

Persons are merged across the whole archive before anything is written, so a
rebuild must see every article before it writes the first one. Holding them
all in memory made a million-article rebuild need tens of gigabytes; the
spool keeps their text in a temporary file (in ``TMPDIR``, about the size of
the archive's text) and the pipeline keeps only a small :class:`Entry` per
article.
"""
from __future__ import annotations

import bisect
import os
import pickle
import sys
import tempfile
from array import array
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import Iterable, Iterator

from search.document import Article

from .enrich import copies

BUFFER = 1 << 20
_OFFSET = attrgetter("offset")


@dataclass(slots=True)
class Entry:
    """What the pipeline keeps of one article while its text is in the spool."""
    offset: int                  # where the spool holds it
    origin: str
    captured: datetime | None
    source: str | None
    content_hash: str
    undated: bool                # a date was printed but could not be read
    published: datetime | None   # copy detection's representative is the earliest
    # Filled by enrichment, then copy detection. Tuples, the same few shared by many entries, and a
    # fingerprint packed in bytes: a million entries take 400 MB less than as lists and strings.
    lang: str | None = None
    persons: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    fingerprint: bytes = b""     # copies.packed
    group: str = ""
    representative: bool = False

    def enriched(self, article: Article) -> Article:
        article.lang, article.persons = self.lang, list(self.persons)
        article.agencies, article.fingerprint = list(self.agencies), copies.unpacked(self.fingerprint)
        article.group, article.representative = self.group, self.representative
        return article


class Spool:
    """An append-only temporary file of pickled articles, read back in the order written."""

    def __init__(self):
        self._file = tempfile.TemporaryFile(buffering=BUFFER)
        self._end = 0
        self._starts = array("q")    # of every article written, in order: 8 bytes each

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc) -> None:
        self._file.close()

    def add(self, article: Article) -> Entry:
        source = article.source and sys.intern(article.source)    # a few hundred outlets for a million articles
        entry = Entry(self._end, article.origin, article.captured, source, article.content_hash(),
                      bool(article.date_text and article.published is None), article.published)
        pickle.dump(article, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._starts.append(self._end)
        self._end = self._file.tell()
        return entry

    def placed(self, entries: Iterable[Entry]) -> Iterator[tuple[Entry, int]]:
        """The entries with their articles' sizes, in spool order: with its offset, what :meth:`load` reads,
        in any process forked from this one after this call."""
        self._file.flush()
        return ((entry, self._size(entry.offset)) for entry in sorted(entries, key=_OFFSET))

    def _size(self, offset: int) -> int:
        after = bisect.bisect_right(self._starts, offset)
        return (self._starts[after] if after < len(self._starts) else self._end) - offset

    def extents(self, entries: Iterable[Entry]) -> list[tuple[int, int]]:
        """(offset, size) of the entries' articles, in spool order (see :meth:`placed`)."""
        return [(entry.offset, size) for entry, size in self.placed(entries)]

    def load(self, extents: Iterable[tuple[int, int]]) -> list[Article]:
        """The articles at these extents, read without moving the file's position (shared after a fork)."""
        fd = self._file.fileno()
        return [pickle.loads(os.pread(fd, size, offset)) for offset, size in extents]
