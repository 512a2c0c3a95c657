"""Import benchmark: generate a dataset, import it into a fresh embedded store, report the figures.

    python bench/bench_import.py --enterprises 100000
    python bench/bench_import.py --enterprises 1000000 --workdir /tmp/chainmap-bench
    python bench/bench_import.py --enterprises 20000 --ledger   # a bureau's Chinese workbook

The dataset (about 3 supply links per enterprise, plus chains, members and certificates) is
generated first; the import then runs in a child process of its own. Memory is the peak resident
size of that process (``ru_maxrss``) and, sampled every 50 ms, the peak of the sum over it and
its validation workers. Rows per second count every row read, end to end: encoding detection,
parsing, validation, reference checks and the SQLite transaction.

With ``--ledger`` the generated dataset is written as a bureau keeps it (one XLSX workbook: a
企业台账 sheet with title rows, Chinese headers, one row per firm and chain with values such as
85人 and 1.2万, and a 供应关系 sheet naming firms by name; :mod:`chainmap.samples.ledger`) and
that workbook is imported; rows per second then count the ledger's and supply sheet's rows.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def _tree_rss() -> int:
    """Resident bytes of this process and all its descendants (the validation workers)."""
    import psutil

    me = psutil.Process()
    total = 0
    for process in [me, *me.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # a worker may end while we look
            total += process.memory_info().rss
    return total


def _child(data: Path, db: Path, workers: int | None) -> None:
    from chainmap.ingest.load import import_datasets
    from chainmap.store import open_store

    url = f"sqlite:///{db}"
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], _tree_rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    result = import_datasets([data], lambda: open_store(url, create=True), workers=workers)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows_read": result.rows_read,
                "written": {str(k): v for k, v in result.written.items()},
                "seconds": round(seconds, 2),
                "main_peak_mib": round(peak_kib / 1024),
                "all_processes_peak_mib": round(peak[0] / 2**20),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--chains", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None, help="kept when given")
    parser.add_argument(
        "--workers", type=int, default=0, help="validation processes (0: chainmap's default)"
    )
    parser.add_argument(
        "--ledger", action="store_true", help="import the dataset as a Chinese ledger workbook"
    )
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        data, db = args.child
        _child(data, db, args.workers or None)
        return

    from chainmap.samples import generate_dataset

    work = args.workdir or Path(tempfile.mkdtemp(prefix="chainmap-bench-"))
    data, db = work / "data", work / "bench.db"
    shutil.rmtree(data, ignore_errors=True)
    for leftover in work.glob("bench.db*"):
        leftover.unlink()
    started = time.perf_counter()
    summary = generate_dataset(
        data, enterprises=args.enterprises, chains=args.chains, seed=args.seed
    )
    generated = time.perf_counter() - started
    source = data
    sheet_rows = None
    if args.ledger:
        from chainmap.samples.ledger import write_ledger_workbook

        source = work / "台账.xlsx"
        ledger_rows = write_ledger_workbook(data, source, seed=args.seed)
        sheet_rows = ledger_rows + summary.supply
    child = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            str(source),
            str(db),
            "--workers",
            str(args.workers),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(child.stdout)
    if sheet_rows is not None:
        figures["rows_read"] = sheet_rows  # rows of the two sheets, not the tables derived
    report = {
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}",
        "workers": args.workers or "default",
        "source": "ledger workbook (XLSX)" if args.ledger else "CSV folder",
        "enterprises": summary.enterprises,
        "supply": summary.supply,
        "generate_seconds": round(generated, 2),
        **figures,
        "rows_per_second": round(figures["rows_read"] / figures["seconds"]),
        "db_mib": round(db.stat().st_size / 2**20, 1),
    }
    if args.ledger:
        report["workbook_mib"] = round(source.stat().st_size / 2**20, 1)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.workdir is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
