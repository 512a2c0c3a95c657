"""Problems found in a dataset: where (file, row, column), what value, and what to do about it."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import ValidationError

__all__ = ["Problem", "Severity", "problems_from_validation_error", "write_problems_csv"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem. ``row`` is the spreadsheet row (the header is row 1) or the JSON item (from 1)."""

    file: str
    row: int | None
    column: str
    value: str
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": str(self.severity),
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def problems_from_validation_error(
    error: ValidationError, file: str, row: int, raw: dict[str, Any]
) -> list[Problem]:
    """Turn pydantic's field errors into problems with the column and the value as written.

    A lenient field is a union of a fast and a forgiving parser; when both refuse a value, the
    forgiving parser's message (the last) is the one shown, once per column.
    """
    found: dict[str, Problem] = {}
    for detail in error.errors(include_url=False):
        column = str(detail["loc"][0]) if detail["loc"] else ""
        cause = (detail.get("ctx") or {}).get("error")
        if cause is not None:
            message = str(cause)
        elif detail["type"] == "missing":
            message = f"required column {column!r} is blank"
        else:
            message = detail["msg"]
        found[column] = Problem(
            file, row, column, _shown(raw.get(column, detail["input"])), message
        )
    return list(found.values())


def write_problems_csv(problems: Iterable[Problem], path: Path) -> None:
    """Write problems as CSV in UTF-8 with a BOM, so Excel on a Chinese desktop opens it correctly."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(
            out, fieldnames=["severity", "file", "row", "column", "value", "message"]
        )
        writer.writeheader()
        for problem in problems:
            writer.writerow(problem.as_dict())
