"""The writing side of an index, whatever the engine: what ``manchette index`` writes through.

A full rebuild writes a complete new index beside the live one (a Whoosh
generation, a SolrCloud collection) and swaps it in only when complete, so a
crash or Ctrl-C leaves the previous index answering; ``--update`` changes the
live index in place. One writer at a time: :meth:`Store.lock` fails at once,
naming the holder. Readers never take the lock.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, NamedTuple, TypeVar

from .document import Article
from .engine import EngineError, is_solr
from .record import Record


Part = TypeVar("Part")


class BadLocation(EngineError, ValueError):
    """An index location that cannot be used as given."""


class WriteFailed(EngineError):
    """A writer process stopped before its part of the index was complete: nothing was swapped in."""


class StoredEntry(NamedTuple):
    """What ``--update`` needs to know of each live article."""

    content_hash: str
    origin: str
    persons: list[str]   # folded person keys
    source_name: str     # as printed
    published: datetime | None = None   # naive UTC
    fingerprint: str = ""      # copy detection's (indexer.enrich.copies)
    group: str = ""
    representative: bool = False


class Batch(ABC):
    """Articles being written into one index; nothing is visible before :meth:`commit`."""

    @abstractmethod
    def add(self, record: Record) -> None:
        """A new article (a rebuild), or one replacing the article of the same id (an update)."""

    def add_all(self, records: Callable[[Part], Iterable[Record]], parts: Iterable[Part]) -> None:
        """The records ``records(part)`` makes of each part, added as by :meth:`add`.

        A store that writes in several processes calls ``records`` in them,
        forked when this call begins, and sends them only the parts: making
        the records where they are written saves this process passing each
        one along. ``records`` must need nothing that changes after the call.
        """
        for part in parts:
            for record in records(part):
                self.add(record)

    @abstractmethod
    def delete(self, article_id: str) -> None: ...

    @abstractmethod
    def commit(self, meta: dict) -> None:
        """Make everything written visible, with the index metadata (sources, persons, last run)."""


class Store(ABC):
    """One index location, for writing."""

    location: str

    @abstractmethod
    def exists(self) -> bool:
        """Whether there is a live index to update."""

    @abstractmethod
    def lock(self) -> AbstractContextManager[None]:
        """Hold the one writer's lock; :class:`~search.engine.IndexLocked` names the holder."""

    @abstractmethod
    def cache_dir(self) -> Path:
        """A local folder for what enrichment caches (persons found per text)."""

    @abstractmethod
    def rebuild(self, workers: int) -> AbstractContextManager[Batch]:
        """A new, empty index, swapped in when the block ends normally, discarded otherwise."""

    @abstractmethod
    def update(self) -> AbstractContextManager[Batch]:
        """The live index, changed in place."""

    @abstractmethod
    def meta(self) -> dict:
        """The live index's metadata."""

    @abstractmethod
    def entries(self) -> dict[str, StoredEntry]:
        """id -> what ``--update`` needs, for every live article."""

    @abstractmethod
    def articles(self, ids: list[str]) -> list[Article]:
        """The live articles of these ids, as read (without person names)."""


def open_store(location: str | Path, shards: int | None = None, replicas: int | None = None) -> Store:
    """The index at ``location`` for writing; ``shards`` and ``replicas`` shape new SolrCloud collections."""
    if is_solr(location):
        from .solr.store import SolrStore
        return SolrStore(str(location), shards, replicas)
    if shards or replicas:
        raise BadLocation(f"{location}: shards and replicas apply to SolrCloud indexes (solr+http://…) only")
    from .whoosh.store import WhooshStore
    return WhooshStore(Path(location))
