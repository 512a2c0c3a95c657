"""The web console under 8 people at once, and how fast Chromium paints its pages.

    python bench/bench_console.py                          # 100,000 firms, 60 s of load
    python bench/bench_console.py --enterprises 2000 --seconds 10   # a quick look

A generated store of ``--enterprises`` firms (``--chains`` chains, seed 1) gets eight accounts,
two per role: admins, regulators of the first chain's prefecture, leaders of the first chain's
first two leaders, analysts of its province. ``chainmap serve`` runs in a process of its own; eight
threads log in through the login form (each its own session cookie) and then, for ``--seconds``,
each asks for the next page of its role's list, one request at a time, as a person clicking through
would without pausing. Every page of the console appears in some role's list: home, a chain's
segments, its weak links (whole, filtered and sorted, the second page), a segment's firms, the
atlas tab, the plan tab, a firm, the leader's page, the regions page, the query page (filtered),
the upload form and the users page. Every page is asked for once before the run (the first
request of a chain computes its analysis): the run measures a warm server.

Reported: per page, requests, p50, p95 and max latency as the client measured it (from sending the
request to reading the whole answer), any answer other than 200, and the overall p95; the server's
resident memory at the end. Then Chromium (Debian's, headless, through Selenium) logs in and opens
the home and chain pages five times each; the first contentful paint of each load is read from the
page's Performance API (``first-contentful-paint``), warm as above.

Targets: every page's p95 at or below 300 ms; the first paint of the home and chain pages at or
below 1 s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path
from typing import Any

from chainmap.accounts import create_account
from chainmap.graph import to_digraph
from chainmap.ingest.load import import_datasets
from chainmap.samples import generate_dataset
from chainmap.store import open_store

TARGET_P95_MS = 300.0
TARGET_PAINT_MS = 1000.0
PASSWORD = "bench-password-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Person:
    """One browser's session: a keep-alive connection and the session cookie."""

    def __init__(self, port: int, login: str) -> None:
        self.port = port
        self.login = login
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        answer = self.connection.getresponse()
        data = answer.read()
        for header, value in answer.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return answer.status, data

    def log_in(self) -> None:
        _, form = self.request("GET", "/login")
        token = re.search(rb'name="login_token" value="([^"]+)"', form)
        assert token, "the login page has no form"
        body = urllib.parse.urlencode(
            {"login": self.login, "password": PASSWORD, "login_token": token.group(1).decode()}
        )
        status, _ = self.request("POST", "/login", body)
        if status != 303:
            raise SystemExit(f"{self.login} could not log in ({status})")


def _setup(url: str) -> dict[str, list[tuple[str, str]]]:
    """The accounts (login: role), and each role's pages as (name, path)."""
    with open_store(url) as store:
        chain = store.chains()[0]
        graph = to_digraph(store.chain(chain.chain_id))
        leaders = graph.graph["leaders"][:2]
        leader = leaders[0]
        prefecture = graph.nodes[leader]["region_code"][:4]
        supplier = next(  # a supplier the regulator may see too
            (
                u
                for u in graph.predecessors(leader)
                if graph.nodes[u]["region_code"].startswith(prefecture)
            ),
            leader,
        )
        memberships = graph.nodes[supplier].get("segments") or [(chain.chain_id, "")]
        segment_id = memberships[0][1]
        for n in (1, 2):
            create_account(store, f"admin{n}", "admin", PASSWORD, name=f"管理员{n}")
            create_account(
                store,
                f"regulator{n}",
                "regulator",
                PASSWORD,
                name=f"监管{n}",
                regions=[prefecture],
            )
            create_account(
                store,
                f"analyst{n}",
                "analyst",
                PASSWORD,
                name=f"分析{n}",
                regions=[prefecture[:2]],
            )
            create_account(
                store,
                f"leader{n}",
                "leader",
                PASSWORD,
                name=f"链主{n}",
                enterprise=leaders[(n - 1) % len(leaders)],
            )
    c = "/chains/" + urllib.parse.quote(chain.chain_id)
    common = [("home", "/"), ("chain segments", c), ("chain weak links", f"{c}/weak-links")]
    return {
        "admin": [
            *common,
            ("weak links sorted, page 2", f"{c}/weak-links?sort=score&order=asc&page=2"),
            ("segment firms", f"{c}/segments/{urllib.parse.quote(segment_id)}"),
            ("atlas tab", f"{c}/atlas"),
            ("plan tab", f"{c}/plan"),
            ("firm", f"/firms/{supplier}"),
            ("users", "/admin/users"),
            ("upload form", "/upload"),
        ],
        "regulator": [
            *common,
            ("regions", "/regions"),
            ("weak links filtered", f"{c}/weak-links?size=micro&size=small"),
            ("plan tab", f"{c}/plan"),
            ("firm", f"/firms/{supplier}"),
        ],
        "leader": [
            *common,
            ("leader page", "/leader"),
            ("plan tab", f"{c}/plan"),
            ("atlas tab", f"{c}/atlas"),
        ],
        "analyst": [
            *common,
            ("query", "/query"),
            ("query filtered", "/query?size=micro&min_score=0.5"),
        ],
    }


def _rss(pid: int) -> float:
    import psutil

    return float(psutil.Process(pid).memory_info().rss) / 2**20


def _load(
    port: int, pages: dict[str, list[tuple[str, str]]], seconds: float
) -> tuple[dict[str, list[float]], dict[str, list[int]], dict[str, float]]:
    """Eight people clicking through their pages for ``seconds``."""
    people = [Person(port, f"{role}{n}") for role in pages for n in (1, 2)]
    warm: dict[str, float] = {}
    for person in people:
        person.log_in()
        role = person.login.rstrip("12")
        for name, path in pages[role]:
            began = time.perf_counter()
            status, _ = person.request("GET", path)
            warm.setdefault(name, round(time.perf_counter() - began, 2))
            if status != 200:
                raise SystemExit(f"{person.login}: {name} {path} answered {status}")
    times: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, list[int]] = defaultdict(list)
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def click(person: Person) -> None:
        role = person.login.rstrip("12")
        i = 0
        while time.monotonic() < stop:
            name, path = pages[role][i % len(pages[role])]
            i += 1
            began = time.perf_counter()
            status, _ = person.request("GET", path)
            took = (time.perf_counter() - began) * 1000
            with lock:
                times[name].append(took)
                if status != 200:
                    failures[name].append(status)

    threads = [threading.Thread(target=click, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, failures, warm


def _paints(base: str, chain_path: str) -> dict[str, list[float]]:
    """First contentful paint (ms) of the home and chain pages, five loads each, warm."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from browser import Browser  # the tests' headless Chromium
    from selenium.webdriver.common.by import By

    paints: dict[str, list[float]] = {"home": [], "chain segments": []}
    fcp = (
        "const e = performance.getEntriesByName('first-contentful-paint');"
        "return e.length ? e[0].startTime : null;"
    )
    with Browser() as browser:
        browser.open(f"{base}/login")
        driver = browser.driver
        driver.find_element(By.ID, "login").send_keys("admin1")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
        for name, path in (("home", "/"), ("chain segments", chain_path)):
            browser.open(base + path)  # warm: the server's cache and the browser's assets
            for _ in range(5):
                browser.open(base + path)
                value = browser.run(fcp)
                if value is not None:
                    paints[name].append(round(float(str(value)), 1))
    return paints


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--chains", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--no-browser", action="store_true", help="skip the paint timings")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="chainmap-bench-console-"))
    report: dict[str, Any] = {"enterprises": args.enterprises, "chains": args.chains}
    try:
        began = time.perf_counter()
        generate_dataset(work / "data", enterprises=args.enterprises, chains=args.chains, seed=1)
        url = f"sqlite:///{work / 'console.db'}"
        import_datasets([work / "data"], lambda: open_store(url, create=True))
        report["build_seconds"] = round(time.perf_counter() - began, 1)
        pages = _setup(url)
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "chainmap", "serve", "--port", str(port), "--store", url],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(300):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            times, failures, warm = _load(port, pages, args.seconds)
            report["server_rss_mib_end"] = round(_rss(server.pid), 1)
            if not args.no_browser:
                report["first_paint_ms"] = _paints(f"http://127.0.0.1:{port}", pages["admin"][1][1])
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report["sessions"] = 8
    report["seconds"] = args.seconds
    report["first_request_seconds"] = warm
    report["pages"] = {
        name: {
            "requests": len(values),
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(_percentile(values, 0.95), 1),
            "max_ms": round(max(values), 1),
            "not_200": failures.get(name, []),
        }
        for name, values in sorted(times.items())
    }
    everything = [v for values in times.values() for v in values]
    report["requests"] = len(everything)
    report["p95_ms_overall"] = round(_percentile(everything, 0.95), 1)
    report["p95_target_met"] = all(
        p["p95_ms"] <= TARGET_P95_MS for p in report["pages"].values()
    ) and not any(p["not_200"] for p in report["pages"].values())
    if "first_paint_ms" in report:
        report["paint_target_met"] = all(
            max(v) <= TARGET_PAINT_MS for v in report["first_paint_ms"].values() if v
        )
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
