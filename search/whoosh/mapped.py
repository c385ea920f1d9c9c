"""Whoosh segments read in place from their memory map, not copied into memory.

Whoosh 2.7 maps each compound segment file, then wraps every part it opens
(postings, stored fields, vectors) in a ``BufferFile`` whose ``BytesIO`` copies
the whole part. Serving the 300,000-article index, that held 3.3 GB after
opening and 4.5 GB after the first search, and the copies took 1.5 s of the
opening. :class:`MappedFile` is that ``BufferFile`` reading straight from the
map: the same bytes, paged in by the system as they are read and shared by
every process that serves the index.

Whoosh is pinned below 2.8 (``setup.cfg``): the class it builds these files
from is replaced once, by :func:`install`.
"""
from __future__ import annotations

import io

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile


class _ViewReader(io.RawIOBase):
    """A read-only, seekable file over a memoryview, without copying it."""

    def __init__(self, view: memoryview):
        super().__init__()
        self._view = view
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = min(len(buffer), max(len(self._view) - self._pos, 0))
        buffer[:size] = self._view[self._pos:self._pos + size]
        self._pos += size
        return size

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._view)}[whence]
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos


class MappedFile(BufferFile):
    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        # Buffered: Whoosh reads its headers a few bytes at a time.
        self.file = io.BufferedReader(_ViewReader(memoryview(buf)))


def install() -> None:
    compound.BufferFile = MappedFile
