"""Validation in worker processes gives the same verdict and the same rows as in one process,
and a failure found late still keeps nothing."""

from __future__ import annotations

import csv
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sample_chain import make_uscc

from chainmap.errors import ValidationFailed
from chainmap.ingest.load import import_datasets
from chainmap.samples import generate_dataset
from chainmap.store import Store, open_store


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated") / "data"
    generate_dataset(out, enterprises=3000, chains=6, seed=11)
    return out


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(db) as con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: sorted(con.execute(f"SELECT * FROM {n}")) for n in names}  # noqa: S608


def opener(db: Path) -> Callable[[], Store]:
    return lambda: open_store(f"sqlite:///{db}", create=True)


def spoil(source: Path, target: Path) -> Path:
    """A copy of ``source`` with a bad enterprise, a supply link to an unknown firm, and a
    certificate that contradicts an earlier row: errors in three different tasks."""
    target.mkdir()
    for file in source.iterdir():
        target.joinpath(file.name).write_bytes(file.read_bytes())
    with (target / "enterprises.csv").open("a", encoding="utf-8", newline="") as out:
        csv.writer(out).writerow(["91350203M0001QAY9B", "坏码公司", "350203", "C3670"])
    supply = (target / "supply.csv").read_text(encoding="utf-8").splitlines()
    first = next(csv.reader([supply[1]]))
    with (target / "supply.csv").open("a", encoding="utf-8", newline="") as out:
        csv.writer(out).writerow([make_uscc(99999), first[1], "螺丝", "0.5", ""])
    certificates = (target / "certificates.csv").read_text(encoding="utf-8").splitlines()
    row = next(csv.reader([certificates[1]]))
    row[4] = "撤销" if row[4] != "撤销" else "有效"
    with (target / "certificates.csv").open("a", encoding="utf-8", newline="") as out:
        csv.writer(out).writerow(row)
    return target


def test_workers_write_what_one_process_writes(generated: Path, tmp_path: Path) -> None:
    stores = {}
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.db"
        result = import_datasets([generated], opener(db), workers=workers)
        assert result.rows_written > 3000
        stores[workers] = dump(db)
    assert stores[1] == stores[2]


def test_workers_report_what_one_process_reports(generated: Path, tmp_path: Path) -> None:
    bad = spoil(generated, tmp_path / "bad")
    reports = {}
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.db"
        with pytest.raises(ValidationFailed) as failed:
            import_datasets([bad], opener(db), workers=workers)
        reports[workers] = failed.value.problems
        assert not db.exists()
        assert not list(tmp_path.glob(f".w{workers}.db*")), "the staged store was left behind"
    assert reports[1] == reports[2]
    messages = [p.message for p in reports[2] if p.is_error]
    assert any("expected '9'" in m for m in messages)
    assert any("unknown enterprise" in m for m in messages)
    assert any("duplicate of row 2" in m for m in messages)


def test_a_late_error_rolls_back_rows_already_streamed(generated: Path, tmp_path: Path) -> None:
    db = tmp_path / "existing.db"
    import_datasets([generated], lambda: open_store(f"sqlite:///{db}", create=True), workers=1)
    before = dump(db)
    bad = spoil(generated, tmp_path / "bad")
    with open_store(f"sqlite:///{db}") as store, pytest.raises(ValidationFailed):
        import_datasets([bad], lambda: store, known=store, workers=2)
    assert dump(db) == before


def test_spools_are_removed(generated: Path, tmp_path: Path) -> None:
    leftovers = set(Path(tempfile.gettempdir()).glob("chainmap-import-*"))
    db = tmp_path / "s.db"
    import_datasets([generated], lambda: open_store(f"sqlite:///{db}", create=True), workers=2)
    with pytest.raises(ValidationFailed):
        import_datasets(
            [spoil(generated, tmp_path / "bad")],
            lambda: open_store(f"sqlite:///{tmp_path / 't.db'}", create=True),
            workers=2,
        )
    # (those of imports killed earlier may be gone too: an import removes them)
    assert set(Path(tempfile.gettempdir()).glob("chainmap-import-*")) <= leftovers
