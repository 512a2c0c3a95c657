"""A small world for the API tests: two regions, two chains whose leaders share a supplier.

    Jiangsu (32)                         Anhui (34)
    A1 (3205) ─┐                  ┌─ B1 (3401)
               ├─> L1 (3205) ──> D1 (1101, Beijing)
    S (3205) ──┤                  │
               └─> L2 (3401) ──> D2 (3401)
    T (3401) ──> S                ┘

Chain C1 is led by L1 (members L1, A1, S, T, D1); chain C2 by L2 (L2, B1, S, T, D2). S supplies
both leaders; T supplies S. L1's tree is {L1, A1, S, T, D1}; L2's is {L2, B1, S, T, D2}.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sample_chain import make_uscc, write_dataset

from chainmap.access import issue_token
from chainmap.api import create_app
from chainmap.config import Settings
from chainmap.ingest.load import import_datasets
from chainmap.store import open_store

L1 = make_uscc(101, "320583")
L2 = make_uscc(102, "340100")
S = make_uscc(103, "320505")
A1 = make_uscc(104, "320506")
B1 = make_uscc(105, "340102")
T = make_uscc(106, "340103")
D1 = make_uscc(107, "110105")
D2 = make_uscc(108, "340104")

NAMES = {
    L1: "苏州整车股份有限公司",
    L2: "合肥整车股份有限公司",
    S: "苏州共用电池有限公司",
    A1: "苏州座椅有限公司",
    B1: "合肥轮胎有限公司",
    T: "合肥锂材料有限公司",
    D1: "北京汽车销售有限公司",
    D2: "合肥汽车销售有限公司",
}
REGION = {
    L1: "320583",
    L2: "340100",
    S: "320505",
    A1: "320506",
    B1: "340102",
    T: "340103",
    D1: "110105",
    D2: "340104",
}
TREE = {L1: {L1, A1, S, T, D1}, L2: {L2, B1, S, T, D2}}
LINKS = [(A1, L1), (S, L1), (S, L2), (B1, L2), (T, S), (L1, D1), (L2, D2)]


def tables() -> dict[str, list[list[str]]]:
    firms = [
        [
            "uscc",
            "name",
            "region_code",
            "industry_code",
            "employees",
            "revenue",
            "assets",
            "size",
            "maturity",
        ]
    ]
    firms += [[u, NAMES[u], REGION[u], "C3670", "50", "3000", "", "", "3"] for u in NAMES]
    members = [["chain_id", "segment_id", "uscc"]]
    members += [["C1", "parts", u] for u in (A1, S, T)] + [
        ["C1", "assembly", L1],
        ["C1", "sales", D1],
    ]
    members += [["C2", "parts", u] for u in (B1, S, T)] + [
        ["C2", "assembly", L2],
        ["C2", "sales", D2],
    ]
    return {
        "enterprises": firms,
        "chains": [
            ["chain_id", "name", "region_code", "leaders"],
            ["C1", "苏州新能源汽车产业链", "320500", L1],
            ["C2", "合肥新能源汽车产业链", "340100", L2],
        ],
        "segments": [
            ["chain_id", "segment_id", "name", "stage", "feeds"],
            *[[c, "parts", "零部件", "upstream", "assembly"] for c in ("C1", "C2")],
            *[[c, "assembly", "整车制造", "midstream", "sales"] for c in ("C1", "C2")],
            *[[c, "sales", "销售", "downstream", ""] for c in ("C1", "C2")],
        ],
        "members": members,
        "supply": [
            ["supplier_uscc", "customer_uscc", "product", "share", "annual_value"],
            *[[s, c, "零件", "0.5", "1000"] for s, c in LINKS],
        ],
        "certificates": [
            [
                "cert_no",
                "uscc",
                "standard",
                "body",
                "status",
                "issued_on",
                "expires_on",
                "scope",
                "grade",
            ],
            [
                "00124Q20001R0M",
                L1,
                "GB/T 19001-2016",
                "CQC",
                "valid",
                "2024-01-01",
                "2027-01-01",
                "",
                "",
            ],
            [
                "00124Q20002R0M",
                B1,
                "GB/T 19001-2016",
                "CQC",
                "valid",
                "2024-01-01",
                "2027-01-01",
                "",
                "",
            ],
        ],
        "bodies": [
            ["body_id", "name", "approval_no"],
            ["CQC", "中国质量认证中心", "CNCA-R-2002-001"],
        ],
    }


def write(folder: Path) -> Path:
    return write_dataset(folder, tables())


@dataclass
class World:
    """The app over the world, in-process, with a token for each role."""

    client: TestClient
    tokens: dict[str, str]
    url: str

    def get(self, who: str | None, path: str, headers: Any = None, **params: Any) -> Any:
        sent = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        sent.update(headers or {})
        return self.client.get(f"/api/v1{path}", headers=sent, params=params or None)

    def upload(self, who: str, *files: tuple[str, bytes], **headers: str) -> Any:
        return self.client.post(
            "/api/v1/datasets",
            headers={"Authorization": f"Bearer {self.tokens[who]}", **headers},
            files=[("files", (name, data, "text/csv")) for name, data in files],
        )


@pytest.fixture
def world(store_url: str, tmp_path: Path) -> Iterator[World]:
    """The world in a store of each kind, served in-process."""
    import_datasets([write(tmp_path / "world")], lambda: open_store(store_url, create=True))
    tokens = {}
    with open_store(store_url) as store:
        for who, role, regions, firm in (
            ("admin", "admin", None, None),
            ("reg32", "regulator", ["32"], None),
            ("reg34", "regulator", ["34"], None),
            ("leader1", "leader", None, L1),
            ("leader2", "leader", None, L2),
            ("analyst32", "analyst", ["32"], None),
        ):
            tokens[who], _ = issue_token(store, role, who, regions, firm)
    with TestClient(create_app(Settings(store=store_url))) as client:
        yield World(client, tokens, store_url)


def usccs(answer: Any) -> set[str]:
    """The firms of a search or tiers answer."""
    assert answer.status_code == 200, answer.text
    body = answer.json()
    items = body["items"] if isinstance(body, dict) and "items" in body else body["firms"]
    return {item["uscc"] for item in items}


def csv_bytes(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in rows).encode("utf-8")


def free_port() -> int:
    """A TCP port free on the loopback interface just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running(
    command: list[str], port: int, *, stderr: bool = False, seconds: float = 30
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``command`` (a ``chainmap serve``) on ``port`` of the loopback interface, up once
    ``/api/v1/health`` answers (within ``seconds``); yields its base URL and the process, and
    always stops it. With ``stderr`` its standard error is kept to read (``communicate``)."""
    server = subprocess.Popen(
        [*command, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if stderr else subprocess.DEVNULL,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + seconds
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/v1/health", timeout=1).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"chainmap serve did not start within {seconds:g} s")
                time.sleep(0.1)
        yield base, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


@contextmanager
def serving(url: str, *, seconds: float = 30) -> Iterator[str]:
    """`chainmap serve` over the store ``url`` on a free loopback port, up within ``seconds``;
    yields its base URL (``http://127.0.0.1:PORT``) and always stops it."""
    command = [sys.executable, "-m", "chainmap", "serve", "--host", "127.0.0.1", "--store", url]
    with running(command, free_port(), seconds=seconds) as (base, _):
        yield base
