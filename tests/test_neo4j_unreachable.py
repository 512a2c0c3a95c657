"""A Neo4j server that cannot be reached is said so within seconds (exit 3), and one that stops
in the middle of an import leaves a clear message and whole rows: the same import run again,
once the server is back, completes it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chainmap.ingest.load import import_datasets
from chainmap.records import FirmQuery
from chainmap.samples import generate_dataset
from chainmap.store import open_store

CHAINMAP = str(Path(sys.executable).with_name("chainmap"))
ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "tools" / "neo4j-test-server" / "target"


def chainmap(*args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run(
        [CHAINMAP, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "300", **env},
    )
    return done, time.monotonic() - started


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens on it now


def test_a_refused_connection_fails_at_once(dataset: Path) -> None:
    url = f"bolt://127.0.0.1:{closed_port()}"
    for args in (["stats"], ["import", str(dataset)]):
        done, seconds = chainmap(*args, "--store", url)
        assert done.returncode == 3, done.stderr
        assert f"cannot reach Neo4j at {url}" in done.stderr
        assert "Traceback" not in done.stderr
        assert seconds < 5


def test_a_server_that_accepts_and_never_answers_fails_within_seconds(dataset: Path) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"bolt://127.0.0.1:{silent.getsockname()[1]}"
        done, seconds = chainmap("import", str(dataset), "--store", url)
    assert done.returncode == 3, done.stderr
    assert f"cannot reach Neo4j at {url}" in done.stderr
    assert seconds < 12  # the driver's own wait was 60 s


# -- a server of the test's own, stopped mid-import -------------------------------------------


class Server:
    """A Neo4j test server (tools/neo4j-test-server, as scripts/neo4j-test-server starts it) on a
    port and in a folder of its own: never the shared one the other tests use."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = closed_port()
        self.url = f"bolt://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.home / "log"
        self.home.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    "java",
                    # a small heap, and the quick compiler only: the server lives for seconds
                    "-Xms256m",
                    "-Xmx512m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-Djdk.nio.maxCachedBufferSize=1024",
                    "-Dio.netty.tryReflectionSetAccessible=true",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "-cp",
                    f"{SERVER / 'lib'}/*:{SERVER / 'classes'}",
                    "TestServer",
                    str(self.home / "dbms"),
                    str(self.port),
                ],
                stdout=out,
                stderr=out,
            )
        deadline = time.monotonic() + 90
        while not self._ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"the test's own Neo4j did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)

    def _ready(self) -> bool:
        return b"READY" in (self.home / "log").read_bytes()[-4096:]

    def crash(self) -> None:
        """``kill -9``: the server goes without a word, as in a power cut."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)
        (self.home / "log").write_bytes(b"")  # READY again only when restarted

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # its data is thrown away with the test's folder
            self.process.wait(30)


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[Server]:
    if shutil.which("java") is None or not (SERVER / "classes" / "TestServer.class").exists():
        reason = (
            "no Java or no built tools/neo4j-test-server (bash scripts/neo4j-test-server start)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    server = Server(tmp_path / "neo4j")
    try:
        server.start()
        yield server
    finally:
        server.stop()


def test_a_server_stopped_mid_import_leaves_a_clear_message_and_a_rerun_completes(
    own_server: Server, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    generate_dataset(data, enterprises=2_000, chains=3, seed=5)
    reference = f"sqlite:///{tmp_path / 'expected.db'}"
    import_datasets([data], lambda: open_store(reference, create=True))
    with open_store(reference) as store:
        expected = store.stats()
        firms, _ = store.search_enterprises(FirmQuery(limit=100_000))
    importing = subprocess.Popen(
        [CHAINMAP, "import", str(data), "--store", own_server.url, "--lang", "en"],
        env={**os.environ, "COLUMNS": "300", "CHAINMAP_NEO4J_RETRY": "3"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with open_store(own_server.url) as watch:
            deadline = time.monotonic() + 60
            while importing.poll() is None and time.monotonic() < deadline:
                if watch.stats()["enterprises"] > 0:
                    break
                time.sleep(0.02)
        assert importing.poll() is None, "the import ended before the server could be stopped"
        own_server.crash()
        stopped = time.monotonic()
        _, said = importing.communicate(timeout=60)
        seconds = time.monotonic() - stopped
    finally:
        if importing.poll() is None:
            importing.kill()
            importing.wait(10)
    assert importing.returncode == 3, said
    assert "Traceback" not in said
    assert "lost Neo4j at" in said and "running the same import again" in said
    assert seconds < 15
    own_server.start()  # on the same folder: what was committed is there
    done, _ = chainmap("import", str(data), "--store", own_server.url)
    assert done.returncode == 0, done.stderr
    with open_store(own_server.url) as store:
        assert store.stats() == expected
        found, _ = store.search_enterprises(FirmQuery(limit=100_000))
    assert found == firms
