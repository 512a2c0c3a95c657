"""The HTTP API under a mix of what people ask, and a soak: 32 clients on loopback.

    python bench/bench_mix.py                       # 60 s of the full mix on the demo-sized store
    python bench/bench_mix.py --seconds 600         # the soak: 10 minutes
    NEO4J_URI=bolt://127.0.0.1:17687 python bench/bench_mix.py --store neo4j --seconds 120

A store like the demo's (2,000 firms, 5 chains, seed 1) gets an admin, a regulator (the first
chain's prefecture), an analyst (its province) and a leader token (the first chain's first leader);
`chainmap serve` runs in a process of its own and wrk (Debian's package) loads it from another,
2 threads and 32 connections, for ``--seconds``. Every request takes the next of a fixed list of
routes, each with the token of a role that may call it: health, stats, chains, enterprise search
(by name, by region and size), one enterprise, a leader's tiers, a chain's weak links (whole and
filtered), segments, what-if, batches and the plan as Markdown, and a region atlas. Each route is
called once before the run (the first request of a chain computes its analysis; the run measures
a warm server, as a service answers between imports).

The report gives requests per second, latency percentiles (p50, p95, p99, max, from wrk's
histogram), non-2xx answers (every route answers 200 to its caller, so any other answer is a
failure), socket errors, and the server's resident memory at the start and end of the run
(psutil). Target: p95 below 200 ms; no non-2xx answer; in a soak, resident memory at the end
within 50 MiB of the start.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from chainmap.access import issue_token
from chainmap.graph import to_digraph
from chainmap.ingest.load import import_datasets
from chainmap.samples import generate_dataset
from chainmap.store import open_store

TARGET_P95_MS = 200.0
SOAK_GROWTH_MIB = 50.0

# wrk: each request the next (path, token) pair; every route answers 200 when the server is
# well, so any non-2xx answer counts as a failure; a JSON line at the end
SCRIPT = """
local routes = {
%(routes)s
}
local counter = 0
request = function()
  counter = counter + 1
  local route = routes[(counter %% #routes) + 1]
  return wrk.format("GET", route[1], {["Authorization"] = "Bearer " .. route[2]})
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %%d, "seconds": %%.3f, "socket_errors": %%d, "non_2xx": %%d, '
    .. '"p50_ms": %%.2f, "p95_ms": %%.2f, "p99_ms": %%.2f, "max_ms": %%.2f}\\n',
    summary.requests, summary.duration / 1e6,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _status(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=600) as answer:
            answer.read()
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _routes(url: str) -> list[tuple[str, str, str]]:
    """(name, path and query, token) for the mix."""
    with open_store(url) as store:
        chain = store.chains()[0]
        graph = to_digraph(store.chain(chain.chain_id))
        leader = graph.graph["leaders"][0]
        firm = next(u for u in graph.nodes if u != leader)
        prefecture = graph.nodes[leader]["region_code"][:4]
        admin, _ = issue_token(store, "admin", "mix")
        regulator, _ = issue_token(store, "regulator", "mix", regions=[prefecture])
        analyst, _ = issue_token(store, "analyst", "mix", regions=[prefecture[:2]])
        led, _ = issue_token(store, "leader", "mix", enterprise=leader)
    c = urllib.parse.quote(chain.chain_id)
    name = urllib.parse.quote(graph.nodes[firm]["name"][2:4])
    return [
        ("health", "/api/v1/health", admin),
        ("stats", "/api/v1/stats", regulator),
        ("chains", "/api/v1/chains", analyst),
        ("search by name", f"/api/v1/enterprises?q={name}", regulator),
        ("search by region and size", f"/api/v1/enterprises?region={prefecture}&size=micro", admin),
        ("one enterprise", f"/api/v1/enterprises/{firm}", admin),
        ("leader tiers", f"/api/v1/leaders/{leader}/tiers?depth=3", led),
        ("weak links", f"/api/v1/chains/{c}/weak-links", admin),
        (
            "weak links filtered",
            f"/api/v1/chains/{c}/weak-links?size=micro&size=small&top=50",
            analyst,
        ),
        ("weak links of a regulator", f"/api/v1/chains/{c}/weak-links", regulator),
        ("segments", f"/api/v1/chains/{c}/segments", analyst),
        ("what-if", f"/api/v1/chains/{c}/what-if?fail={firm}", admin),
        ("batches", f"/api/v1/chains/{c}/batches", led),
        ("plan", f"/api/v1/chains/{c}/plan?format=md", admin),
        ("region atlas", f"/api/v1/atlases/region/{prefecture}", regulator),
    ]


def _rss(pid: int) -> float:
    import psutil

    return float(psutil.Process(pid).memory_info().rss) / 2**20


def run(url: str, seconds: int, work: Path) -> dict[str, Any]:
    routes = _routes(url)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "chainmap", "serve", "--port", str(port), "--store", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/api/v1/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        warm = {}
        for name, path, token in routes:
            began = time.perf_counter()
            status = _status(base + path, token)
            warm[name] = {"status": status, "seconds": round(time.perf_counter() - began, 2)}
            if status >= 400:
                raise SystemExit(f"{name}: {path} answered {status}")
        script = work / "mix.lua"
        listed = ",\n".join(f'  {{"{path}", "{token}"}}' for _, path, token in routes)
        script.write_text(SCRIPT % {"routes": listed}, encoding="utf-8")
        rss_start = _rss(server.pid)
        found = subprocess.run(
            ["wrk", "-t2", "-c32", f"-d{seconds}s", "--timeout", "30s", "-s", str(script), base],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 120,
        )
        rss_end = _rss(server.pid)
        health_after = _status(base + "/api/v1/health", routes[0][2])
    finally:
        server.terminate()
        server.wait(timeout=30)
    result: dict[str, Any] = json.loads(found.stdout.strip().splitlines()[-1])
    result["requests_per_second"] = round(result["requests"] / result["seconds"], 1)
    result["server_rss_mib_start"] = round(rss_start, 1)
    result["server_rss_mib_end"] = round(rss_end, 1)
    result["health_status_after"] = health_after
    result["warm_up"] = warm
    result["routes"] = [name for name, _, _ in routes]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=2000)
    parser.add_argument("--chains", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--store", choices=("sqlite", "neo4j"), default="sqlite")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="chainmap-bench-mix-"))
    try:
        generate_dataset(work / "data", enterprises=args.enterprises, chains=args.chains, seed=1)
        if args.store == "sqlite":
            url = f"sqlite:///{work / 'mix.db'}"
        else:
            url = os.environ["NEO4J_URI"]
            from chainmap.store.neo4j import Neo4jStore

            with Neo4jStore(url) as emptied:
                emptied.erase_everything()
        import_datasets([work / "data"], lambda: open_store(url, create=True))
        report: dict[str, Any] = {
            "store": args.store,
            "enterprises": args.enterprises,
            "chains": args.chains,
            "clients": 32,
            **run(url, args.seconds, work),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report["p95_target_met"] = report["p95_ms"] < TARGET_P95_MS
    report["memory_growth_mib"] = round(
        report["server_rss_mib_end"] - report["server_rss_mib_start"], 1
    )
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
