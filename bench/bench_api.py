"""The HTTP API under load: 32 concurrent clients on loopback, served by `chainmap serve`.

    python bench/bench_api.py                         # 100,000 firms, the embedded store
    NEO4J_URI=bolt://127.0.0.1:17687 python bench/bench_api.py --stores sqlite,neo4j

Generates a sample dataset with one chain (seed 7), imports it into each store, creates an admin
and a leader token (the chain's first leader), starts `chainmap serve` in a process of its own
and loads it from another with wrk (Debian's package; `apt-get install wrk`): 2 threads, 32
connections, ``--seconds`` per query, after one warm-up request each (the first computes and
caches the chain's analysis or the leader's tree; the runs measure answers from a warm server,
as a service gives them between imports). Queries:

- a leader's 3-tier supplier view, with the leader's token: ``/leaders/{uscc}/tiers?depth=3``;
- a filtered weak-link query, with the admin's token:
  ``/chains/{id}/weak-links?region=34&size=micro&size=small&top=100``.

Prints a JSON report: per store and query, requests per second and latency percentiles (p50,
p95, p99, from wrk's own histogram), and the warm-up request's seconds. Target: p95 below
200 ms on the embedded store.
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
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chainmap.access import issue_token
from chainmap.graph import to_digraph
from chainmap.ingest.load import import_datasets
from chainmap.samples import generate_dataset
from chainmap.store import Store, open_store

TARGET_P95_MS = 200.0

REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "socket_errors": %d, "non_2xx": %d, '
    .. '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f}\\n',
    summary.requests, summary.duration / 1e6,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(url: str, token: str) -> float:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    began = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as answer:
        answer.read()
        if answer.status != 200:
            raise SystemExit(f"{url}: {answer.status}")
    return time.perf_counter() - began


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "chainmap", "serve", "--port", str(port), "--store", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def _wrk(url: str, token: str, seconds: int, script: Path) -> dict[str, Any]:
    found = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c32",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            "-H",
            f"Authorization: Bearer {token}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = found.stdout.strip().splitlines()[-1]
    result: dict[str, Any] = json.loads(line)
    result["requests_per_second"] = round(result["requests"] / result["seconds"], 1)
    return result


def _run(url: str, seconds: int, script: Path) -> dict[str, Any]:
    with open_store(url) as store:
        chain = store.chains()[0].chain_id
        leader = to_digraph(store.chain(chain)).graph["leaders"][0]
        admin, _ = issue_token(store, "admin", "bench")
        led, _ = issue_token(store, "leader", "bench", enterprise=leader)
    port = _free_port()
    server = _serve(url, port)
    base = f"http://127.0.0.1:{port}/api/v1"
    queries = {
        "leader_tiers": (f"{base}/leaders/{leader}/tiers?depth=3", led),
        "weak_links_filtered": (
            f"{base}/chains/{chain}/weak-links?region=34&size=micro&size=small&top=100",
            admin,
        ),
    }
    found: dict[str, Any] = {}
    try:
        for name, (target, token) in queries.items():
            warm = _get(target, token)
            found[name] = {
                "warm_up_seconds": round(warm, 2),
                **_wrk(target, token, seconds, script),
            }
    finally:
        server.terminate()
        server.wait(timeout=30)
    return found


def _opener(url: str) -> Callable[[], Store]:
    return lambda: open_store(url, create=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument(
        "--stores", default="sqlite", help="sqlite, neo4j or both (comma-separated)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="chainmap-bench-api-"))
    report: dict[str, Any] = {
        "enterprises": args.enterprises,
        "clients": 32,
        "seconds": args.seconds,
    }
    try:
        script = work / "report.lua"
        script.write_text(REPORT, encoding="utf-8")
        generate_dataset(work / "data", enterprises=args.enterprises, chains=1, seed=7)
        for kind in args.stores.split(","):
            if kind == "sqlite":
                url = f"sqlite:///{work / 'api.db'}"
            else:
                url = os.environ["NEO4J_URI"]
                from chainmap.store.neo4j import Neo4jStore

                with Neo4jStore(url) as emptied:
                    emptied.erase_everything()
            import_datasets([work / "data"], _opener(url))
            report[kind] = _run(url, args.seconds, script)
            report[kind]["p95_target_met"] = all(
                q["p95_ms"] < TARGET_P95_MS for q in report[kind].values() if isinstance(q, dict)
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
