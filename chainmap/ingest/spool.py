"""Validated rows parked on disk between validation and writing, so memory stays flat on big imports."""

from __future__ import annotations

import marshal
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["Spool", "SpoolReader"]

_FLUSH_ROWS = 50_000


def _dump(rows: list[tuple[Any, ...]], file: IO[bytes]) -> None:
    """One chunk, tagged: marshal where the values allow it (strings, numbers, None: about twice
    as fast as pickle both ways), pickle otherwise (dates)."""
    try:
        data = marshal.dumps(rows)
        tag = b"M"
    except ValueError:
        data = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
        tag = b"P"
    file.write(tag + len(data).to_bytes(8, "little") + data)


def _load(file: IO[bytes]) -> list[tuple[Any, ...]] | None:
    """The next chunk, or None at the end of the file."""
    head = file.read(9)
    if len(head) < 9:
        return None
    data = file.read(int.from_bytes(head[1:], "little"))
    # our own file, written by _dump
    rows: list[tuple[Any, ...]] = marshal.loads(data) if head[:1] == b"M" else pickle.loads(data)
    return rows


class Spool:
    """An append-only list of tuples that spills to the file ``path`` in chunks.

    Give it plain tuples of plain values. ``on_flush`` hears
    the number of chunks in the file after each spill, so another process can read the file while
    it grows (:class:`SpoolReader`). A spool can be handed from a worker process to its parent:
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
        _dump(self._rows, self._file)
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
            reader = SpoolReader(self.path)
            try:
                while (chunk := reader.next(None)) is not None:
                    yield chunk
            finally:
                reader.close()
        if self._rows:
            yield self._rows

    def seal(self) -> None:
        """Write the last rows to the file: after this, the file holds every row."""
        self._flush()
        if self._file is not None:
            self._file.close()
            self._file = None

    def __getstate__(self) -> dict[str, Any]:
        self.seal()
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


class SpoolReader:
    """Reads a spool file, possibly while another process is still appending to it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.read = 0  # chunks taken so far
        self._handle: IO[bytes] | None = None

    def next(self, complete: int | None) -> list[tuple[Any, ...]] | None:
        """The next chunk, if one is there: the writer has completed ``complete`` chunks, or
        all of them when ``complete`` is None."""
        if complete is not None and complete <= self.read:
            return None
        if self._handle is None:
            if not self.path.exists():
                return None
            # kept open between calls and closed by close(), so no context manager
            self._handle = self.path.open("rb")
        chunk = _load(self._handle)
        if chunk is None:
            return None
        self.read += 1
        return chunk

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
