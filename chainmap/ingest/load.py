"""Import datasets into a store: validate everything, write only what passed."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from chainmap.ingest.problems import Problem
from chainmap.ingest.sources import ReadOptions
from chainmap.ingest.validate import Validation
from chainmap.records import Table
from chainmap.store.base import Store

__all__ = ["ImportResult", "import_datasets"]

_log = logging.getLogger("chainmap.import")


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: rows read and written per table, warnings, and how long it took."""

    rows_read: int
    written: dict[Table, int]
    duplicates_dropped: int
    warnings: list[Problem]
    seconds: float
    #: True when nothing was written: ``written`` counts what would have been
    dry_run: bool = False

    @property
    def rows_written(self) -> int:
        return sum(self.written.values())


def import_datasets(
    paths: Sequence[Path],
    open_target: Callable[[], Store | None],
    *,
    known: Store | None = None,
    accept_bad_checksum: bool = False,
    batch_size: int = 5000,
    workers: int | None = None,
    on_validate: Callable[[int], None] | None = None,
    on_write: Callable[[int], None] | None = None,
    on_wait: Callable[[str], None] | None = None,
    options: ReadOptions | None = None,
    dry_run: bool = False,
    stop_after: int | None = None,
    time_limit: float | None = None,
) -> ImportResult:
    """Validate ``paths`` as one import and write them to the store ``open_target`` opens.

    References resolve against ``known``, by default the target itself. The store is written
    only after the whole validation passed, so an import holds no write lock while it validates
    (another import into the same embedded store waits only for the writing, and
    ``on_wait`` hears that it waits; without it, a warning is logged, which reaches stderr
    when logging is not configured). A failed import keeps nothing (a new embedded store is
    built aside and appears only when the import commits). Raises
    :class:`~chainmap.errors.ValidationFailed` with every problem when the data has errors.
    ``on_validate`` and ``on_write`` receive row counts. ``stop_after`` stops reading a table
    once it has shown that many errors (a service bounds its work on a hopeless upload that
    way; the problems then say where reading stopped), and ``time_limit`` (seconds) stops it
    when checking takes longer, as an error. ``options`` say how to read the
    user's files (mapping file, columns and sheets left out). A ``dry_run`` validates to the end
    and counts, per table, the rows that would be written, writing nothing; its ``open_target``
    may give None (no store yet: references resolve within the datasets).
    """
    started = time.perf_counter()
    target = open_target()
    if target is None and not dry_run:
        raise ValueError("an import that writes needs a store to write to")
    try:
        with Validation(
            paths,
            known if known is not None else target,
            accept_bad_checksum=accept_bad_checksum,
            progress=on_validate,
            workers=workers,
            options=options,
            stop_after=stop_after,
            deadline=None if time_limit is None else time.time() + time_limit,
        ) as validation:
            if dry_run:
                validation.settle()
                return ImportResult(
                    rows_read=validation.rows_read,
                    written=_counted(validation, batch_size),
                    duplicates_dropped=validation.duplicates_dropped,
                    warnings=validation.warnings,
                    seconds=time.perf_counter() - started,
                    dry_run=True,
                )
            assert target is not None
            validation.settle()  # before the write: no lock is held while validating
            written = target.write(
                validation, on_write, batch_size=batch_size, on_wait=on_wait or _log.warning
            )
            return ImportResult(
                rows_read=validation.rows_read,
                written=written,
                duplicates_dropped=validation.duplicates_dropped,
                warnings=validation.warnings,
                seconds=time.perf_counter() - started,
            )
    finally:
        if target is not None and target is not known:
            target.close()


def _counted(validation: Validation, batch_size: int) -> dict[Table, int]:
    """Rows per table that a write would send to the store."""
    counts: dict[Table, int] = {}
    for table, batch in validation.stream(batch_size):
        counts[table] = counts.get(table, 0) + len(batch)
    return {table: counts[table] for table in Table if table in counts}
