"""Load test of ``manchette serve``: requests/s and latency of /api/search at 1 and 8 clients.

    python bench/load_test.py [--index bench/out/index] [--duration 20] [--clients 1,8] [--threads 8]

The server runs as a subprocess on 127.0.0.1 (a free port). The URLs are real
queries combined with real facet values read from the index, rotated by every
client. wrk drives the load when installed (a Lua script rotates the URLs);
otherwise a bounded Python thread pool does. Any non-2xx answer or socket
error fails the run. Results also go to bench/out/load.json.
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
QUERIES = [
    "gouvernement", "police", "coronavirus", "élection présidentielle", "Macron", "grève SNCF",
    '"réforme des retraites"', "football", "Trump", "incendie", "vaccin", "manifestation", "terrorisme",
    "Brexit", "climat", "justice", "hôpital", "Marine Le Pen", "gilets jaunes", "tempête", "securite",
    "chomage OU emploi", "titre:accident", "", "impôts -taxe", "Jeux olympiques",
]

WRK_SCRIPT = """
local urls = {%s}
local counter = 0
local threads = {}

function setup(thread)
  thread:set("offset", #threads * 7)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  return wrk.format("GET", urls[((counter + offset) %% #urls) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, '
    .. '"max_us": %%d, "errors": %%d}\\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(index_dir: Path, port: int, threads: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "manchette_cli", "serve", "--index", str(index_dir), "--host", HOST,
               "--port", str(port), "--workers", str(threads)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited: {server.stderr.read().decode()}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/api/stats", timeout=30) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("server did not answer within 60 s")


def get_json(port: int, path: str) -> dict:
    with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=60) as answer:
        return json.load(answer)


def search_urls(port: int) -> list[str]:
    """Real queries, alone and with real facet values, dates, sorts and pages."""
    facets = get_json(port, "/api/search?facet_size=5")["facets"]
    top = {name: [v["value"] for v in facets[name]["values"]] for name in ("source", "person", "topic")}
    refinements = [{}, {"source": top["source"][0]}, {"person": top["person"][0]}, {"topic": top["topic"][0]},
                   {"source": top["source"][:2]}, {"from": "2019", "to": "2020-06"}, {"sort": "newest"},
                   {"page": 2}, {"topic": top["topic"][1], "sort": "oldest"}, {"person": top["person"][1:3]}]
    urls = []
    for query, refinement in zip(QUERIES * 4, itertools.cycle(refinements)):
        urls.append("/api/search?" + urlencode({"q": query, **refinement}, doseq=True))
    return urls


def warm_up(port: int, urls: list[str]) -> int:
    """One pass over every URL; returns how many failed (they would fail under load too)."""
    failures = 0
    for url in urls:
        try:
            get_json(port, url)
        except OSError as exc:
            print(f"  warm-up failure {url}: {exc}", file=sys.stderr)
            failures += 1
    return failures


def run_wrk(port: int, urls: list[str], clients: int, duration: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % ", ".join(json.dumps(u) for u in urls))
    try:
        threads = min(clients, os.cpu_count() or 1)
        output = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{clients}", f"-d{duration}s", "--timeout", "10s", "-s", script.name,
             f"http://{HOST}:{port}"], check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(script.name)
    raw = json.loads(output.strip().splitlines()[-1])
    return {"requests": raw["requests"], "rps": raw["requests"] / (raw["duration_us"] / 1e6),
            "p50_ms": raw["p50_us"] / 1e3, "p95_ms": raw["p95_us"] / 1e3, "p99_ms": raw["p99_us"] / 1e3,
            "max_ms": raw["max_us"] / 1e3, "errors": raw["errors"]}


def run_threads(port: int, urls: list[str], clients: int, duration: int) -> dict:
    """The fallback client: ``clients`` threads, one keep-alive connection each."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        mine = []
        for url in itertools.islice(itertools.cycle(urls), offset, None):
            if time.monotonic() >= stop:
                break
            started = time.perf_counter()
            try:
                connection.request("GET", url)
                answer = connection.getresponse()
                answer.read()
                ok = 200 <= answer.status < 300
            except OSError:
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=10)
            mine.append(time.perf_counter() - started)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    workers = [threading.Thread(target=client, args=(i * 7,)) for i in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50_ms": cuts[49] * 1e3,
            "p95_ms": cuts[94] * 1e3, "p99_ms": cuts[98] * 1e3, "max_ms": max(latencies) * 1e3,
            "errors": errors[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=ROOT / "bench" / "out" / "index")
    parser.add_argument("--duration", type=int, default=20, help="seconds per concurrency level")
    parser.add_argument("--clients", default="1,8", help="concurrency levels, comma-separated")
    parser.add_argument("--threads", type=int, default=8, help="server threads (manchette serve --workers)")
    parser.add_argument("--python-client", action="store_true", help="use the thread-pool client even if wrk exists")
    args = parser.parse_args()

    port = free_port()
    server = start_server(args.index, port, args.threads)
    try:
        stats = get_json(port, "/api/stats")["stats"]
        urls = search_urls(port)
        tool = "python" if args.python_client or not shutil.which("wrk") else "wrk"
        print(f"index {args.index}: {stats['articles']} articles; {len(urls)} URLs; server threads "
              f"{args.threads}; client {tool}; {args.duration} s per level")
        failures = warm_up(port, urls)
        runner = run_wrk if tool == "wrk" else run_threads
        results = {}
        for clients in (int(c) for c in args.clients.split(",")):
            result = runner(port, urls, clients, args.duration)
            results[clients] = result
            print(f"  {clients:>2} client(s): {result['rps']:7.1f} req/s   p50 {result['p50_ms']:7.1f} ms   "
                  f"p95 {result['p95_ms']:7.1f} ms   p99 {result['p99_ms']:7.1f} ms   "
                  f"{result['requests']} requests, {result['errors']} errors")
    finally:
        server.terminate()
        server.wait(timeout=10)
    out = ROOT / "bench" / "out" / "load.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"articles": stats["articles"], "urls": urls, "tool": tool,
                               "server_threads": args.threads, "results": results}, indent=1, ensure_ascii=False))
    errors = failures + sum(r["errors"] for r in results.values())
    if errors:
        print(f"FAILED: {errors} errors", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
