"""Read a dataset: a folder of CSV files, one XLSX workbook, or one JSON document.

Each source yields, table by table, ``(row_number, {column: value})`` with blank cells left out.
Row numbers are what a user sees: the spreadsheet row (header = 1) or the JSON item (from 1).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from chainmap.errors import EncodingError, SourceError
from chainmap.ingest.encoding import detect_encoding
from chainmap.ingest.problems import Problem, Severity
from chainmap.ingest.tables import SPECS

__all__ = ["RowIterator", "SourceTable", "open_dataset"]

RowIterator = Iterator[tuple[int, dict[str, Any]]]
_NAMES = {spec.name for spec in SPECS}


@dataclass(slots=True)
class SourceTable:
    """One table of a dataset: where it comes from (``label``), its header, and a row reader."""

    name: str
    label: str
    header: list[str]
    read: Callable[[], RowIterator]
    #: byte size of the file, for progress; 0 when not known
    size: int = 0


@dataclass(slots=True)
class DatasetSource:
    """The tables found at one path, and notes about what was passed over."""

    path: Path
    tables: dict[str, SourceTable] = field(default_factory=dict)
    notes: list[Problem] = field(default_factory=list)


def _column(name: Any) -> str:
    return str(name or "").strip().lstrip("\ufeff").strip().lower()


def _cell(value: Any) -> Any:
    """Spreadsheet and JSON cells as the models expect: text, except dates and lists."""
    if value is None or isinstance(value, str | list | date):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_table(path: Path, name: str) -> SourceTable:
    encoding = detect_encoding(path)
    label = path.name

    def open_reader() -> tuple[Any, Iterator[list[str]]]:
        handle = path.open(encoding=encoding, errors="strict", newline="")
        return handle, csv.reader(handle)

    handle, reader = open_reader()
    try:
        header = [_column(h) for h in next(reader, [])]
    except UnicodeDecodeError as error:
        raise EncodingError(f"{label}: {error}; save it as 'CSV UTF-8' and import again") from None
    finally:
        handle.close()

    def rows() -> RowIterator:
        handle, reader = open_reader()
        width = len(header)
        with handle:
            try:
                next(reader, None)
                for number, cells in enumerate(reader, start=2):
                    if len(cells) > width and any(c.strip() for c in cells[width:]):
                        yield number, {"": f"row has {len(cells)} cells, header has {width}"}
                        continue
                    row = {
                        h: c for h, c in zip(header, cells, strict=False) if c and not c.isspace()
                    }
                    if row:
                        yield number, row
            except UnicodeDecodeError as error:
                raise EncodingError(
                    f"{label}: bytes after row {number} are not {encoding} ({error.reason}); "
                    "the file mixes encodings: save it as 'CSV UTF-8' and import again"
                ) from None
            except csv.Error as error:
                raise SourceError(f"{label}, row {number}: {error}") from None

    return SourceTable(name, label, header, rows, path.stat().st_size)


def _folder(path: Path) -> DatasetSource:
    source = DatasetSource(path)
    for file in sorted(path.iterdir()):
        stem = file.stem.lower()
        if file.suffix.lower() != ".csv":
            continue
        if stem not in _NAMES:
            source.notes.append(
                Problem(file.name, None, "", "", "not a chainmap table; ignored", Severity.WARNING)
            )
            continue
        if stem in source.tables:
            raise SourceError(f"{path}: two files for table {stem!r}; keep one")
        source.tables[stem] = _csv_table(file, stem)
    if not source.tables:
        raise SourceError(
            f"{path} holds no chainmap table; expected CSV files named "
            + ", ".join(f"{n}.csv" for n in sorted(_NAMES))
        )
    return source


def _xlsx(path: Path) -> DatasetSource:
    from openpyxl import load_workbook  # only XLSX imports pay for it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise SourceError(f"{path.name} cannot be read as an XLSX workbook: {error}") from None
    source = DatasetSource(path)
    for title in workbook.sheetnames:
        name = title.strip().lower()
        if name not in _NAMES:
            source.notes.append(
                Problem(
                    f"{path.name}[{title}]",
                    None,
                    "",
                    "",
                    "not a chainmap table; ignored",
                    Severity.WARNING,
                )
            )
            continue
        sheet = workbook[title]
        first = next(sheet.iter_rows(max_row=1, values_only=True), ())
        header = [_column(h) for h in first]

        def rows(sheet: Any = sheet, header: list[str] = header) -> RowIterator:
            for number, cells in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
                row = {}
                for h, c in zip(header, cells, strict=False):
                    value = _cell(c)
                    if (
                        value is not None
                        and not (isinstance(value, str) and value.isspace())
                        and value != ""
                    ):
                        row[h] = value
                if row:
                    yield number, row

        source.tables[name] = SourceTable(name, f"{path.name}[{title}]", header, rows)
    if not source.tables:
        raise SourceError(
            f"{path.name} has no sheet named after a chainmap table ({', '.join(sorted(_NAMES))})"
        )
    return source


def _json(path: Path) -> DatasetSource:
    encoding = detect_encoding(path)
    try:
        document = json.loads(path.read_text(encoding=encoding))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SourceError(f"{path.name} is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise SourceError(f"{path.name} must hold one JSON object with one array per table")
    source = DatasetSource(path)
    for key, items in document.items():
        name = str(key).strip().lower()
        if name not in _NAMES:
            source.notes.append(
                Problem(
                    path.name, None, str(key), "", "not a chainmap table; ignored", Severity.WARNING
                )
            )
            continue
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise SourceError(f"{path.name}: {key!r} must be an array of objects")
        header = sorted({_column(k) for item in items for k in item})

        def rows(items: list[dict[str, Any]] = items) -> RowIterator:
            for number, item in enumerate(items, start=1):
                row = {_column(k): _cell(v) for k, v in item.items()}
                yield number, {k: v for k, v in row.items() if v is not None and v != ""}

        source.tables[name] = SourceTable(name, f"{path.name}[{key}]", header, rows)
    return source


def open_dataset(path: Path) -> DatasetSource:
    """Open a dataset at ``path``: a folder of CSV files, an ``.xlsx`` workbook or a ``.json`` file."""
    if path.is_dir():
        return _folder(path)
    if not path.exists():
        raise SourceError(f"{path} does not exist")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(path)
    if suffix == ".json":
        return _json(path)
    if suffix == ".csv" and path.stem.lower() in _NAMES:
        source = DatasetSource(path)
        source.tables[path.stem.lower()] = _csv_table(path, path.stem.lower())
        return source
    raise SourceError(
        f"{path} is not a dataset: give a folder of CSV files, an .xlsx workbook, a .json file, "
        "or one CSV file named after its table (e.g. certificates.csv)"
    )
