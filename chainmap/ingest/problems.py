"""Problems found in a dataset: where (file, row, column), what value, and what to do about it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    #: the message in Chinese (what a user reads by default); the English one when not given
    zh: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` (``zh`` or ``en``)."""
        return (self.zh or self.message) if lang == "zh" else self.message

    def as_json(self) -> dict[str, Any]:
        """For the API: the English message and the Chinese one beside it."""
        return {**self.as_dict("en"), "message_zh": self.text("zh")}

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "severity": str(self.severity),
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.text(lang),
        }


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


_WORDS = {
    "size": ("micro, small, medium or large (微型/小型/中型/大型)", "微型、小型、中型或大型"),
    "stage": ("upstream, midstream or downstream (上游/中游/下游)", "上游、中游或下游"),
}


def _field_message(detail: Mapping[str, Any], column: str, heading: str) -> tuple[str, str]:
    """(English, Chinese) for one pydantic field error, in the words of the column's heading."""
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    cause = ctx.get("error")
    if cause is not None:
        zh = getattr(cause, "zh", None)
        return str(cause), zh if isinstance(zh, str) else str(cause)
    if kind == "missing":
        return f"required column {heading!r} is blank", f"必填项“{heading}”为空"
    if kind == "greater_than_equal":
        return (
            f"{heading} must not be below {ctx.get('ge')}",
            f"“{heading}”不能小于 {ctx.get('ge')}",
        )
    if kind == "greater_than":
        return f"{heading} must be above {ctx.get('gt')}", f"“{heading}”必须大于 {ctx.get('gt')}"
    if kind == "less_than_equal":
        limit = ctx.get("le")
        if column == "share":
            return (
                f"{heading} is a share: at most 1 (100%); write 0.4 or 40%",
                f"“{heading}”是占比，最大为 1（100%）；请写成 0.4 或 40%",
            )
        return f"{heading} must be at most {limit}", f"“{heading}”不能大于 {limit}"
    if kind == "enum":
        en, zh = _WORDS.get(column, (str(ctx.get("expected", "")), str(ctx.get("expected", ""))))
        return f"{heading} must be {en}", f"“{heading}”应为{zh}"
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        return (
            f"{heading} is longer than {limit} characters",
            f"“{heading}”超过 {limit} 个字符",
        )
    if kind in ("string_too_short", "too_short"):
        return f"{heading} is blank", f"“{heading}”为空"
    if kind in ("int_parsing", "float_parsing", "int_from_float", "int_type", "float_type"):
        return (
            f"{heading} must be a number, e.g. 85 or 1.2万",
            f"“{heading}”应为数字，例如 85 或 1.2万",
        )
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        return (
            f"{heading} must be a date, e.g. 2024-03-01",
            f"“{heading}”应为日期，例如 2024-03-01",
        )
    return (
        f"{heading}: this value is not accepted here (docs/data-format.md lists the forms)",
        f"“{heading}”的值不符合要求（可接受的写法见 docs/data-format.md）",
    )


def problems_from_validation_error(
    error: ValidationError,
    file: str,
    row: int,
    raw: dict[str, Any],
    headings: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Turn pydantic's field errors into problems with the column as the workbook heads it, the
    value as typed, and a message in Chinese and English (never pydantic's own words).

    A lenient field is a union of a fast and a forgiving parser; when both refuse a value, the
    forgiving parser's message (the last) is the one shown, once per column.
    """
    headings = headings or {}
    found: dict[str, Problem] = {}
    for detail in error.errors(include_url=False):
        column = str(detail["loc"][0]) if detail["loc"] else ""
        heading = headings.get(column, column)
        en, zh = _field_message(detail, column, heading)
        value = raw.get(column, detail["input"])
        found[column] = Problem(
            file, row, heading, _shown(value if not isinstance(value, dict) else ""), en, zh=zh
        )
    return list(found.values())


def write_problems_csv(problems: Iterable[Problem], path: Path, lang: str = "zh") -> None:
    """Write problems as CSV in UTF-8 with a BOM, so Excel and WPS on a Chinese desktop open it
    correctly; messages in ``lang``. It goes through chainmap's one export writer: a value
    copied from the user's file that would start a formula (``=HYPERLINK(...)``) is written
    inert, and the file appears whole or not at all."""
    from chainmap.exports import csv_bytes, write_atomic

    columns = ("severity", "file", "row", "column", "value", "message")
    write_atomic(csv_bytes((p.as_dict(lang) for p in problems), columns), path)
