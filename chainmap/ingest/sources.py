"""Read a dataset: a folder of CSV files, one XLSX workbook, or one JSON document.

Each source yields, table by table, ``(row_number, {column: value})`` with blank cells left out.
Row numbers are what a user sees: the spreadsheet row (counting title rows above the header) or
the JSON item (from 1). Columns are chainmap's, whatever the workbook heads them (Chinese or
English, see :mod:`chainmap.ingest.aliases`); ``SourceTable.headings`` keeps the workbook's
headings so that problems speak of the columns as the user knows them.

A row ``{NOTE: problem}`` is no data but something found while reading (a totals row skipped, a
column holding data that maps to nothing); a row carrying ``ORIGIN`` came from another sheet than
the table's label (a table derived from a ledger, or given by several sheets).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any

from chainmap.errors import EncodingError, SourceError
from chainmap.ingest.aliases import Aliases, aliases
from chainmap.ingest.encoding import detect_encoding
from chainmap.ingest.ledger import LedgerSheet, derive
from chainmap.ingest.problems import Problem, Severity
from chainmap.ingest.tables import SPECS
from chainmap.ingest.workbook import (
    NOTE,
    ORIGIN,
    Origin,
    SheetTable,
    classify_sheet,
    excel_cell,
    find_header,
    read_rows,
    top_rows,
)

__all__ = [
    "WORKBOOK_SUFFIXES",
    "DatasetSource",
    "ReadOptions",
    "RowIterator",
    "SourceTable",
    "forget_datasets",
    "open_dataset",
]

RowIterator = Iterator[tuple[int, dict[str, Any]]]
_NAMES = {spec.name for spec in SPECS}
#: tables a sheet may hold: chainmap's own, and the ledger they can be derived from
_SHEET_TABLES = (*_NAMES, "ledger")
#: workbooks: Excel (and WPS) 2007 and later, Excel 97-2003, Excel binary, OpenDocument
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read a user's files: a mapping file's entries and what to leave out on purpose."""

    #: the mapping file's ``[columns]`` and ``[sheets]``, as sorted (name, target) pairs
    columns: tuple[tuple[str, str], ...] = ()
    sheets: tuple[tuple[str, str], ...] = ()
    ignore_columns: tuple[str, ...] = ()
    ignore_sheets: tuple[str, ...] = ()

    @classmethod
    def create(
        cls,
        mapping: dict[str, Any] | None = None,
        ignore_columns: Iterable[str] = (),
        ignore_sheets: Iterable[str] = (),
    ) -> ReadOptions:
        mapping = mapping or {}
        return cls(
            tuple(sorted((str(k), str(v)) for k, v in mapping.get("columns", {}).items())),
            tuple(sorted((str(k), str(v)) for k, v in mapping.get("sheets", {}).items())),
            tuple(ignore_columns),
            tuple(ignore_sheets),
        )

    def aliases(self) -> Aliases:
        if not self.columns and not self.sheets:
            return aliases()
        return _mapped(self.columns, self.sheets)


@lru_cache(maxsize=8)
def _mapped(columns: tuple[tuple[str, str], ...], sheets: tuple[tuple[str, str], ...]) -> Aliases:
    return aliases().with_mapping({"columns": dict(columns), "sheets": dict(sheets)})


@dataclass(slots=True)
class SourceTable:
    """One table of a dataset: where it comes from (``label``), its columns, and a row reader."""

    name: str
    label: str
    header: list[str]
    read: Callable[[], RowIterator]
    #: byte size of the file, for progress; 0 when not known
    size: int = 0
    #: column -> the heading the workbook gives it (for problems)
    headings: dict[str, str] = field(default_factory=dict)
    #: the spreadsheet row of the header (required columns missing are reported there)
    header_row: int = 1


@dataclass(slots=True)
class DatasetSource:
    """The tables found at one path, and notes about what was passed over."""

    path: Path
    tables: dict[str, SourceTable] = field(default_factory=dict)
    notes: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class _Sheet:
    """A sheet (or CSV file) found to hold a table, and how to read its rows."""

    label: str
    table: SheetTable
    rows: Callable[[], RowIterator]
    size: int = 0


def _ignored(label: str) -> Problem:
    return Problem(
        label, None, "", "", "holds no table; ignored", Severity.WARNING, zh="不含数据表，已忽略"
    )


def _unknown_table(label: str, cells: Sequence[Any]) -> Problem:
    shown = "、".join(str(c).strip() for c in cells if c is not None and str(c).strip())[:80]
    return Problem(
        label,
        None,
        "",
        shown,
        "this sheet looks like a table, but its name and headers match no chainmap table, so "
        "its data would be lost; rename its headers (docs/data-format.md lists them), map them "
        "with --mapping FILE, or pass --ignore-sheet NAME to leave it out",
        zh="该表看起来是数据表，但表名和表头都对应不上 chainmap 的任何表，导入会丢失这些数据；"
        "请按 docs/data-format.md 修改表头，或用 --mapping 文件映射，或加 --ignore-sheet 明确忽略",
    )


def _looks_like_table(rows: Sequence[Sequence[Any]]) -> bool:
    """Some row with three or more filled cells, followed by another: a grid of data, not a
    page of explanations."""
    wide = [sum(1 for c in cells if c is not None and str(c).strip()) >= 3 for cells in rows]
    return sum(wide) >= 2


def _find_sheet(
    source: DatasetSource,
    options: ReadOptions,
    label: str,
    name: str,
    numbered: Callable[[], Iterator[tuple[int, Sequence[Any]]]],
    size: int,
    cell: Callable[[Any], Any] | None,
) -> _Sheet | None:
    """Find the table in a sheet (or CSV file) named ``name``, or note why there is none.

    ``numbered`` opens the sheet's rows afresh each time it is called."""
    table_aliases = options.aliases()
    if name in options.ignore_sheets or table_aliases.is_ignored_sheet(name):
        source.notes.append(_ignored(label))
        return None
    head, _ = top_rows(numbered())
    found = classify_sheet(table_aliases, name, [c for _, c in head], _SHEET_TABLES)
    if found is None:
        named = table_aliases.table_of_sheet(name)
        if named is not None:
            source.notes.append(
                Problem(
                    label,
                    None,
                    "",
                    "",
                    f"sheet for {named}, but no header row names its columns; put the header "
                    "(e.g. 统一社会信用代码, 企业名称 …) above the data",
                    zh="该表应为数据表，但找不到表头行；请在数据上方保留表头（如 统一社会信用代码、企业名称……）",
                )
            )
        elif _looks_like_table([c for _, c in head]):
            source.notes.append(_unknown_table(label, head[0][1] if head else ()))
        else:
            source.notes.append(_ignored(label))
        return None
    table_name, index = found
    header_row, cells = head[index]
    sheet = find_header(table_aliases, table_name, label, header_row, cells, options.ignore_columns)
    source.notes.extend(sheet.problems)

    def read() -> RowIterator:
        lines = (item for item in numbered() if item[0] > header_row)
        return read_rows(sheet, label, lines, cell)

    return _Sheet(label, sheet, read, size)


# -- CSV -----------------------------------------------------------------------------------


def _csv_sheet(source: DatasetSource, options: ReadOptions, path: Path) -> _Sheet | None:
    encoding = detect_encoding(path)
    label = path.name

    def numbered() -> Iterator[tuple[int, Any]]:
        with path.open(encoding=encoding, errors="strict", newline="") as handle:
            number = 0
            width = 0
            try:
                for number, cells in enumerate(csv.reader(handle), start=1):
                    if width and len(cells) > width and any(c.strip() for c in cells[width:]):
                        yield number, _too_wide(label, number, len(cells), width)
                        continue
                    width = width or len(cells)  # the header's, once the first row is read
                    yield number, cells
            except UnicodeDecodeError as error:
                raise EncodingError(
                    f"{label}: bytes after row {number} are not {encoding} ({error.reason}); "
                    "the file mixes encodings: save it as 'CSV UTF-8' and import again"
                ) from None
            except csv.Error as error:
                raise SourceError(f"{label}, row {number + 1}: {error}") from None

    return _find_sheet(source, options, label, path.stem, numbered, path.stat().st_size, None)


def _too_wide(label: str, number: int, cells: int, width: int) -> Problem:
    return Problem(
        label,
        number,
        "",
        "",
        f"row has {cells} cells, header has {width}",
        zh=f"该行有 {cells} 个单元格，表头只有 {width} 列",
    )


# -- XLSX ----------------------------------------------------------------------------------


def _merged_down(ranges: Iterable[Any]) -> dict[int, list[tuple[int, int]]]:
    """Cells merged down a column (a chain's name over its firms' rows), as 0-based
    ``{first row: [(column, last row), ...]}``; merges across columns are left as they are."""
    down: dict[int, list[tuple[int, int]]] = {}
    for (top, left), (bottom, right) in ranges or ():
        if left == right and bottom > top:
            down.setdefault(top, []).append((left, bottom))
    return down


@lru_cache(maxsize=16)
def _sheet(workbook: Any, title: str) -> Any:
    """A sheet, read once: finding its header and reading its rows both walk it."""
    return workbook.get_sheet_by_name(title)


def _sheet_rows(workbook: Any, title: str) -> Iterator[tuple[int, Sequence[Any]]]:
    """A sheet's rows numbered as the spreadsheet numbers them, each as wide as from column A,
    with the value of a cell merged down a column repeated in every row it covers."""
    sheet = _sheet(workbook, title)
    if sheet.start is None:  # an empty sheet
        return
    pad = [""] * sheet.start[1]  # the reader starts at the first column holding data
    down = _merged_down(sheet.merged_cell_ranges)
    carry: dict[int, tuple[Any, int]] = {}  # column -> (value, last row it covers)
    for index, cells in enumerate(sheet.iter_rows()):
        row = pad + cells if pad else cells
        if carry:
            for column, (value, last) in list(carry.items()):
                if index > last:
                    del carry[column]
                elif column < len(row) and row[column] == "":
                    row[column] = value
        for column, last in down.get(index, ()):
            if column < len(row):
                carry[column] = (row[column], last)
        yield index + 1, row


def _xlsx_sheets(source: DatasetSource, options: ReadOptions, path: Path) -> list[_Sheet]:
    from python_calamine import CalamineWorkbook  # only workbook imports pay for it

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # the reader raises several kinds for a damaged file
        raise SourceError(
            f"{path.name} cannot be read as a workbook ({error}); open it in Excel or WPS and "
            "save it again as .xlsx",
        ) from None
    size = path.stat().st_size
    sheets = []
    for title in workbook.sheet_names:
        label = f"{path.name}[{title}]"

        def rows(title: str = title) -> Iterator[tuple[int, Sequence[Any]]]:
            return _sheet_rows(workbook, title)

        found = _find_sheet(source, options, label, title, rows, size, excel_cell)
        if found is not None:
            sheets.append(found)
    return sheets


# -- JSON ----------------------------------------------------------------------------------


def _json(path: Path) -> DatasetSource:
    encoding = detect_encoding(path)
    try:
        document = json.loads(path.read_text(encoding=encoding))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SourceError(f"{path.name} is not valid JSON: {error}") from None
    except RecursionError:  # [[[[...]]]]: no dataset nests deeper than an array of objects
        raise SourceError(
            f"{path.name} nests arrays or objects too deeply; a dataset is one object holding "
            "one array of objects per table"
        ) from None
    if not isinstance(document, dict):
        raise SourceError(f"{path.name} must hold one JSON object with one array per table")
    source = DatasetSource(path)
    for key, items in document.items():
        name = str(key).strip().lower()
        if name not in _NAMES:
            source.notes.append(
                Problem(
                    path.name,
                    None,
                    str(key),
                    "",
                    "not a chainmap table; ignored",
                    Severity.WARNING,
                    zh="不是 chainmap 的数据表，已忽略",
                )
            )
            continue
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise SourceError(f"{path.name}: {key!r} must be an array of objects")
        header = sorted({_json_column(k) for item in items for k in item})

        def rows(items: list[dict[str, Any]] = items) -> RowIterator:
            for number, item in enumerate(items, start=1):
                row = {
                    _json_column(k): excel_cell(v) if not isinstance(v, list) else v
                    for k, v in item.items()
                }
                yield number, {k: v for k, v in row.items() if v is not None and v != ""}

        source.tables[name] = SourceTable(name, f"{path.name}[{key}]", header, rows)
    return source


def _json_column(name: Any) -> str:
    return str(name or "").strip().lstrip("\ufeff").strip().lower()


# -- assembling a dataset --------------------------------------------------------------------


def _needs_ledger(sheet: _Sheet) -> bool:
    """A sheet whose rows become tables only with the workbook's firms at hand: the ledger, and
    a supply sheet naming firms by name."""
    names = {m.column for m in sheet.table.columns if m is not None}
    if sheet.table.table == "ledger":
        return True
    return sheet.table.table == "supply" and bool(names & {"supplier", "customer"})


def _assemble(source: DatasetSource, sheets: list[_Sheet]) -> DatasetSource:
    """Tables from the sheets found: streamed as they are, or derived from the ledger."""
    derived_from = [s for s in sheets if _needs_ledger(s)]
    parts: dict[str, list[_Sheet]] = {}
    for sheet in sheets:
        if sheet not in derived_from:
            parts.setdefault(sheet.table.table, []).append(sheet)
    if derived_from:
        # the firms of plain enterprise sheets name firms for the supply sheets too
        ledger = [
            LedgerSheet(s.table.table, s.label, s.table.headings, list(s.rows()))
            for s in derived_from + parts.get("enterprises", [])
        ]
        for name, rows in derive(ledger).items():
            source.tables[name] = _merged(name, parts.pop(name, []), rows)
    for name, group in parts.items():
        source.tables[name] = _merged(name, group, [])
    return source


def _merged(
    name: str, sheets: list[_Sheet], derived: list[tuple[int, dict[str, Any]]]
) -> SourceTable:
    """One table from several sheets and rows derived from a ledger (which carry ORIGIN)."""
    if not derived and len(sheets) == 1:
        only = sheets[0]
        return SourceTable(
            name,
            only.label,
            sorted(only.table.headings),
            only.rows,
            only.size,
            dict(only.table.headings),
            only.table.header_row,
        )
    first = sheets[0] if sheets else None
    label = first.label if first else _origin_label(derived)
    header = {c for s in sheets for c in s.table.headings}
    header |= {k for _, row in derived for k in row if k not in (NOTE, ORIGIN)}
    if not header:  # only problems were derived: they say what is missing
        header = {c for spec in SPECS if spec.name == name for c in spec.required}
    headings = dict(first.table.headings) if first else _origin_headings(derived)

    def rows() -> RowIterator:
        streams: list[Iterable[tuple[int, dict[str, Any]]]] = [
            _with_origin(s.rows(), Origin(s.label, dict(s.table.headings)), s is first)
            for s in sheets
        ]
        streams.append(derived)
        return chain.from_iterable(streams)

    return SourceTable(
        name,
        label,
        sorted(header),
        rows,
        sum(s.size for s in sheets),
        headings,
        first.table.header_row if first else 1,
    )


def _with_origin(rows: RowIterator, origin: Origin, first: bool) -> RowIterator:
    if first:
        yield from rows
        return
    for number, row in rows:
        yield number, row if NOTE in row else {**row, ORIGIN: origin}


def _origin_label(rows: list[tuple[int, dict[str, Any]]]) -> str:
    for _, row in rows:
        if ORIGIN in row:
            return str(row[ORIGIN].label)
        if NOTE in row:
            return str(row[NOTE].file)
    return ""


def _origin_headings(rows: list[tuple[int, dict[str, Any]]]) -> dict[str, str]:
    for _, row in rows:
        if ORIGIN in row:
            return dict(row[ORIGIN].headings)
    return {}


def _folder(path: Path, options: ReadOptions) -> DatasetSource:
    source = DatasetSource(path)
    sheets = []
    for file in sorted(path.iterdir()):
        if file.suffix.lower() != ".csv":
            continue
        found = _csv_sheet(source, options, file)
        if found is not None:
            sheets.append(found)
    if not sheets and not any(p.is_error for p in source.notes):
        raise SourceError(
            f"{path} holds no chainmap table; expected CSV files named after their tables "
            "(e.g. enterprises.csv or 企业.csv, supply.csv, certificates.csv, 台账.csv) or "
            "headed with chainmap's columns"
        )
    return _assemble(source, sheets)


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=4)
def _cached(path: Path, stamp: tuple[int, int], options: ReadOptions) -> DatasetSource:
    """A workbook or CSV folder read once per process while it stays unchanged: the tasks of
    one import each open it."""
    if path.is_dir():
        return _folder(path, options)
    source = DatasetSource(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        found = _csv_sheet(source, options, path)
        return _assemble(source, [found] if found else [])
    sheets = _xlsx_sheets(source, options, path)
    if not sheets and not any(p.is_error for p in source.notes):
        raise SourceError(
            f"{path.name} has no sheet holding a chainmap table: name the sheets after their "
            "tables (企业台账, 供应关系, 证书 … or enterprises, supply …) or head them with "
            "chainmap's columns (docs/data-format.md)"
        )
    return _assemble(source, sheets)


def forget_datasets() -> None:
    """Let go of the workbooks and folders read in this process: the import is over (a server
    must not keep its uploads in memory)."""
    _cached.cache_clear()
    _sheet.cache_clear()


def open_dataset(path: Path, options: ReadOptions | None = None) -> DatasetSource:
    """Open a dataset at ``path``: a folder of CSV files, an ``.xlsx`` workbook, a ``.json``
    file, or one CSV file whose name or header says which table it holds."""
    options = options or ReadOptions()
    if path.is_dir():
        return _cached(path, _stamp(path), options)
    if not path.exists():
        raise SourceError(f"{path} does not exist")
    suffix = path.suffix.lower()
    if suffix in (*WORKBOOK_SUFFIXES, ".csv"):
        return _cached(path, _stamp(path), options)
    if suffix == ".json":
        return _json(path)
    raise SourceError(
        f"{path} is not a dataset: give a workbook (.xlsx, .xls, .xlsb or .ods), a folder of CSV "
        "files, a .json file, or one CSV file (e.g. certificates.csv)"
    )
