#!/usr/bin/env python3
"""A local SolrCloud for Manchette: one ZooKeeper and two Solr nodes, each in its own JVM.

    python3 solr/cluster.py start [--dir .solr] [--port 8983] [--heap 1g]
    python3 solr/cluster.py stop [--dir .solr]
    python3 solr/cluster.py restart-node N [--dir .solr]
    python3 solr/cluster.py status [--dir .solr]
    python3 solr/cluster.py build

Node 1 listens on PORT, node 2 on PORT+1, ZooKeeper on PORT+1000 (Solr's own
convention), all on 127.0.0.1. Each process is detached: it outlives this
script, writes its log to DIR/logs/NAME.log and its pid to DIR/NAME.pid, so a
test may ``kill -9`` one node and bring it back with ``restart-node``.

Standard library only: the script runs before the project's virtualenv exists.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

MODULE = Path(__file__).resolve().parent
CONFIGSET_DIR = MODULE / "configsets" / "manchette" / "conf"
CONFIGSET = "manchette"
LAUNCHER = "org.manchette.solr.Launcher"
NODES = (1, 2)
HOST = "127.0.0.1"
# A 2-core, 24 GB machine: two nodes of 1 GB leave room for the indexer and the web server.
DEFAULT_HEAP = "1g"
ZK_HEAP = "256m"
STATE_FILE = "cluster.json"


class ClusterError(Exception):
    """A failure the user can act on; printed as one message, never a traceback."""


# --- building the launcher -------------------------------------------------------------

def _classpath() -> str:
    target = MODULE / "target"
    return os.pathsep.join([str(target / "classes"), str(target / "lib" / "*")])


def _build_inputs() -> list[Path]:
    return [MODULE / "pom.xml", *sorted((MODULE / "src").rglob("*"))]


def build(force: bool = False) -> None:
    """Compile the launcher and copy Solr's jars into solr/target/lib (Maven Central)."""
    stamp = MODULE / "target" / ".built"
    if not force and stamp.exists():
        built = stamp.stat().st_mtime
        if all(p.stat().st_mtime <= built for p in _build_inputs()):
            return
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ClusterError("mvn not found: install Maven 3.8+ and Java 17 (apt-get install maven)")
    print("solr: building the launcher (mvn package)...", file=sys.stderr)
    done = subprocess.run(
        [mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(MODULE / "pom.xml"), "package", "-DskipTests"],
        stdout=sys.stderr,
    )
    if done.returncode:
        raise ClusterError(f"mvn package failed (exit {done.returncode}) in {MODULE}")
    stamp.touch()


# --- processes -------------------------------------------------------------------------

class Cluster:
    """The processes of one cluster directory and the ports they listen on."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.logs = self.root / "logs"
        self.children: dict[str, subprocess.Popen] = {}  # started by this run of the script

    # state: ports and heap, so that stop/status/restart-node need no options
    def load_state(self) -> dict | None:
        try:
            return json.loads((self.root / STATE_FILE).read_text())
        except FileNotFoundError:
            return None
        except ValueError as exc:
            raise ClusterError(f"{self.root / STATE_FILE}: unreadable ({exc}); run stop, then start")

    def save_state(self, state: dict) -> None:
        (self.root / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")

    def pid_file(self, name: str) -> Path:
        return self.root / f"{name}.pid"

    def pid(self, name: str) -> int | None:
        """The pid of process NAME if it runs (and is really ours, not a recycled pid)."""
        try:
            pid = int(self.pid_file(name).read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):
            return None
        if _is_zombie(pid):
            return None
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:  # no /proc: trust the pid file
            return pid
        # An empty cmdline is a process between fork and exec: give it the benefit of the doubt.
        if args and (LAUNCHER not in args or str(self.root) not in args):
            return None
        return pid

    def spawn(self, name: str, heap: str, launcher_args: list[str]) -> int:
        self.logs.mkdir(parents=True, exist_ok=True)
        java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
        cmd = [
            java, f"-Xmx{heap}", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
            "-Dfile.encoding=UTF-8", "-cp", _classpath(), LAUNCHER, *launcher_args,
        ]
        log_path = self.logs / f"{name}.log"
        with open(log_path, "ab") as log:
            log.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(cmd)}\n".encode())
            log.flush()
            try:
                proc = subprocess.Popen(
                    cmd, cwd=self.root, stdin=subprocess.DEVNULL, stdout=log,
                    stderr=subprocess.STDOUT, start_new_session=True, close_fds=True,
                )
            except FileNotFoundError:
                raise ClusterError(f"{java} not found: install Java 17 (apt-get install openjdk-17-jre-headless)")
        self.pid_file(name).write_text(f"{proc.pid}\n")
        self.children[name] = proc
        return proc.pid

    def start_zk(self, state: dict) -> None:
        if self.pid("zk") is None:
            _check_port_free(state["zk_port"], "ZooKeeper")
            self.spawn("zk", ZK_HEAP, ["zk", str(state["zk_port"]), str(self.root / "zk")])
        deadline = time.monotonic() + 30
        while not _port_open(state["zk_port"]):
            self._check_alive("zk")
            if time.monotonic() > deadline:
                raise ClusterError(f"ZooKeeper did not open port {state['zk_port']} in 30 s: see {self.logs / 'zk.log'}")
            time.sleep(0.2)

    def start_node(self, state: dict, n: int) -> None:
        name = f"node-{n}"
        if self.pid(name) is not None:
            return
        port = node_port(state, n)
        _check_port_free(port, f"Solr {name}")
        zk_host = f"{HOST}:{state['zk_port']}"
        self.spawn(name, state["heap"], ["node", str(port), zk_host, str(self.root / name)])

    def _check_alive(self, name: str) -> None:
        child = self.children.get(name)
        exited = child.poll() is not None if child is not None else self.pid(name) is None
        if exited:
            raise ClusterError(f"{name} exited while starting: see {self.logs / (name + '.log')}")

    def stop(self, timeout: float) -> list[str]:
        """SIGTERM the nodes, then ZooKeeper; SIGKILL what is still there after timeout."""
        stopped = []
        for group in ([f"node-{n}" for n in NODES], ["zk"]):
            pids = {name: self.pid(name) for name in group}
            for name, pid in pids.items():
                if pid is not None:
                    os.kill(pid, signal.SIGTERM)
                    stopped.append(name)
            deadline = time.monotonic() + timeout
            while any(self.pid(name) for name in group) and time.monotonic() < deadline:
                time.sleep(0.2)
            for name in group:
                pid = self.pid(name)
                if pid is not None:
                    os.kill(pid, signal.SIGKILL)
                self.pid_file(name).unlink(missing_ok=True)
        return stopped


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def node_port(state: dict, n: int) -> int:
    return state["port"] + n - 1


def base_url(state: dict, n: int = 1) -> str:
    return f"http://{HOST}:{node_port(state, n)}/solr"


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def _check_port_free(port: int, what: str) -> None:
    with socket.socket() as sock:
        # As Jetty and ZooKeeper bind: connections of a killed node in TIME_WAIT do not count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            raise ClusterError(f"port {port} for {what} is in use: choose another --port (or stop what uses it)")


# --- Solr's HTTP API -------------------------------------------------------------------

def _request(url: str, data: bytes | None = None, timeout: float = 30) -> dict:
    headers = {"Content-Type": "application/octet-stream"} if data is not None else {}
    req = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.load(resp)


def _admin(state: dict, path: str, params: dict, data: bytes | None = None) -> dict:
    """Call an admin API on the first node that answers."""
    query = urllib.parse.urlencode({**params, "wt": "json"})
    error = None
    for n in NODES:
        try:
            return _request(f"{base_url(state, n)}/{path}?{query}", data)
        except urllib.error.HTTPError as exc:
            raise ClusterError(f"{path} {params}: HTTP {exc.code}: {exc.read()[:500].decode(errors='replace')}")
        except (OSError, ValueError) as exc:
            error = exc
    raise ClusterError(f"no Solr node answers ({error})")


def cluster_status(state: dict) -> dict | None:
    try:
        return _admin(state, "admin/collections", {"action": "CLUSTERSTATUS"})["cluster"]
    except ClusterError:
        return None


def _down_replicas(status: dict) -> list[str]:
    live = set(status.get("live_nodes", []))
    down = []
    for coll_name, coll in status.get("collections", {}).items():
        for shard_name, shard in coll.get("shards", {}).items():
            for replica in shard.get("replicas", {}).values():
                if replica.get("node_name") in live and replica.get("state") != "active":
                    down.append(f"{coll_name}/{shard_name}/{replica.get('core')}")
    return down


def _node_answers(state: dict, n: int) -> bool:
    try:
        _request(f"{base_url(state, n)}/admin/info/system?wt=json", timeout=5)
        return True
    except (OSError, ValueError):
        return False


def wait_ready(cluster: Cluster, state: dict, timeout: float) -> None:
    """Until both nodes answer, both are live and every replica on them is active.

    Each node must answer itself: after a kill -9, ZooKeeper lists the dead node
    as live (and its replicas as active) until its session expires. A node
    answers only once it has published its replicas as down, so "active"
    afterwards means recovered.
    """
    deadline = time.monotonic() + timeout
    why = "no node answers yet"
    while time.monotonic() < deadline:
        for n in NODES:
            cluster._check_alive(f"node-{n}")
        silent = [f"node-{n}" for n in NODES if not _node_answers(state, n)]
        status = None if silent else cluster_status(state)
        if silent:
            why = f"{', '.join(silent)} not answering yet"
        if status is not None:
            live = status.get("live_nodes", [])
            down = _down_replicas(status)
            if len(live) == len(NODES) and not down:
                return
            why = f"live nodes: {sorted(live)}" + (f", replicas not active: {down}" if down else "")
        time.sleep(0.5)
    logs = ", ".join(str(cluster.logs / f"node-{n}.log") for n in NODES)
    raise ClusterError(f"the cluster was not ready after {timeout:.0f} s ({why}): see {logs}")


def _configset_zip() -> bytes:
    if not (CONFIGSET_DIR / "solrconfig.xml").exists():
        raise ClusterError(f"{CONFIGSET_DIR}: no solrconfig.xml")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(CONFIGSET_DIR.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(CONFIGSET_DIR).as_posix())
    return buf.getvalue()


def upload_configset(cluster: Cluster, state: dict) -> None:
    """Upload solr/configsets/manchette when it changed, and reload the collections using it."""
    data = _configset_zip()
    digest = hashlib.sha256(data).hexdigest()
    listed = _admin(state, "admin/configs", {"action": "LIST"}).get("configSets", [])
    if CONFIGSET in listed and state.get("configset_sha256") == digest:
        return
    _admin(state, "admin/configs", {"action": "UPLOAD", "name": CONFIGSET, "overwrite": "true", "cleanup": "true"}, data)
    status = cluster_status(state) or {}
    for name, coll in status.get("collections", {}).items():
        if coll.get("configName") == CONFIGSET:
            _admin(state, "admin/collections", {"action": "RELOAD", "name": name})
    state["configset_sha256"] = digest
    cluster.save_state(state)


# --- commands --------------------------------------------------------------------------

def cmd_start(cluster: Cluster, args) -> None:
    state = cluster.load_state()
    if state is None:
        port = args.port or 8983
        state = {"port": port, "zk_port": args.zk_port or port + 1000}
    elif args.port not in (None, state["port"]):
        # Replicas are registered under their node's address: the ports go with the data.
        raise ClusterError(f"{cluster.root} holds a cluster on port {state['port']}: "
                           f"use that port, or another --dir (or remove {cluster.root})")
    state["heap"] = args.heap or state.get("heap", DEFAULT_HEAP)
    build()
    cluster.root.mkdir(parents=True, exist_ok=True)
    cluster.save_state(state)
    cluster.start_zk(state)
    for n in NODES:
        cluster.start_node(state, n)
    wait_ready(cluster, state, args.timeout)
    upload_configset(cluster, state)
    print(f"solr: {base_url(state)}", flush=True)


def cmd_restart_node(cluster: Cluster, args) -> None:
    state = cluster.load_state()
    if state is None:
        raise ClusterError(f"no cluster in {cluster.root}: run start first")
    if cluster.pid("zk") is None:
        raise ClusterError(f"ZooKeeper of {cluster.root} is not running: run start")
    cluster.start_node(state, args.node)
    wait_ready(cluster, state, args.timeout)
    print(f"solr: {base_url(state)}", flush=True)


def cmd_stop(cluster: Cluster, args) -> None:
    stopped = cluster.stop(args.timeout)
    print(f"solr: stopped {', '.join(stopped) if stopped else 'nothing (not running)'} in {cluster.root}")


def cmd_status(cluster: Cluster, args) -> int:
    state = cluster.load_state()
    if state is None:
        print(f"solr: no cluster in {cluster.root}")
        return 1
    ok = True
    for name, port in [("zk", state["zk_port"])] + [(f"node-{n}", node_port(state, n)) for n in NODES]:
        pid = cluster.pid(name)
        ok = ok and pid is not None
        print(f"{name}: {'running, pid ' + str(pid) if pid else 'stopped'}, port {port}")
    status = cluster_status(state)
    live = (status or {}).get("live_nodes", [])
    print(f"live nodes: {len(live)} {sorted(live)}")
    for name, coll in (status or {}).get("collections", {}).items():
        print(f"collection {name}: {len(coll.get('shards', {}))} shard(s), health {coll.get('health', '?')}")
    print(f"solr: {base_url(state)}")
    return 0 if ok and len(live) == len(NODES) else 1


def parse_args(argv: list[str]):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--dir", type=Path, default=Path(".solr"), help="cluster data, pids and logs (default .solr)")
    common.add_argument("--timeout", type=float,
                        help="seconds to wait for the nodes to be ready (default 180) or to stop (default 30)")
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", parents=[common], help="start (or reuse) the cluster; print its URL")
    start.add_argument("--port", type=int, help="port of node 1; node 2 uses PORT+1 (default 8983)")
    start.add_argument("--zk-port", type=int, help="ZooKeeper port (default PORT+1000)")
    start.add_argument("--heap", help=f"heap of each Solr node, java -Xmx syntax (default {DEFAULT_HEAP})")
    sub.add_parser("stop", parents=[common], help="stop every process of the cluster")
    restart = sub.add_parser("restart-node", parents=[common], help="start node N again with its data")
    restart.add_argument("node", type=int, choices=NODES)
    sub.add_parser("status", parents=[common], help="processes and live nodes; exit 1 unless all run")
    sub.add_parser("build", help="build the launcher module (mvn package) if it changed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.command == "build":
            build()
            return 0
        cluster = Cluster(args.dir)
        if args.timeout is None:
            args.timeout = 30 if args.command == "stop" else 180
        if args.command == "start":
            cmd_start(cluster, args)
        elif args.command == "restart-node":
            cmd_restart_node(cluster, args)
        elif args.command == "stop":
            cmd_stop(cluster, args)
        else:
            return cmd_status(cluster, args)
    except ClusterError as exc:
        print(f"solr: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
