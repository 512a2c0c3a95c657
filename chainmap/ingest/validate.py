"""Validate whole datasets before anything is written.

Every row is checked against its model (types and registry rules), every reference is resolved
(against the datasets of the same import and the store), and duplicates are compared: an identical
repeat is dropped, a repeat with other values is an error. The valid rows are parked in spools; the
result is handed to a store only when no error was found, so a failed import writes nothing.

Several datasets in one import are read in order; a later one may update what an earlier one
gives (the store keeps the last), while within one dataset a conflicting duplicate is an error.

Each table of each dataset is a task (:mod:`chainmap.ingest.tasks`). Large imports run the tasks
in worker processes, one per core, biggest first; small ones run them in this process. Either way
the problems come out in the same order: dataset by dataset, table by table, row by row, then the
unknown references.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import shutil
import sys
import tempfile
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from chainmap.errors import ChainmapError, ValidationFailed
from chainmap.ingest.problems import Problem
from chainmap.ingest.sources import DatasetSource, ReadOptions, forget_datasets, open_dataset
from chainmap.ingest.spool import SpoolReader
from chainmap.ingest.tables import SPECS
from chainmap.ingest.tasks import Task, TaskResult, run_task
from chainmap.records import (
    BodyRow,
    CertificateRow,
    ChainRow,
    EnterpriseRow,
    FeedRow,
    LeaderRow,
    MemberRow,
    Row,
    SegmentRow,
    SupplyRow,
    Table,
)

__all__ = ["PARALLEL_BYTES", "KnownKeys", "Validation", "validate_paths"]

#: imports whose files add up to at least this many bytes are validated in worker processes
PARALLEL_BYTES = 4 << 20

_ROW_TYPES: dict[Table, Any] = {
    Table.BODIES: BodyRow,
    Table.ENTERPRISES: EnterpriseRow,
    Table.CHAINS: ChainRow,
    Table.SEGMENTS: SegmentRow,
    Table.MEMBERS: MemberRow,
    Table.SUPPLY: SupplyRow,
    Table.CERTIFICATES: CertificateRow,
}
_DEFINING = (Table.ENTERPRISES, Table.CHAINS, Table.SEGMENTS)
_SMALL_TABLE = 1 << 20


class KnownKeys(Protocol):
    """What validation asks a store: which referenced keys it already holds."""

    def existing(self, table: Table, keys: Collection[str]) -> set[str]:
        """The subset of ``keys`` present in ``table`` (segments keyed ``chain_id\\tsegment_id``)."""
        ...

    def bodies(self) -> list[BodyRow]:
        """Every certification body the store holds."""
        ...


# -- running tasks ----------------------------------------------------------------------------

_messages: Any = None  # in a worker process: the queue of news for the parent


def _start_worker(messages: Any, lifeline: Any) -> None:
    global _messages
    _messages = messages
    threading.Thread(target=_end_with_import, args=(lifeline,), daemon=True).start()


def _end_with_import(lifeline: Any) -> None:
    """Wait on the lifeline, whose other end only the importing process holds: it reads end of
    file when that process ends, however it ends (even ``kill -9``), and the worker ends too.
    Otherwise the workers, and the forkserver and resource tracker they keep alive, would
    outlive an import that was killed."""
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv_bytes()
    os._exit(1)


def _run_in_worker(index: int, task: Task) -> TaskResult:
    """Run a task in a worker, telling the parent (task, rows read, chunks spooled) as it goes."""
    return run_task(
        task,
        lambda rows: _messages.put((index, rows, 0)),
        lambda chunks: _messages.put((index, 0, chunks)),
    )


def _as_records(table: Table, rows: Sequence[tuple[Any, ...]]) -> list[Row]:
    """Plain tuples as the named tuples of ``table``."""
    # tuple.__new__ makes the named tuples without their Python-level constructor
    return list(map(partial(tuple.__new__, _ROW_TYPES[table]), rows))


def _plain_batches(rows: list[Any], size: int) -> Iterator[list[tuple[Any, ...]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _can_start_workers() -> bool:
    """Worker processes re-import the main module by its file: a main read from standard input
    (``python - <<EOF``) has none, so validation then stays in this process."""
    main_file = getattr(sys.modules["__main__"], "__file__", None)
    return main_file is None or Path(main_file).exists()


def _table_bytes(source: DatasetSource, table: str) -> int:
    return source.tables[table].size


def _bodies_map(known: KnownKeys | None, results: list[TaskResult]) -> dict[str, str]:
    """Certification body id or name -> body id, from the store and the import's bodies."""
    bodies: dict[str, str] = {}
    for body in known.bodies() if known is not None else []:
        bodies[body.name] = bodies[body.body_id] = body.body_id
    for result in results:
        for chunk in result.spool.chunks():
            for body_id, name, _ in chunk:
                bodies[name] = bodies[body_id] = body_id
    return bodies


_TABLE_ORDER = {spec.name: i for i, spec in enumerate(SPECS)}
_SPOOL_PREFIX = "chainmap-import-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        return True
    return True


def _remove_stale_spools() -> None:
    """Delete the spool folders of imports whose process is gone (killed before it could)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_SPOOL_PREFIX}*-*"):
        owner = folder.name.removeprefix(_SPOOL_PREFIX).split("-")[0]
        if owner.isdigit() and not _alive(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)


class Validation:
    """The validation of one import, and its valid rows once it passes.

    It owns the worker processes and the spool files: use it as a context manager. It is the
    :class:`~chainmap.records.TableRows` a store writes: asking for a table's rows waits for that
    table's tasks, so a store that can roll back may write while later tables are still being
    validated; :meth:`settle` (which the store calls before it commits) waits for the rest and
    raises :class:`~chainmap.errors.ValidationFailed` if anything is wrong.
    """

    def __init__(
        self,
        paths: Sequence[Path],
        known: KnownKeys | None = None,
        *,
        accept_bad_checksum: bool = False,
        progress: Callable[[int], None] | None = None,
        workers: int | None = None,
        options: ReadOptions | None = None,
        stop_after: int | None = None,
        deadline: float | None = None,
    ) -> None:
        self._known = known
        self._progress = progress
        options = options or ReadOptions()
        self._sources = [open_dataset(p, options) for p in paths]
        _remove_stale_spools()
        self._folder = Path(tempfile.mkdtemp(prefix=f"{_SPOOL_PREFIX}{os.getpid()}-"))
        self._results: dict[int, TaskResult] = {}
        self._futures: dict[int, Future[TaskResult]] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._messages: Any = None
        self._lifeline: tuple[Any, Any] | None = None  # the workers' lifeline: (read, write)
        self._flushed: dict[int, int] = defaultdict(int)  # task -> chunks its spool holds
        self._settled: list[Problem] | None = None
        self._settling = False
        if workers is None:
            size = sum(t.size for s in self._sources for t in s.tables.values())
            workers = min(2, os.cpu_count() or 1) if size >= PARALLEL_BYTES else 1
        try:
            tasks = [
                Task(
                    i,
                    s.path,
                    spec.name,
                    accept_bad_checksum,
                    self._folder / f"{i}-{spec.name}",
                    options=options,
                    stop_after=stop_after,
                    deadline=deadline,
                )
                for i, s in enumerate(self._sources)
                for spec in SPECS
                if spec.name in s.tables
            ]
            # bodies first, here: certificates name bodies by id or name
            bodies = [run_task(t, progress) for t in tasks if t.table == "bodies"]
            known_bodies = _bodies_map(known, bodies)
            self._tasks = [
                replace(t, bodies=known_bodies) if t.table == "certificates" else t for t in tasks
            ]
            for index, task in enumerate(self._tasks):
                if task.table == "bodies":
                    self._results[index] = bodies.pop(0)
            if workers > 1 and len(self._tasks) - len(self._results) > 1 and _can_start_workers():
                self._start_pool(workers)
        except BaseException:
            self.close()
            raise

    # -- running tasks ---------------------------------------------------------------------

    def _start_pool(self, workers: int) -> None:
        # forkserver: workers start from a clean process that imported the validation code once
        # (forking this one could copy a lock held by another thread, e.g. a progress display)
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["chainmap.ingest.tasks"])
        self._messages = context.Queue()
        # kept open until the workers ended: a worker starting later needs the read end
        self._lifeline = context.Pipe(duplex=False)
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self._messages, self._lifeline[0]),
        )
        waiting = [i for i in range(len(self._tasks)) if i not in self._results]
        size = {
            i: _table_bytes(self._sources[self._tasks[i].dataset], self._tasks[i].table)
            for i in waiting
        }
        # tiny tables first (they take moments, and the writer wants the chains early), then the
        # biggest first, so that the last task to finish is a small one
        waiting.sort(key=lambda i: (size[i] >= _SMALL_TABLE, -size[i]))
        for index in waiting:
            self._futures[index] = self._pool.submit(_run_in_worker, index, self._tasks[index])

    def _listen(self, timeout: float) -> None:
        """Take the workers' news: rows read (for progress) and chunks spooled."""
        news = []
        try:
            news.append(self._messages.get(timeout=timeout))
            while True:
                news.append(self._messages.get_nowait())
        except queue.Empty:
            pass
        for index, rows, chunks in news:
            if rows and self._progress is not None:
                self._progress(rows)
            if chunks:
                self._flushed[index] = max(self._flushed[index], chunks)

    def _finish(self, index: int) -> TaskResult:
        """The result of task ``index``, waiting for it (or running it, without workers)."""
        if index not in self._results:
            if self._pool is None:
                self._results[index] = run_task(self._tasks[index], self._progress)
            else:
                future = self._futures[index]
                while not future.done():
                    self._listen(0.1)
                self._listen(0)
                try:
                    self._results[index] = future.result()
                except BrokenProcessPool:
                    raise ChainmapError(
                        "a validation worker process stopped unexpectedly (out of memory?); "
                        "import again with CHAINMAP_WORKERS=1 to validate in one process"
                    ) from None
            if self._results[index].errors and not self._settling:
                self.settle()  # raises, with every problem of every task
        return self._results[index]

    def _wait_for(self, tables: Collection[str]) -> None:
        """Finish the tasks of ``tables``; if any task found an error, settle (and raise)."""
        for index, task in enumerate(self._tasks):
            if task.table in tables:
                self._finish(index)

    def _take(self, index: int, reader: SpoolReader) -> tuple[list[Any] | None, bool]:
        """The next chunk of task ``index``'s rows if one is ready, and whether the task is
        finished with all its chunks taken."""
        running = index not in self._results and self._pool is not None
        if running and not self._futures[index].done():
            return reader.next(self._flushed[index]), False
        self._finish(index)  # raises if the task found errors
        chunk = reader.next(None)
        return chunk, chunk is None

    def _ordered(self, tables: Collection[str] | None = None) -> list[TaskResult]:
        if tables is not None:
            self._wait_for(tables)
        return [
            self._results[i]
            for i in sorted(
                self._results,
                key=lambda i: (self._tasks[i].dataset, _TABLE_ORDER[self._tasks[i].table]),
            )
            if tables is None or self._tasks[i].table in tables
        ]

    # -- the verdict -----------------------------------------------------------------------

    def settle(self) -> None:
        """Wait for every task and resolve the references; raise ValidationFailed on any error."""
        if self._settled is not None:
            return
        self._settling = True
        results = self._ordered([spec.name for spec in SPECS])
        problems = [note for s in self._sources for note in s.notes]
        errors = sum(1 for note in problems if note.is_error)  # a sheet whose data would be lost
        for result in results:
            problems += result.problems
            errors += result.errors
            if result.timed_out:
                errors += 1
                problems.append(
                    Problem(
                        result.task.path.name,
                        result.stopped_at,
                        "",
                        "",
                        f"checking {result.task.table} took longer than this service allows; "
                        "reading stopped here: import a dataset this large with chainmap import",
                        zh=f"{result.task.table} 的校验超出本服务允许的时间，在此行停止读取；"
                        "这么大的数据请用 chainmap import 导入",
                    )
                )
            elif result.stopped_at:
                problems.append(
                    Problem(
                        result.task.path.name,
                        result.stopped_at,
                        "",
                        "",
                        f"{result.errors} errors found in {result.task.table}: reading stopped "
                        f"here; fix them and send the data again",
                        zh=f"{result.task.table} 已发现 {result.errors} 处错误，在此行停止读取；"
                        "请修改后重新提交",
                    )
                )
            if result.truncated:
                problems.append(
                    Problem(
                        result.task.path.name,
                        None,
                        "",
                        "",
                        f"{result.truncated} more problems in {result.task.table} "
                        "were found and not listed",
                        zh=f"{result.task.table} 中另有 {result.truncated} 个问题未列出",
                    )
                )
        unknown = self._unknown_references(results)
        if unknown:
            rejected = {k: v for r in results for k, v in r.rejected.items()}
            for result in results:
                if any(result.referenced.get(t, set()) & keys for t, keys in unknown.items()):
                    task = result.task
                    places = replace(
                        task,
                        places_for=unknown,
                        spool_path=task.spool_path.with_suffix(".places"),
                        rejected=rejected,
                    )
                    found = run_task(places)
                    problems += found.problems
                    errors += found.errors
        if errors:
            raise ValidationFailed(problems)
        self._settled = problems

    def _unknown_references(self, results: list[TaskResult]) -> dict[Table, set[str]]:
        """Keys referred to that neither the import nor the store defines."""
        defined: dict[Table, set[str]] = defaultdict(set)
        for result in results:
            table = Table(result.task.table)
            if table in _DEFINING:
                defined[table] |= result.defined
        unknown: dict[Table, set[str]] = {}
        for table in _DEFINING:
            referred = set().union(*(r.referenced.get(table, set()) for r in results))
            missing = referred - defined[table]
            if missing and self._known is not None:
                missing -= self._known.existing(table, missing)
            if missing:
                unknown[table] = missing
        return unknown

    @property
    def warnings(self) -> list[Problem]:
        """The warnings of a validation that passed."""
        self.settle()
        assert self._settled is not None
        return self._settled

    @property
    def rows_read(self) -> int:
        return sum(r.rows_read for r in self._ordered())

    @property
    def duplicates_dropped(self) -> int:
        return sum(r.duplicates for r in self._ordered())

    # -- the rows (TableRows) --------------------------------------------------------------

    def _leaders(self) -> dict[str, list[str]]:
        leaders: dict[str, list[str]] = {}
        for result in self._ordered(["chains"]):
            leaders.update(result.leaders)  # a later dataset's list replaces an earlier one's
        return leaders

    def _feeds(self) -> dict[tuple[str, str], list[str]]:
        feeds: dict[tuple[str, str], list[str]] = {}
        for result in self._ordered(["segments"]):
            feeds.update(result.feeds)
        return feeds

    def _named_bodies(self) -> list[tuple[str, str, None]]:
        """Bodies known only by the name certificates give them, recorded under that name."""
        names = dict.fromkeys(b for r in self._ordered(["certificates"]) for b in r.new_bodies)
        return [(name, name, None) for name in names]

    def batches(self, table: Table, size: int) -> Iterator[list[Row]]:
        if table is Table.LEADERS:
            rows: list[Row] = [LeaderRow(c, u) for c, us in self._leaders().items() for u in us]
            yield from (rows[i : i + size] for i in range(0, len(rows), size))
            return
        if table is Table.FEEDS:
            rows = [FeedRow(c, s, t) for (c, s), ts in self._feeds().items() for t in ts]
            yield from (rows[i : i + size] for i in range(0, len(rows), size))
            return
        for _, batch in self._stream([table], size):
            yield _as_records(table, batch)
        if table is Table.BODIES:
            for batch in _plain_batches(self._named_bodies(), size):
                yield _as_records(table, batch)

    def stream(self, size: int) -> Iterator[tuple[Table, Sequence[tuple[Any, ...]]]]:
        """Every row, as ``(table, batch)`` in the order validation produces them: a store in one
        transaction can take them as they come. Within a table, datasets stay in import order;
        leaders, feeds and bodies named only by certificates come last."""
        tables = [Table(spec.name) for spec in SPECS]
        yield from self._stream(tables, size)
        yield from ((Table.BODIES, b) for b in _plain_batches(self._named_bodies(), size))
        for table in (Table.LEADERS, Table.FEEDS):
            yield from ((table, batch) for batch in self.batches(table, size))

    def _stream(
        self, tables: list[Table], size: int
    ) -> Iterator[tuple[Table, Sequence[tuple[Any, ...]]]]:
        # per table, its tasks in dataset order; a task is read only when the ones before it are
        queues = {
            table: sorted(
                (i for i, task in enumerate(self._tasks) if task.table == str(table)),
                key=lambda i: self._tasks[i].dataset,
            )
            for table in tables
        }
        readers: dict[int, SpoolReader] = {}
        try:
            while any(queues.values()):
                moved = False
                for table, waiting in queues.items():
                    if not waiting:
                        continue
                    index = waiting[0]
                    reader = readers.setdefault(index, SpoolReader(self._tasks[index].spool_path))
                    chunk, finished = self._take(index, reader)
                    if chunk is not None:
                        moved = True
                        yield from ((table, batch) for batch in _plain_batches(chunk, size))
                    if finished:
                        moved = True
                        waiting.pop(0)
                        readers.pop(index).close()
                if not moved and self._pool is not None:
                    self._listen(0.1)
        finally:
            for reader in readers.values():
                reader.close()

    @property
    def keys_unique(self) -> bool:
        # within one dataset a repeated key is dropped or refused; across datasets it may repeat
        return len(self._sources) == 1

    def replaces(self, table: Table) -> list[str]:
        if table is Table.LEADERS:
            return sorted(self._leaders())
        if table is Table.FEEDS:
            return sorted(f"{c}\t{s}" for c, s in self._feeds())
        return []

    # -- resources -------------------------------------------------------------------------

    def __enter__(self) -> Validation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers and delete the spools."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._lifeline is not None:  # after the workers ended: closing it would end them
            for end in self._lifeline:
                end.close()
            self._lifeline = None
        for result in self._results.values():
            result.spool.close()
        shutil.rmtree(self._folder, ignore_errors=True)
        forget_datasets()


def validate_paths(
    paths: Sequence[Path],
    known: KnownKeys | None = None,
    *,
    accept_bad_checksum: bool = False,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    options: ReadOptions | None = None,
) -> Validation:
    """Validate datasets (folders, workbooks or JSON files) as one import, to the end.

    Raises :class:`~chainmap.errors.ValidationFailed` with every problem when any error is found;
    otherwise returns the passed :class:`Validation` (close it when its rows are written).
    ``workers`` is the number of processes (default: one per core, at most 2, for imports of at
    least :data:`PARALLEL_BYTES`, else 1).
    """
    validation = Validation(
        paths,
        known,
        accept_bad_checksum=accept_bad_checksum,
        progress=progress,
        workers=workers,
        options=options,
    )
    try:
        validation.settle()
    except BaseException:
        validation.close()
        raise
    return validation
