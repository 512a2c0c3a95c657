"""The one writer of CSV and XLSX files: every table chainmap hands to Excel or WPS goes through it.

Three things make a spreadsheet safe to hand to a bureau:

- **No formulas from data.** A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return (or the full-width ``＝ ＋ － ＠`` a Chinese input method types) is prefixed
  with ``'``, as OWASP's CSV-injection guidance recommends, so a firm named
  ``=HYPERLINK("http://x","详情")`` is shown as text and never runs. Numbers stay numbers: only
  text is touched. XLSX cells get the prefix too: a workbook saved again as CSV stays inert.
- **Codes stay text.** In a workbook USCCs, region and industry codes and certificate numbers
  are text cells (number format ``@``), so an all-digit USCC is not shown as 9.13E+17 and a
  code's leading zero is kept.
- **Excel reads it as written.** CSV is UTF-8 with a byte-order mark (Excel on Chinese Windows
  otherwise reads GBK); a workbook has its header row frozen and filtered, columns as wide as
  their text (a Chinese character counts two) and headers in Chinese or English.

Files are written all or nothing: into a hidden file beside the target, then renamed over it.
The columns of each table come from its record (:class:`chainmap.columns.Table`).
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from chainmap.columns import Column, Kind, Table
from chainmap.errors import ConfigError

__all__ = [
    "MEDIA_TYPES",
    "ExportFormat",
    "csv_bytes",
    "export_bytes",
    "neutralise",
    "write_atomic",
    "write_export",
    "xlsx_bytes",
]


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


#: what an HTTP answer carrying each format says it is
MEDIA_TYPES = {
    ExportFormat.csv: "text/csv; charset=utf-8",
    ExportFormat.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

#: the first characters that make Excel, WPS or LibreOffice read a cell as a formula (OWASP),
#: with the full-width signs East Asian spreadsheets also accept
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_BOM = "\ufeff"
#: Excel keeps at most this many characters in a cell and calls a longer one a broken file
_CELL_LIMIT = 32_767
#: characters XML 1.0 forbids: openpyxl refuses them, so they are dropped from a workbook
_XML_ILLEGAL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_WIDTH_SAMPLE = 500  # rows read to size the columns
_MAX_WIDTH = 60


def neutralise(text: str) -> str:
    """``text`` made safe for a spreadsheet cell: prefixed with ``'`` when it would start a
    formula.

    Examples
    --------
    >>> neutralise('=HYPERLINK("http://x","详情")')
    '\\'=HYPERLINK("http://x","详情")'
    >>> neutralise("苏州电池有限公司")
    '苏州电池有限公司'
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_value(value: Any) -> Any:
    """A value as chainmap's CSV has always written it, text neutralised: dates ISO, lists
    joined with ``;``, floats to 6 decimals, ``None`` empty."""
    if value is None:
        return ""
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        value = ";".join(map(str, value))
    return neutralise(str(value))


def csv_bytes(
    rows: Iterable[Mapping[str, Any]], table: Table | Sequence[str], *, bom: bool = True
) -> bytes:
    """Rows as CSV, UTF-8 (with a byte-order mark unless ``bom`` is false), a header of the
    column names; quotes and separators inside values are escaped by the csv module."""
    names = table.names if isinstance(table, Table) else tuple(table)
    out = io.StringIO()
    if bom:
        out.write(_BOM)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_csv_value(row.get(name)) for name in names])
    return out.getvalue().encode("utf-8")


def _text(value: Any) -> str:
    if isinstance(value, tuple | list):
        value = ";".join(map(str, value))
    return neutralise(str(value).translate(_XML_ILLEGAL))[:_CELL_LIMIT]


def _cell_value(value: Any, column: Column) -> Any:
    """A value as a workbook cell holds it: a number, a boolean, a date or neutralised text."""
    if value is None:
        return None
    if column.kind is Kind.CODE:
        return _text(value)
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, date):
        return value
    if column.kind is Kind.DATE and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return _text(value)


def _width(text: str) -> int:
    """Columns a text takes on screen: a Chinese (wide) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, datetime | date):
        return "0000-00-00"
    return "" if value is None else str(value)


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: no ``[]:*?/\\``, at most 31 characters."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip("' ")
    return cleaned[:31] or "Sheet1"


def _save_xlsx(
    rows: Sequence[Mapping[str, Any]], table: Table, lang: str, target: Path | io.BytesIO
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(table.title(lang)))
    columns = table.columns
    cells = [[_cell_value(row.get(c.name), c) for c in columns] for row in rows]
    headers = [c.header(lang) for c in columns]
    for i, header in enumerate(headers):
        widest = max(
            [_width(header), *(_width(_shown(r[i])) for r in cells[:_WIDTH_SAMPLE])], default=0
        )
        sheet.column_dimensions[get_column_letter(i + 1)].width = min(_MAX_WIDTH, widest + 2)
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(cells) + 1}"
    bold = Font(bold=True)
    heading = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    # only codes and dates need a cell object of their own (its number format); the rest are
    # plain values, which keeps a large sheet fast
    formats = {
        i: "@" if c.kind is Kind.CODE else "yyyy-mm-dd"
        for i, c in enumerate(columns)
        if c.kind in (Kind.CODE, Kind.DATE)
    }
    for values in cells:
        line: list[Any] = list(values)
        for i, number_format in formats.items():
            if line[i] is not None:
                cell = WriteOnlyCell(sheet, value=line[i])
                cell.number_format = number_format
                line[i] = cell
        sheet.append(line)
    book.save(target)


def xlsx_bytes(rows: Iterable[Mapping[str, Any]], table: Table, *, lang: str = "zh") -> bytes:
    """Rows as an XLSX workbook of one sheet (see the module's notes)."""
    out = io.BytesIO()
    _save_xlsx(list(rows), table, lang, out)
    return out.getvalue()


def export_bytes(
    rows: Iterable[Mapping[str, Any]],
    table: Table,
    format: ExportFormat | str,
    *,
    lang: str = "zh",
    bom: bool = True,
) -> bytes:
    """Rows as a CSV or XLSX file's bytes: what an HTTP download sends (:data:`MEDIA_TYPES`)."""
    if ExportFormat(format) is ExportFormat.xlsx:
        return xlsx_bytes(rows, table, lang=lang)
    return csv_bytes(rows, table, bom=bom)


def _atomically(out: Path, write: Callable[[Path], object]) -> None:
    temporary = out.with_name(f".{out.name}.part")
    try:
        write(temporary)
        os.replace(temporary, out)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ConfigError(f"cannot write {out}: {error.strerror}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_atomic(data: bytes, out: Path) -> None:
    """Write ``data`` to ``out`` all or nothing: a failure leaves any earlier file as it was."""
    _atomically(out, lambda path: path.write_bytes(data))


def write_export(
    out: Path,
    rows: Iterable[Mapping[str, Any]],
    table: Table,
    format: ExportFormat | str,
    *,
    lang: str = "zh",
    bom: bool = True,
) -> None:
    """Write rows to ``out`` as CSV or XLSX, all or nothing."""
    if ExportFormat(format) is ExportFormat.xlsx:
        listed = list(rows)
        _atomically(out, lambda path: _save_xlsx(listed, table, lang, path))
    else:
        write_atomic(csv_bytes(rows, table, bom=bom), out)
