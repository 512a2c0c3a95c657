"""Find the table in a sheet as a bureau keeps it, and read its rows by chainmap's column names.

A sheet may start with merged title rows (苏州市……认证台账), 填报单位 and 填报时间 rows and blank
rows; the header row is the first row in which at least two cells name columns of the table
(:mod:`chainmap.ingest.aliases`). Below it, blank rows are passed over, and 合计/小计 rows and
notes (注：…, 填表人 …) are skipped with a warning. A column whose header names nothing is
remembered: if it holds data the import fails, unless the user said to ignore it.

The same reader serves CSV files, whose first row is nearly always the header: there it costs
one look at the first cell of each row.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import chain
from typing import Any

from chainmap.errors import ConfigError
from chainmap.ingest.aliases import Aliases, ColumnMatch, header_key
from chainmap.ingest.problems import Problem, Severity
from chainmap.rules.values import quantity

__all__ = [
    "HEADER_SCAN_ROWS",
    "NOTE",
    "ORIGIN",
    "Origin",
    "SheetTable",
    "classify_sheet",
    "excel_cell",
    "find_header",
    "read_rows",
    "top_rows",
]

#: the key of a row that is no data but a problem found while reading (a skipped totals row, a
#: column holding data that maps to nothing): ``{NOTE: Problem}``
NOTE = ""
#: the key of a row that comes from another sheet than its table's label: ``{ORIGIN: Origin}``
ORIGIN = "\x00origin"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a row of a derived table was written: the sheet and the headings of its columns."""

    label: str
    headings: dict[str, str]


#: the header row is looked for among this many rows at the top of a sheet
HEADER_SCAN_ROWS = 30

RowIterator = Iterator[tuple[int, dict[str, Any]]]

_TOTALS = ("合计", "小计", "总计", "共计", "总数")
_NOTES = (
    "注",
    "备注",
    "说明",
    "填表说明",
    "填表人",
    "填报人",
    "审核人",
    "负责人",
    "联系人",
    "制表",
    "联系电话",
)
#: first characters of a cell that may start a totals or notes row (a cheap test per row)
_MARKS = frozenset(w[0] for w in (*_TOTALS, *_NOTES))


@dataclass(slots=True)
class SheetTable:
    """Where a table sits in a sheet and how its header maps to chainmap's columns."""

    table: str
    header_row: int
    #: per header cell: the column it names, or None
    columns: list[ColumnMatch | None]
    #: canonical column -> the header as the workbook writes it
    headings: dict[str, str] = field(default_factory=dict)
    #: header cells that name nothing: (index, heading)
    unmapped: list[tuple[int, str]] = field(default_factory=list)
    #: problems with the header itself (a unit that does not fit, a column given twice)
    problems: list[Problem] = field(default_factory=list)


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    return cell.strip() if isinstance(cell, str) else str(cell)


def classify_sheet(
    aliases: Aliases, sheet_name: str, rows: Sequence[Sequence[Any]], tables: Collection[str]
) -> tuple[str, int] | None:
    """The table a sheet holds and its header's index among ``rows`` (the top of the sheet).

    The sheet's name decides the table when it names one; otherwise the headers do: the first row
    in which some table's columns are named at least twice, and of the tables named equally often
    the one with the fewest columns (a sheet of firms is ``enterprises``, not a ``ledger``).
    """
    named = aliases.table_of_sheet(sheet_name)
    candidates = [named] if named is not None and named in tables else list(tables)
    for index, cells in enumerate(rows):
        scored = [(aliases.score(t, cells), -len(aliases.columns[t]), t) for t in candidates]
        best, _, table = max(scored)
        if best >= 2:
            return table, index
    return None


def find_header(
    aliases: Aliases,
    table: str,
    label: str,
    header_row: int,
    cells: Sequence[Any],
    ignored: Collection[str],
) -> SheetTable:
    """Map a header row's cells to the columns of ``table``."""
    found = SheetTable(table, header_row, [])
    ignored_keys = {header_key(name).name for name in ignored}
    for index, cell in enumerate(cells):
        heading = _text(cell)
        found.columns.append(None)
        if not heading:
            continue
        try:
            match = aliases.match(table, heading)
        except ConfigError as error:  # a unit that does not fit: said once, at the header
            found.problems.append(
                Problem(label, header_row, heading, heading, str(error), zh=_unit_zh(heading))
            )
            continue
        if match is None:
            left_out = header_key(heading).name in ignored_keys
            if not left_out and not aliases.is_ignored_column(heading):
                found.unmapped.append((index, heading))
        elif match.column in found.headings:
            first = found.headings[match.column]
            found.problems.append(
                Problem(
                    label,
                    header_row,
                    heading,
                    heading,
                    f"columns {first!r} and {heading!r} both give {match.column}; keep one",
                    zh=f"“{first}”和“{heading}”是同一列（{match.column}），请只保留一列",
                )
            )
        else:
            found.headings[match.column] = match.heading
            found.columns[index] = match
    return found


def _unit_zh(heading: str) -> str:
    return f"表头“{heading}”中的单位与该列不符；金额请用 万元/元/亿元，人数用 人，占比用 %"


def _skip_reason(cells: Sequence[Any]) -> tuple[str, str] | None:
    """('totals' | 'note', first text) when the row is a totals row or a note."""
    first = next((c for c in cells if c is not None and _text(c)), None)
    if not isinstance(first, str):
        return None
    text = "".join(first.split())
    if text.startswith(_TOTALS):
        return "totals", first.strip()
    filled = sum(1 for c in cells if c is not None and _text(c))
    if text.startswith(_NOTES) and filled <= 2:
        return "note", first.strip()
    return None


def read_rows(
    table: SheetTable,
    label: str,
    rows: Iterable[tuple[int, Sequence[Any] | Problem]],
    cell: Callable[[Any], Any] | None = None,
) -> RowIterator:
    """Yield ``(row number, {column: value})`` for the data rows below the header.

    Blank cells are left out, blank rows passed over; a bare number in a column whose header
    gives a unit (元, %) is converted to the stored unit; ``cell`` turns a raw cell into the value
    the models read (None: the cells are text already, as in CSV). Totals rows and notes come as
    ``{NOTE: warning}``, and so, once, does an unmapped column that holds data (as an error);
    a :class:`Problem` in place of a row's cells (a malformed CSV row) comes as ``{NOTE: it}``.
    """
    names = [m.column if m is not None else "" for m in table.columns]
    scaled = [(m.column, m.factor) for m in table.columns if m and m.factor != 1]
    unmapped = list(table.unmapped)
    for number, cells in rows:
        if isinstance(cells, Problem):
            yield number, {NOTE: cells}
            continue
        first = cells[0] if cells else None
        if first is None or (isinstance(first, str) and first[:1] in _MARKS):
            reason = _skip_reason(cells)
            if reason is not None:
                yield number, {NOTE: _skipped(label, number, *reason)}
                continue
        if unmapped:
            for index, heading in list(unmapped):
                if index < len(cells) and _text(cells[index]):
                    yield number, {NOTE: _unmapped(label, number, heading, _text(cells[index]))}
                    unmapped.remove((index, heading))
        if cell is None:  # text cells (CSV): the common case, kept lean
            row = {n: c for n, c in zip(names, cells, strict=False) if n and c and not c.isspace()}
        else:
            row = {}
            for name, raw in zip(names, cells, strict=False):
                if name and raw is not None:
                    value = cell(raw)
                    if value is not None and not (isinstance(value, str) and not value.strip()):
                        row[name] = value
        for column, factor in scaled:
            if column in row:
                # a value that does not read is left as typed: the model reports it
                with suppress(ValueError):
                    row[column] = quantity(column, row[column], factor)
        if row:
            yield number, row


def _skipped(label: str, row: int, what: str, text: str) -> Problem:
    shown = text if len(text) <= 40 else text[:37] + "..."
    if what == "totals":
        en, zh = "totals row; skipped", "合计行，已跳过"
    else:
        en, zh = "a note below the table; skipped", "表格下方的说明，已跳过"
    return Problem(label, row, "", shown, en, Severity.WARNING, zh=zh)


def _unmapped(label: str, row: int, heading: str, value: str) -> Problem:
    return Problem(
        label,
        row,
        heading,
        value,
        f"column {heading!r} holds data but is no chainmap column, so it would be lost; rename it "
        "(docs/data-format.md lists the accepted headers), map it with --mapping FILE, or pass "
        f"--ignore-column {heading} to leave it out",
        zh=f"“{heading}”列有数据，但不对应任何 chainmap 字段，导入会丢失这些数据；请按 "
        f"docs/data-format.md 改列名，或用 --mapping 文件映射，或加 --ignore-column {heading} 明确忽略",
    )


def excel_cell(value: Any) -> Any:
    """A spreadsheet cell as the models read it: text, numbers as text, dates as dates; a time of
    day or a duration alone is no value chainmap reads (None)."""
    if value is None or isinstance(value, str | date):
        return value.date() if isinstance(value, datetime) else value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, time | timedelta):
        return None
    return str(value)


def top_rows(
    rows: Iterator[tuple[int, Sequence[Any]]],
) -> tuple[list[tuple[int, Sequence[Any]]], Iterator[tuple[int, Sequence[Any]]]]:
    """The first :data:`HEADER_SCAN_ROWS` rows, and an iterator over all rows again."""
    head = []
    for item in rows:
        head.append(item)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    return head, chain(head, rows)
