"""Validated rows parked on disk between validation and writing, so memory stays flat on big imports."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["Spool", "read_chunks"]

_FLUSH_ROWS = 50_000


class Spool:
    """An append-only list of tuples that spills to the file ``path`` in pickled chunks.

    Give it plain tuples: they pickle several times faster than named tuples. ``on_flush`` hears
    the number of chunks in the file after each spill, so another process can read the file while
    it grows (:func:`read_chunks`). A spool can be handed from a worker process to its parent:
    pickling it flushes the rows to its file and sends only the file's name.
    """

    def __init__(self, path: Path, on_flush: Callable[[int], None] | None = None) -> None:
        self.path = path
        self._on_flush = on_flush
        self._rows: list[tuple[Any, ...]] = []
        self._file: IO[bytes] | None = None
        self._chunks = 0
        self.count = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self._rows.append(row)
        self.count += 1
        if len(self._rows) >= _FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if not self._rows:
            return
        if self._file is None:
            # kept open across calls and closed by close(), so no context manager
            self._file = self.path.open("ab")
        pickle.dump(self._rows, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.flush()
        self._rows = []
        self._chunks += 1
        if self._on_flush is not None:
            self._on_flush(self._chunks)

    def chunks(self) -> Iterator[list[tuple[Any, ...]]]:
        """The rows in the order they were added, in chunks of at most 50,000."""
        if self._chunks:
            if self._file is not None:
                self._file.flush()
            yield from read_chunks(self.path)
        if self._rows:
            yield self._rows

    def __getstate__(self) -> dict[str, Any]:
        self._flush()
        if self._file is not None:
            self._file.close()
            self._file = None
        return {"path": self.path, "count": self.count, "chunks": self._chunks}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.path = state["path"]
        self.count = state["count"]
        self._chunks = state["chunks"]
        self._on_flush = None
        self._rows = []
        self._file = None

    def close(self) -> None:
        """Drop the rows and delete the file."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self.path.unlink(missing_ok=True)
        self._rows = []
        self._chunks = 0


def read_chunks(
    path: Path, available: Callable[[], int | None] | None = None
) -> Iterator[list[tuple[Any, ...]]]:
    """The chunks of a spool file. With ``available``, the file may still be growing:
    ``available()`` says how many chunks are complete, or ``None`` once the file is; the
    function waits (by calling it again) until there is more to read."""
    if not path.exists():
        if available is None:
            return
        while (complete := available()) is not None and complete == 0:
            pass
        if not path.exists():
            return
    with path.open("rb") as handle:
        read = 0
        while True:
            if available is not None:
                while (complete := available()) is not None and complete <= read:
                    pass
                if complete is None:
                    available = None  # the file is whole: read to its end
            try:
                yield pickle.load(handle)  # our own file, written by Spool
            except EOFError:
                return
            read += 1
