"""What only SolrCloud has: the alias swap under a killed rebuild, a node killed under load,
the writer lock in ZooKeeper, and clear messages when Solr cannot be reached.

The engine contract itself (queries, facets, articles…) runs on SolrCloud in the
other test files, parametrised over both engines.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from conftest import PROJECT, SEEDS, build_index, corpus_lines
from manchette_cli import cli
from search.engine import NoIndex, Unavailable, open_engine
from search.request import SearchRequest
from search.solr.client import Client
from search.solr.location import parse_location
from search.store import BadLocation, open_store
from solrcloud import run_cluster_script
from web import create_app

UNREACHABLE = "solr+http://127.0.0.1:9/solr/nothing"      # the discard port: nothing listens there


def spawn_index(*args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    return subprocess.Popen([sys.executable, "-m", "manchette_cli", "index", *args], env=env, cwd=PROJECT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def generations(location: str) -> list[str]:
    """The collections a location's rebuilds have made (NAME_000001…)."""
    name = parse_location(location).name
    return [c for c in Client(parse_location(location)).collections() if c.startswith(f"{name}_")]


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.2)


# --- rebuilds ----------------------------------------------------------------------------------

def test_a_killed_rebuild_leaves_the_alias_answering_the_previous_collection(solr_url, tmp_path):
    location = f"solr+{solr_url}/killed"
    build_index([SEEDS], location, workers=1, entities=False)
    records = tmp_path / "records.jsonl"
    records.write_text("".join(corpus_lines(1500)), encoding="utf-8")
    process = spawn_index(str(records), "--index", location, "--no-persons", "--workers", "1")
    wait_for(lambda: len(generations(location)) == 2, 300, "the new collection")
    process.send_signal(signal.SIGKILL)         # while it is being created or filled
    process.wait()
    result = open_engine(location).search(SearchRequest())
    assert result.total == 5 and {h.id for h in result.hits} == {p.stem for p in SEEDS.glob("*.txt")}
    # Its ZooKeeper session still holds the lock for a few seconds: a clear message, then the next run works.
    busy = CliRunner().invoke(cli, ["index", str(SEEDS), "--index", location, "-q", "--no-persons"])
    assert busy.exit_code == 1 and "is being written by pid" in busy.output, busy.output
    wait_for(lambda: CliRunner().invoke(cli, ["index", str(SEEDS), "--index", location, "-q", "--no-persons"])
             .exit_code == 0, 60, "the lock of the killed writer to expire")
    assert len(generations(location)) == 1          # the leftover is gone


def test_update_adds_and_removes_by_id(solr_url, tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:3]:
        (archive / seed.name).write_bytes(seed.read_bytes())
    location = f"solr+{solr_url}/updated"
    assert CliRunner().invoke(cli, ["index", str(archive), "--index", location, "-q", "--no-persons"]).exit_code == 0
    (archive / sorted(SEEDS.glob("*.txt"))[0].name).unlink()
    for seed in sorted(SEEDS.glob("*.txt"))[3:]:
        (archive / seed.name).write_bytes(seed.read_bytes())
    result = CliRunner().invoke(cli, ["index", "--update", str(archive), "--index", location, "-q", "--no-persons"])
    assert "read 4, indexed 2, updated 0, removed 1, unchanged 2" in result.output, result.output
    time.sleep(1.1)
    assert open_engine(location).search(SearchRequest()).total == 4


# --- a node killed under load ----------------------------------------------------------------------

def test_searches_stay_complete_when_a_node_is_killed(solr_cluster):
    location = f"solr+{solr_cluster.url}/failover"
    build_index([SEEDS], location, workers=1, entities=False)     # 2 shards x 2 replicas: one per node
    client = create_app({"INDEX": location, "TESTING": True}).test_client()
    expected = client.get("/api/search?q=Trump").get_json()["total"]
    statuses, totals, stop = [], set(), threading.Event()

    def query():
        while not stop.is_set():
            response = client.get("/api/search?q=Trump")
            statuses.append(response.status_code)
            if response.status_code == 200:
                totals.add(response.get_json()["total"])

    threads = [threading.Thread(target=query) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    node = int((solr_cluster.folder / "node-2.pid").read_text())
    os.kill(node, signal.SIGKILL)
    time.sleep(8)
    stop.set()
    for thread in threads:
        thread.join()
    assert set(statuses) <= {200, 503} and statuses.count(200) > len(statuses) / 2, statuses
    assert totals == {expected}          # never a partial result presented as complete
    run_cluster_script("restart-node", "2", "--dir", str(solr_cluster.folder))
    assert client.get("/api/search?q=Trump").get_json()["total"] == expected
    wait_for(lambda: _all_replicas_active(location), 120, "node 2's replicas to recover")


def _all_replicas_active(location: str) -> bool:
    client = Client(parse_location(location))
    collection = client.collection(fresh=True)
    shards = client.admin("CLUSTERSTATUS", collection=collection)["cluster"]["collections"][collection]["shards"]
    return all(r["state"] == "active" for s in shards.values() for r in s["replicas"].values())


# --- messages --------------------------------------------------------------------------------------

def test_an_unreachable_solr_is_a_clear_message_everywhere():
    result = CliRunner().invoke(cli, ["stats", "--index", UNREACHABLE])
    assert result.exit_code == 1 and "does not answer" in result.output and "127.0.0.1:9" in result.output
    with pytest.raises(Unavailable):
        open_engine(UNREACHABLE)
    client = create_app({"INDEX": UNREACHABLE, "TESTING": True}).test_client()
    api = client.get("/api/search?q=x")
    assert api.status_code == 503 and "does not answer" in api.get_json()["error"]
    page = client.get("/search?q=x")
    assert page.status_code == 503 and "does not answer" in page.get_data(as_text=True)


@pytest.mark.parametrize("location, says", [
    ("solr+http://127.0.0.1:8983/solr/", "the path must be /solr/NAME"),
    ("solr+http://127.0.0.1:8983/other/x", "the path must be /solr/NAME"),
    ("solr+http://user:secret@127.0.0.1:8983/solr/x", "MANCHETTE_SOLR_USER"),
    ("solr+http://127.0.0.1:port/solr/x", "port is not a number"),
    ("solr+http://127.0.0.1:8983/solr/x?debug=1", "no query string"),
    ("solr+http://127.0.0.1:8983/solr/../x", "the path must be /solr/NAME"),
])
def test_bad_locations_are_named(location, says):
    with pytest.raises(BadLocation, match=says):
        open_store(location)
    result = CliRunner().invoke(cli, ["stats", "--index", location])
    assert result.exit_code == 1 and says in result.output


def test_no_index_yet(solr_url):
    with pytest.raises(NoIndex, match="manchette index PATH --index solr"):
        open_engine(f"solr+{solr_url}/never_built")
