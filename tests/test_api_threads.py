"""The embedded store under a threaded server: FastAPI may resolve a route's store in one worker
thread and run the route in another; each thread must still read through its own connection."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from api_world import write

from chainmap.api.deps import Stores, get_store
from chainmap.ingest.load import import_datasets
from chainmap.store import open_store


def _in_thread(call: Any) -> Any:
    found: list[Any] = []
    worker = threading.Thread(target=lambda: found.append(call()))
    worker.start()
    worker.join(timeout=30)
    return found[0]


def test_a_store_resolved_in_one_thread_reads_through_the_using_threads_connection(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'api.db'}"
    import_datasets([write(tmp_path / "world")], lambda: open_store(url, create=True))
    stores = Stores(url)
    request: Any = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(stores=stores)))
    try:
        handed = _in_thread(lambda: get_store(request))  # resolved in a worker thread
        here = handed._db  # used in this one
        there = _in_thread(lambda: handed._db)  # and in a third
        assert here is stores.get()._db
        assert there is not here
        # two threads reading snapshots at once through the one handed-out store
        errors: list[BaseException] = []

        def read() -> None:
            try:
                for _ in range(50):
                    handed.region("32")
            except BaseException as error:
                errors.append(error)

        workers = [threading.Thread(target=read) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        assert errors == []
    finally:
        stores.close()
