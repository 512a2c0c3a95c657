"""Import datasets into a store: validate everything first, then write in one go."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from chainmap.ingest.problems import Problem
from chainmap.ingest.validate import validate_paths
from chainmap.records import Table
from chainmap.store.base import Store

__all__ = ["ImportResult", "import_datasets"]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: rows read and written per table, warnings, and how long each pass took."""

    rows_read: int
    written: dict[Table, int]
    duplicates_dropped: int
    warnings: list[Problem]
    validate_seconds: float
    write_seconds: float

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
    on_validate: Callable[[int], None] | None = None,
    on_write: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Validate ``paths`` as one import, then write them to the store ``open_target`` opens.

    ``known`` is the store to resolve references against, when one exists already. The target is
    opened only after validation passed, so a failed import does not even create a store file.
    ``on_write`` is called once with ``(0, total_rows)`` and then with row counts as they are written.
    Raises :class:`~chainmap.errors.ValidationFailed` (nothing written) when the data has errors.
    """
    started = time.perf_counter()
    validated = validate_paths(
        paths, known, accept_bad_checksum=accept_bad_checksum, progress=on_validate
    )
    validated_at = time.perf_counter()
    try:
        target = open_target()
        try:
            if on_write is not None:
                on_write(0, validated.total)
            progress = (lambda n: on_write(n, 0)) if on_write is not None else None
            written = target.write(validated, progress, batch_size=batch_size)
        finally:
            if target is not known:
                target.close()
    finally:
        validated.close()
    return ImportResult(
        rows_read=validated.rows_read,
        written=written,
        duplicates_dropped=validated.duplicates_dropped,
        warnings=validated.warnings,
        validate_seconds=validated_at - started,
        write_seconds=time.perf_counter() - validated_at,
    )
