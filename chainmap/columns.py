"""Columns of the records chainmap hands out: each field's name, kind and headers.

A record (a weak link, a segment, a joint-certification batch member ...) is declared once as a
tuple of :class:`Column`, next to the code that computes it. :mod:`chainmap.exports` writes
CSV and XLSX from it (codes as text cells, headers in Chinese or English) and the HTTP API derives
its response schema from it. This module imports nothing of chainmap, so the analysis can
declare its records here without depending on the writers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

__all__ = ["Column", "Kind", "Table"]


class Kind(StrEnum):
    """What a column holds, which decides how a spreadsheet cell is written."""

    #: digits and letters that identify something (USCC, region and industry codes, certificate
    #: numbers): always a text cell, so 913205830000000000 never becomes 9.13E+17 and 0101 keeps
    #: its zero
    CODE = "code"
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DATE = "date"
    #: several texts, one cell, joined with ``;``
    LIST = "list"


_TYPES: dict[Kind, Any] = {
    Kind.CODE: str,
    Kind.TEXT: str,
    Kind.INT: int,
    Kind.FLOAT: float,
    Kind.BOOL: bool,
    Kind.DATE: date,
    Kind.LIST: list[str],
}


@dataclass(frozen=True, slots=True)
class Column:
    """One field of a record: its name in JSON and CSV, its kind, its headers in a workbook."""

    name: str
    kind: Kind
    zh: str
    en: str
    nullable: bool = False
    #: what the field means, for the API's schema (docs/analysis.md has the full story)
    doc: str | None = None

    def header(self, lang: str) -> str:
        """The workbook header: Chinese for ``zh``, English otherwise."""
        return self.zh if lang == "zh" else self.en

    @property
    def annotation(self) -> Any:
        """The Python type of the field's JSON value (``None`` allowed when nullable)."""
        kind = _TYPES[self.kind]
        return kind | None if self.nullable else kind


@dataclass(frozen=True, slots=True)
class Table:
    """A list of records as a sheet: its name in both languages and its columns."""

    zh: str
    en: str
    columns: tuple[Column, ...]

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in order: a CSV's header row."""
        return tuple(c.name for c in self.columns)
