"""Imports into one SQLite file at the same time take turns: each validates without holding the
write lock, each keeps its own staging file for a new store, and one that finds the store
being written waits (saying so) up to a bound, then gives up with a clear error. No import is
lost, and none reports rows it did not keep."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from sample_chain import write_dataset

from chainmap.ingest.load import import_datasets
from chainmap.ingest.validate import validate_paths
from chainmap.samples import generate_dataset
from chainmap.store import open_store
from chainmap.store.sqlite import SQLiteStore

CHAINMAP = str(Path(sys.executable).with_name("chainmap"))
BOUND = 60.0


@pytest.fixture(scope="module")
def datasets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two datasets of different firms, each a second or so to import."""
    folder = tmp_path_factory.mktemp("concurrent")
    one, two = folder / "one", folder / "two"
    generate_dataset(one, enterprises=4000, chains=3, seed=21)
    generate_dataset(two, enterprises=4000, chains=3, seed=22)
    return one, two


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with contextlib.closing(sqlite3.connect(db)) as con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: sorted(con.execute(f"SELECT * FROM {n}")) for n in names}  # noqa: S608


def imported(db: Path, *paths: Path) -> dict[str, list[tuple[Any, ...]]]:
    for data in paths:
        import_datasets([data], lambda: open_store(f"sqlite:///{db}", create=True))
    return dump(db)


class Running:
    """``chainmap import`` in a process of its own, its stderr collected as it comes."""

    def __init__(self, data: Path, db: Path, **env: str) -> None:
        self.process = subprocess.Popen(
            [CHAINMAP, "import", str(data), "--store", f"sqlite:///{db}", "--lang", "en"],
            env={**os.environ, "COLUMNS": "200", **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stderr: list[str] = []
        self.output: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stderr, self.stderr)),
            threading.Thread(target=self._read, args=(self.process.stdout, self.output)),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream: IO[str], lines: list[str]) -> None:
        for line in stream:
            lines.append(line)

    def says(self, text: str) -> bool:
        return text in "".join(self.stderr)

    @property
    def stdout(self) -> str:
        return "".join(self.output)

    def finish(self) -> int:
        self.process.wait(BOUND)
        for reader in self._readers:
            reader.join(BOUND)
        return self.process.returncode

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        for reader in self._readers:
            reader.join(10)


@pytest.fixture
def running() -> Iterator[list[Running]]:
    started: list[Running] = []
    yield started
    for each in started:
        each.stop()


def wait_until(condition: Any, seconds: float = BOUND) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return bool(condition())


@contextlib.contextmanager
def write_lock(db: Path) -> Iterator[sqlite3.Connection]:
    """Hold the store's write lock, as an import writing to it does."""
    con = sqlite3.connect(db, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        yield con
    finally:
        if con.in_transaction:
            con.execute("ROLLBACK")
        con.close()


def test_two_imports_into_one_store_both_land(
    datasets: tuple[Path, Path], tmp_path: Path, running: list[Running]
) -> None:
    one, two = datasets
    first = write_dataset(tmp_path / "first")
    either = (
        imported(tmp_path / "a.db", first, one, two),
        imported(tmp_path / "b.db", first, two, one),
    )
    db = tmp_path / "shared.db"
    imported(db, first)
    running += [Running(one, db), Running(two, db)]
    codes = [each.finish() for each in running]
    assert codes == [0, 0], [each.stderr for each in running]
    assert dump(db) in either
    assert all("Imported into" in each.stdout for each in running)


def test_two_first_imports_into_one_new_path_both_land(
    datasets: tuple[Path, Path], tmp_path: Path, running: list[Running]
) -> None:
    one, two = datasets
    either = (imported(tmp_path / "a.db", one, two), imported(tmp_path / "b.db", two, one))
    folder = tmp_path / "store"
    folder.mkdir()
    db = folder / "new.db"
    running += [Running(one, db), Running(two, db)]
    codes = [each.finish() for each in running]
    assert codes == [0, 0], [each.stderr for each in running]
    assert dump(db) in either
    assert sorted(p.name for p in folder.iterdir()) == ["new.db"]  # no staging file left


def test_two_new_stores_at_one_path_keep_both_imports(
    datasets: tuple[Path, Path], tmp_path: Path
) -> None:
    """The same race, in one process: the second store to commit finds the first's file."""
    one, two = datasets
    expected = imported(tmp_path / "expected.db", one, two)
    db = tmp_path / "new.db"
    with (
        SQLiteStore(db, create=True, staged=True) as early,
        SQLiteStore(db, create=True, staged=True) as late,
    ):
        heard: list[str] = []
        with validate_paths([one]) as rows:
            early.write(rows)
        with validate_paths([two]) as rows:
            written = late.write(rows, on_wait=heard.append)
        assert sum(written.values()) > 4000
        assert heard == [f"{db} was created by another import meanwhile; adding to it"]
    assert dump(db) == expected
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_an_import_waits_for_another_and_says_so(
    datasets: tuple[Path, Path], tmp_path: Path, running: list[Running]
) -> None:
    one, _ = datasets
    first = write_dataset(tmp_path / "first")
    expected = imported(tmp_path / "expected.db", first, one)
    db = tmp_path / "store.db"
    imported(db, first)
    with write_lock(db):
        running.append(Running(one, db))
        assert wait_until(lambda: running[0].says("waiting for another import")), running[0].stderr
    assert running[0].finish() == 0, running[0].stderr
    assert dump(db) == expected


def test_an_import_gives_up_after_the_lock_wait_with_a_clear_error(
    datasets: tuple[Path, Path], tmp_path: Path, running: list[Running]
) -> None:
    one, _ = datasets
    db = tmp_path / "store.db"
    before = imported(db, write_dataset(tmp_path / "first"))
    with write_lock(db):
        running.append(Running(one, db, CHAINMAP_LOCK_WAIT="1"))
        code = running[0].finish()
    said = "".join(running[0].stderr)
    assert code == 3, said
    assert "Traceback" not in said
    assert "still locked after 1 s; nothing was written" in said
    assert dump(db) == before


def test_a_failing_import_is_told_so_without_waiting_for_the_lock(
    tmp_path: Path, running: list[Running]
) -> None:
    db = tmp_path / "store.db"
    before = imported(db, write_dataset(tmp_path / "first"))
    bad = write_dataset(tmp_path / "bad")
    with (bad / "enterprises.csv").open("a", encoding="utf-8") as out:
        out.write("91350203M0001QAY9B,坏码公司,350203,C3670\n")
    with write_lock(db):
        started = time.monotonic()
        running.append(Running(bad, db))
        code = running[0].finish()
        assert time.monotonic() - started < 9  # the busy timeout is 10 s
    assert code == 2, running[0].stderr
    assert dump(db) == before
