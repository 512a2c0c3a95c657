"""An import killed with ``kill -9`` part-way loses nothing: the embedded store is as it was (or
holds the whole import, if the kill came after the commit), Neo4j keeps only complete rows, and
the same import run again completes. Its validation workers end with it."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from sample_chain import write_dataset

from chainmap.ingest.load import import_datasets
from chainmap.records import EnterpriseRow, FirmQuery
from chainmap.samples import generate_dataset
from chainmap.store import open_store

CHAINMAP = str(Path(sys.executable).with_name("chainmap"))
#: the longest any import below may take
BOUND = 60.0


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset of 8 MiB: workers start, and the import takes a second or two."""
    out = tmp_path_factory.mktemp("kills") / "data"
    generate_dataset(out, enterprises=20_000, chains=5, seed=3)
    return out


@pytest.fixture(scope="module")
def smaller(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset that takes Neo4j a few seconds to write."""
    out = tmp_path_factory.mktemp("kills") / "smaller"
    generate_dataset(out, enterprises=8_000, chains=5, seed=3)
    return out


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data a store holds before the import that is killed."""
    return write_dataset(tmp_path_factory.mktemp("kills") / "first")


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with contextlib.closing(sqlite3.connect(db)) as con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: sorted(con.execute(f"SELECT * FROM {n}")) for n in names}  # noqa: S608


def imported(db: Path, *datasets: Path) -> dict[str, list[tuple[Any, ...]]]:
    """What the store holds after importing ``datasets`` one after the other, undisturbed."""
    for data in datasets:
        import_datasets([data], lambda: open_store(f"sqlite:///{db}", create=True))
    return dump(db)


def start_import(data: Path, url: str, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [CHAINMAP, "import", str(data), "--store", url],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts: killed, with whatever they started, if still running at its end."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            with contextlib.suppress(psutil.Error):
                for child in psutil.Process(process.pid).children(recursive=True):
                    child.kill()
            process.kill()
        process.wait(10)


def kill_when(process: subprocess.Popen[bytes], writing: Callable[[], bool]) -> bool:
    """``kill -9`` the process once ``writing()`` says it writes (or after :data:`BOUND`);
    True when it was killed while it ran."""
    deadline = time.monotonic() + BOUND
    while process.poll() is None and time.monotonic() < deadline and not writing():
        time.sleep(0.01)
    running = process.poll() is None
    if running:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    return running


def wal_grows(folder: Path, before: int = 0) -> Callable[[], bool]:
    """True once a write-ahead log in ``folder`` (the store's, or a new store's staging file's)
    holds more than ``before`` bytes and some rows: the import is writing."""

    def writing() -> bool:
        sizes = [p.stat().st_size for p in folder.glob("*-wal") if p.exists()]
        return any(size > before + (256 << 10) for size in sizes)

    return writing


def rerun(data: Path, url: str) -> None:
    done = subprocess.run(
        [CHAINMAP, "import", str(data), "--store", url],
        capture_output=True,
        text=True,
        timeout=BOUND,
    )
    assert done.returncode == 0, done.stderr


# -- SQLite ------------------------------------------------------------------------------------


def test_a_killed_first_import_leaves_no_store_and_runs_again(
    generated: Path, tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    expected = imported(tmp_path / "expected.db", generated)
    folder = tmp_path / "store"
    folder.mkdir()
    db = folder / "killed.db"
    url = f"sqlite:///{db}"
    processes.append(start_import(generated, url))
    kill_when(processes[0], wal_grows(folder))
    if db.exists():  # killed after the commit: the whole import is there
        assert dump(db) == expected
    rerun(generated, url)
    assert dump(db) == expected
    # the killed import's staging file is gone, and nothing else was left beside the store
    assert sorted(p.name for p in folder.iterdir()) == ["killed.db"]


def test_a_killed_import_leaves_the_store_as_it_was_and_runs_again(
    generated: Path, first: Path, tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    expected = imported(tmp_path / "expected.db", first, generated)
    folder = tmp_path / "store"
    folder.mkdir()
    db = folder / "killed.db"
    url = f"sqlite:///{db}"
    before = imported(db, first)
    processes.append(start_import(generated, url))
    kill_when(processes[0], wal_grows(folder))
    assert dump(db) in (before, expected)
    rerun(generated, url)
    assert dump(db) == expected


# -- Neo4j -------------------------------------------------------------------------------------


def firms(url: str) -> dict[str, EnterpriseRow]:
    with open_store(url) as store:
        rows, total = store.search_enterprises(FirmQuery(limit=1_000_000))
    assert len(rows) == total
    return {row.uscc: row for row in rows}


def counts(url: str) -> dict[str, int]:
    with open_store(url) as store:
        return store.stats()


def firms_written(url: str, before: int) -> Callable[[], bool]:
    store = open_store(url)

    def writing() -> bool:
        return store.stats()["enterprises"] > before

    writing.close = store.close  # type: ignore[attr-defined]
    return writing


@pytest.mark.parametrize("with_data", [False, True], ids=["empty", "with-data"])
def test_a_killed_neo4j_import_keeps_whole_rows_and_runs_again(
    neo4j_url: str,
    smaller: Path,
    first: Path,
    tmp_path: Path,
    processes: list[subprocess.Popen[bytes]],
    with_data: bool,
) -> None:
    reference = f"sqlite:///{tmp_path / 'expected.db'}"
    earlier = [first] if with_data else []
    before_firms: dict[str, EnterpriseRow] = {}
    if earlier:
        imported(tmp_path / "before.db", *earlier)
        before_firms = firms(f"sqlite:///{tmp_path / 'before.db'}")
    imported(tmp_path / "expected.db", *earlier, smaller)
    expected_firms, expected_counts = firms(reference), counts(reference)
    with open_store(neo4j_url) as store:
        store.erase_everything()  # type: ignore[attr-defined]
    for data in earlier:
        import_datasets([data], lambda: open_store(neo4j_url))
    processes.append(start_import(smaller, neo4j_url))
    writing = firms_written(neo4j_url, len(before_firms))
    try:
        kill_when(processes[0], writing)
    finally:
        writing.close()  # type: ignore[attr-defined]
    # what the killed import left: the data held before, and whole rows of the import
    partial = firms(neo4j_url)
    assert before_firms.keys() <= partial.keys() <= expected_firms.keys()
    for uscc, row in partial.items():
        assert row in (before_firms.get(uscc), expected_firms[uscc])
    assert all(n <= expected_counts[key] for key, n in counts(neo4j_url).items())
    rerun(smaller, neo4j_url)
    assert firms(neo4j_url) == expected_firms
    assert counts(neo4j_url) == expected_counts


# -- workers -----------------------------------------------------------------------------------


def test_validation_workers_end_with_a_killed_import(
    generated: Path, tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    importing = start_import(generated, url, CHAINMAP_WORKERS="2")
    processes.append(importing)
    parent = psutil.Process(importing.pid)
    started: list[psutil.Process] = []
    deadline = time.monotonic() + BOUND
    # the resource tracker, the forkserver and two workers
    while importing.poll() is None and len(started) < 4 and time.monotonic() < deadline:
        with contextlib.suppress(psutil.Error):
            started = parent.children(recursive=True)
        time.sleep(0.01)
    assert len(started) >= 4, "the import ended before its workers could be seen"
    os.kill(importing.pid, signal.SIGKILL)
    importing.wait(10)
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_lives(p) for p in started):
            time.sleep(0.05)
        assert not [p.pid for p in started if _lives(p)], "processes outlived the import"
    finally:
        for process in started:
            with contextlib.suppress(psutil.Error):
                process.kill()


def _lives(process: psutil.Process) -> bool:
    try:
        return bool(process.is_running() and process.status() != psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False


def test_the_spools_of_a_killed_import_go_with_the_next_import(
    generated: Path, first: Path, tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    killed = start_import(generated, f"sqlite:///{tmp_path / 'killed.db'}")
    processes.append(killed)
    pattern = f"chainmap-import-{killed.pid}-*"
    temp = Path(tempfile.gettempdir())
    assert kill_when(killed, lambda: any(temp.glob(pattern)))
    assert list(temp.glob(pattern)), "the killed import's spools"
    import_datasets([first], lambda: open_store(f"sqlite:///{tmp_path / 'next.db'}", create=True))
    assert not list(temp.glob(pattern))
