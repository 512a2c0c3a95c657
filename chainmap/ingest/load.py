"""Import datasets into a store: validate everything, write only what passed."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from chainmap.ingest.problems import Problem
from chainmap.ingest.validate import Validation
from chainmap.records import Table
from chainmap.store.base import Store

__all__ = ["ImportResult", "import_datasets"]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: rows read and written per table, warnings, and how long it took."""

    rows_read: int
    written: dict[Table, int]
    duplicates_dropped: int
    warnings: list[Problem]
    seconds: float

    @property
    def rows_written(self) -> int:
        return sum(self.written.values())


def import_datasets(
    paths: Sequence[Path],
    open_target: Callable[[], Store],
    *,
    known: Store | None = None,
    accept_bad_checksum: bool = False,
    batch_size: int = 5000,
    workers: int | None = None,
    on_validate: Callable[[int], None] | None = None,
    on_write: Callable[[int], None] | None = None,
) -> ImportResult:
    """Validate ``paths`` as one import and write them to the store ``open_target`` opens.

    References resolve against ``known``, by default the target itself. A store whose writes are
    atomic is written while the validation runs and rolls back if it fails; any other store is
    written only after the validation passed. Either way a failed import keeps nothing (a new
    embedded store is built aside and appears only when the import commits). Raises
    :class:`~chainmap.errors.ValidationFailed` with every problem when the data has errors.
    ``on_validate`` and ``on_write`` receive row counts.
    """
    started = time.perf_counter()
    target = open_target()
    try:
        with Validation(
            paths,
            known if known is not None else target,
            accept_bad_checksum=accept_bad_checksum,
            progress=on_validate,
            workers=workers,
        ) as validation:
            if not target.atomic:
                validation.settle()
            written = target.write(validation, on_write, batch_size=batch_size)
            return ImportResult(
                rows_read=validation.rows_read,
                written=written,
                duplicates_dropped=validation.duplicates_dropped,
                warnings=validation.warnings,
                seconds=time.perf_counter() - started,
            )
    finally:
        if target is not known:
            target.close()
