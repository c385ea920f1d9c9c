"""Named entities by text key, kept in SQLite beside the index.

NER is the slow step of indexing; with this cache a rebuild only runs the
model on text it has not seen. Worker processes share one file: WAL mode lets
them read while one writes.
"""
from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from pathlib import Path

FILE = "persons.sqlite"
BUSY_TIMEOUT_S = 120
MAX_PARAMETERS = 500   # SQLite caps the number of parameters of one statement


class EntityCache:
    """``key -> list of entity tuples``; picklable, one connection per process."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._db: sqlite3.Connection | None = None
        self._pid: int | None = None

    def __getstate__(self):
        return {"folder": self.folder}

    def __setstate__(self, state):
        self.__init__(**state)

    def get(self, keys: list[str]) -> dict[str, list[tuple]]:
        db = self._connection()
        found = {}
        for start in range(0, len(keys), MAX_PARAMETERS):
            chunk = keys[start:start + MAX_PARAMETERS]
            rows = db.execute(f"SELECT key, ents FROM entities WHERE key IN ({','.join('?' * len(chunk))})",
                              chunk)
            found.update((key, [tuple(e) for e in json.loads(ents)]) for key, ents in rows)
        return found

    def put(self, items: dict[str, list[tuple]]) -> None:
        db = self._connection()
        with db:
            db.executemany("INSERT OR REPLACE INTO entities VALUES (?, ?)",
                           [(key, json.dumps(ents, ensure_ascii=False)) for key, ents in items.items()])

    def _connection(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():   # a connection must not cross a fork
            self._db = self._open()
            self._pid = os.getpid()
        return self._db

    def _open(self) -> sqlite3.Connection:
        """Connect, making the file on first use, one process at a time.

        Switching a new file to WAL is the one step where SQLite fails at once
        ("database is locked") instead of waiting when another process is
        opening the same file, as the indexer's workers do together.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / f"{FILE}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            db = sqlite3.connect(self.folder / FILE, timeout=BUSY_TIMEOUT_S)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS entities (key TEXT PRIMARY KEY, ents TEXT NOT NULL)")
        return db
