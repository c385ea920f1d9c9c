"""Writing a SolrCloud index: a new collection per rebuild, swapped in by moving the alias.

A full rebuild creates ``NAME_<generation>`` (shards × replicas, the
project's configset), sends the articles in batches, commits, then points
the alias ``NAME`` at it in one ``CREATEALIAS`` and deletes the previous
collection: searches never see a half-built index, and a rebuild that fails
or is killed leaves the alias on the previous collection (its leftover is
deleted by the next run). ``--update`` writes into the live collection.

One writer at a time: the writer holds an ephemeral ZooKeeper node naming
it, which ZooKeeper removes by itself if the writer dies.
"""
from __future__ import annotations

import os
import re
import socket
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from kazoo.client import KazooClient
from kazoo.exceptions import KazooException, NodeExistsError
from kazoo.handlers.threading import KazooTimeoutError

from ..document import Article
from ..engine import IndexLocked, Unavailable
from ..record import Record, article_of
from ..store import Batch, Store, StoredEntry
from .client import ALIAS_TTL, Client
from .documents import META_ID, NOT_META, meta_document, meta_of_document, record_of_document, solr_document
from .location import CONFIGSET, REPLICAS, SHARDS, parse_location

BATCH = 500                 # documents per update request
ENTRIES_PAGE = 5000         # documents per page when reading every article's hash
LOCKS = "/manchette/writers"
RETIRE_AFTER = 3 * ALIAS_TTL       # seconds between the alias swap and deleting the old collection


class _Batch(Batch):
    def __init__(self, client: Client, collection: str):
        self.client = client
        self.collection = collection
        self._pending: list[dict] = []

    def add(self, record: Record) -> None:
        self._pending.append(solr_document(record))
        if len(self._pending) >= BATCH:
            self._flush()

    def delete(self, article_id: str) -> None:
        self._flush()
        self.client.post(f"{self.collection}/update", {"delete": {"id": article_id}})

    def commit(self, meta: dict) -> None:
        self._pending.append(meta_document(meta))
        self._flush()
        self.client.post(f"{self.collection}/update", {"commit": {}}, params={"waitSearcher": "true"})

    def _flush(self) -> None:
        if self._pending:
            self.client.post(f"{self.collection}/update", self._pending)
            self._pending = []


class SolrStore(Store):
    def __init__(self, location: str, shards: int | None = None, replicas: int | None = None):
        self.solr = parse_location(location)
        self.location = str(self.solr)
        self.client = Client(self.solr)
        self.shards = shards or SHARDS
        self.replicas = replicas or REPLICAS

    def exists(self) -> bool:
        return self.client.collection(fresh=True) is not None

    @contextmanager
    def lock(self) -> Iterator[None]:
        zk = KazooClient(hosts=self.solr.zk or self._zk_host(), timeout=10)
        try:
            zk.start(timeout=10)
        except KazooTimeoutError:
            raise Unavailable(f"ZooKeeper of {self.solr.base} ({zk.hosts}) does not answer: "
                              f"set MANCHETTE_SOLR_ZK to an address this machine can reach") from None
        path = f"{LOCKS}/{self.solr.name}"
        holder = f"pid {os.getpid()} on {socket.gethostname()} ({' '.join(sys.argv[:3])}) " \
                 f"since {time.strftime('%Y-%m-%d %H:%M:%S')}"
        try:
            zk.create(path, holder.encode(), ephemeral=True, makepath=True)
        except NodeExistsError:
            current = zk.get(path)[0].decode(errors="replace")
            zk.stop()
            raise IndexLocked(f"{self.location} is being written by {current}; "
                              f"try again when it has finished") from None
        try:
            yield
        finally:
            try:
                zk.delete(path)
            except KazooException:
                pass      # the session ends below, which removes the node anyway
            zk.stop()
            zk.close()

    def _zk_host(self) -> str:
        info = self.client.get("admin/info/system")
        if not info.get("zkHost"):
            raise Unavailable(f"{self.solr.base} is not a SolrCloud node (no ZooKeeper): "
                              "Manchette needs SolrCloud")
        return info["zkHost"]

    def cache_dir(self) -> Path:
        root = Path(os.environ.get("MANCHETTE_CACHE") or Path.home() / ".cache" / "manchette")
        host = re.sub(r"[^A-Za-z0-9.-]+", "_", self.solr.base.split("://", 1)[1])
        path = root / f"{host}_{self.solr.name}"
        path.mkdir(parents=True, exist_ok=True)
        return path

    # --- rebuild: a new collection --------------------------------------------------------------

    def _generations(self) -> list[str]:
        pattern = re.compile(re.escape(self.solr.name) + r"_(\d+)")
        return sorted((c for c in self.client.collections() if pattern.fullmatch(c)),
                      key=lambda c: int(c.rsplit("_", 1)[1]))

    @contextmanager
    def rebuild(self, workers: int) -> Iterator[Batch]:
        live = self.client.collection(fresh=True)
        generations = self._generations()
        for stale in generations:          # what a killed rebuild left behind
            if stale != live:
                self.client.admin("DELETE", name=stale)
        number = int(generations[-1].rsplit("_", 1)[1]) + 1 if generations else 1
        collection = f"{self.solr.name}_{number:06d}"
        self.client.admin("CREATE", name=collection, numShards=self.shards, replicationFactor=self.replicas,
                          **{"collection.configName": CONFIGSET, "waitForFinalState": "true"})
        try:
            yield _Batch(self.client, collection)
        except BaseException:
            self.client.admin("DELETE", name=collection)
            raise
        self.client.admin("CREATEALIAS", name=self.solr.name, collections=collection)
        self.client.collection(fresh=True)
        if live is not None and live != collection:
            # Readers trust the alias for ALIAS_TTL: let those still on the old collection finish.
            time.sleep(RETIRE_AFTER)
            self.client.admin("DELETE", name=live)

    @contextmanager
    def update(self) -> Iterator[Batch]:
        yield _Batch(self.client, self._live())

    def _live(self) -> str:
        collection = self.client.collection(fresh=True)
        if collection is None:
            raise Unavailable(f"the alias {self.solr.name} of {self.solr.base} points to no collection")
        return collection

    # --- reading what --update needs ------------------------------------------------------------

    def meta(self) -> dict:
        collection = self.client.collection(fresh=True)
        if collection is None:
            return {}
        return meta_of_document(self.client.get(f"{collection}/get", {"id": META_ID}).get("doc"))

    def entries(self) -> dict[str, StoredEntry]:
        collection, entries, cursor = self._live(), {}, "*"
        while True:
            body = {"query": "*:*", "filter": [NOT_META], "limit": ENTRIES_PAGE, "sort": "id asc",
                    "fields": "id,content_hash,origin,person,source_name,published,fingerprint,group,representative",
                    "params": {"cursorMark": cursor}}
            answer = self.client.post(f"{collection}/select", body)
            for d in answer["response"]["docs"]:
                record = record_of_document(d)
                entries[d["id"]] = StoredEntry(d.get("content_hash", ""), d.get("origin", ""), d.get("person", []),
                                               d.get("source_name", ""), record.published, record.fingerprint,
                                               record.group, record.representative)
            if answer.get("nextCursorMark", cursor) == cursor:
                return entries
            cursor = answer["nextCursorMark"]

    def articles(self, ids: list[str]) -> list[Article]:
        collection, found = self._live(), {}
        for start in range(0, len(ids), BATCH):
            answer = self.client.form(f"{collection}/get", [("id", i) for i in ids[start:start + BATCH]])
            # Asked for one id, Solr's real-time get answers {"doc": …}, for several {"response": {"docs": […]}}.
            documents = [answer["doc"]] if answer.get("doc") else answer.get("response", {}).get("docs", [])
            for document in documents:
                found[document["id"]] = article_of(record_of_document(document))
        return [found[i] for i in ids if i in found]
