"""A local SolrCloud for tests: started once per session through solr/cluster.py.

Set MANCHETTE_TEST_SOLR=http://127.0.0.1:PORT/solr to use a cluster that is
already running (``make solr``); the tests then neither start nor stop it.
"""
from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
CLUSTER_SCRIPT = PROJECT / "solr" / "cluster.py"
CONFIGSET = "manchette"
# Smaller than make solr's default: the test collections hold a few thousand articles.
TEST_HEAP = "512m"


def _ports_free(*ports: int) -> bool:
    for port in ports:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def free_port() -> int:
    """A port P with P, P+1 (node 2) and P+1000 (ZooKeeper) all free."""
    for _ in range(100):
        port = random.randrange(20000, 40000)
        if _ports_free(port, port + 1, port + 1000):
            return port
    raise RuntimeError("no free ports for a test SolrCloud")


def run_cluster_script(*args: str) -> str:
    """``python solr/cluster.py ARGS``: its output, or an error with its message."""
    done = subprocess.run([sys.executable, str(CLUSTER_SCRIPT), *args],
                          capture_output=True, text=True, timeout=600)
    if done.returncode:
        raise RuntimeError(f"solr/cluster.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


@dataclass(frozen=True)
class LocalCluster:
    url: str                 # http://127.0.0.1:PORT/solr
    folder: Path | None      # its --dir (pids, logs); None for a MANCHETTE_TEST_SOLR cluster


@contextmanager
def running_cluster(folder: Path):
    """A running cluster: MANCHETTE_TEST_SOLR's, or one started in FOLDER and stopped after."""
    given = os.environ.get("MANCHETTE_TEST_SOLR")
    if given:
        yield LocalCluster(given.rstrip("/"), None)
        return
    out = run_cluster_script("start", "--dir", str(folder), "--port", str(free_port()), "--heap", TEST_HEAP)
    try:
        yield LocalCluster(out.strip().removeprefix("solr: "), folder)
    finally:
        run_cluster_script("stop", "--dir", str(folder))


def call(url: str, params: dict | None = None, form: dict | None = None,
         documents: list[dict] | None = None, timeout: float = 120) -> dict:
    """One Solr API call; a form (long texts do not fit in a URL) or documents are POSTed."""
    query = urllib.parse.urlencode({**(params or {}), "wt": "json"}, doseq=True)
    headers = {}
    data = None
    if form is not None:
        data = urllib.parse.urlencode(form, doseq=True).encode()
    elif documents is not None:
        data = json.dumps(documents).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(f"{url}?{query}", data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as resp:
        return json.load(resp)


def create_collection(base: str, name: str, shards: int = 2) -> str:
    """A fresh collection NAME with the manchette configset; returns its URL."""
    admin = f"{base}/admin/collections"
    if name in call(admin, {"action": "LIST"}).get("collections", []):
        call(admin, {"action": "DELETE", "name": name})
    call(admin, {"action": "CREATE", "name": name, "collection.configName": CONFIGSET,
                 "numShards": shards, "replicationFactor": 1, "waitForFinalStateTimeout": 60})
    return f"{base}/{name}"


def delete_collection(base: str, name: str) -> None:
    call(f"{base}/admin/collections", {"action": "DELETE", "name": name})


def analyzed_terms(collection: str, text: str, field_types: tuple[str, ...]) -> dict[str, list[str]]:
    """The index-time terms of TEXT for each field type, from Solr's /analysis/field."""
    answer = call(f"{collection}/analysis/field",
                  {"analysis.fieldtype": ",".join(field_types)}, form={"analysis.fieldvalue": text})
    result = {}
    for field_type in field_types:
        stages = answer["analysis"]["field_types"][field_type]["index"]
        # [component, tokens, component, tokens, ...]: the last token list is what is indexed.
        final = stages[-1] if len(stages) > 1 else []
        result[field_type] = [token["text"] for token in sorted(final, key=lambda t: t["position"])]
    return result
