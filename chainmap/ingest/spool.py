"""Validated rows parked on disk between validation and writing, so memory stays flat on big imports."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import IO, Any

__all__ = ["Spool"]

_FLUSH_ROWS = 50_000


class Spool:
    """An append-only list of tuples that spills to a temporary file in pickled chunks.

    Give it plain tuples: they pickle several times faster than named tuples.
    """

    def __init__(self) -> None:
        self._rows: list[tuple[Any, ...]] = []
        self._file: IO[bytes] | None = None
        self.count = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self._rows.append(row)
        self.count += 1
        if len(self._rows) >= _FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._file is None:
            # kept open across calls and closed by close(), so no context manager
            self._file = tempfile.TemporaryFile(prefix="chainmap-spool-")  # noqa: SIM115
        pickle.dump(self._rows, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._rows = []

    def chunks(self) -> Iterator[list[tuple[Any, ...]]]:
        """The rows in the order they were added, in chunks of at most 50,000."""
        if self._file is not None:
            self._file.seek(0)
            while True:
                try:
                    yield pickle.load(self._file)
                except EOFError:
                    break
            self._file.seek(0, 2)
        if self._rows:
            yield self._rows

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._rows = []
