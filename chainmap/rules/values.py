"""Values as people type them into a ledger: 85人, 1.2万, 3亿元, 40 %, 是/否, 无, full-width forms.

Each reader returns the value in the unit chainmap stores (人 for employees, 万元 for money, a
fraction for shares) or raises :class:`~chainmap.errors.RuleViolation` saying, in Chinese and
English, what was typed and what is expected. docs/data-format.md lists every accepted form.

A unit typed with a value wins over the unit in the column's header: "500元" in a column headed
营业收入（万元） is 0.05 万元. A bare number takes the header's unit.

>>> count("85人"), count("1.2万"), money("1.2万"), money("3亿元"), money("500元"), share("40 %")
(85, 12000, 1.2, 30000.0, 0.05, 0.4)
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from typing import Any

from chainmap.errors import RuleViolation

__all__ = [
    "NONE_WORDS",
    "clean_text",
    "count",
    "is_none_word",
    "money",
    "quantity",
    "share",
    "yes_no",
]

# number, then an optional multiplier, then an optional unit; after NFKC (full-width digits, ％)
_QUANTITY = re.compile(
    r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(万|亿|千)?\s*(元|人|名|个|%|百分比)?$"
)
_MULTIPLIER = {None: 1, "千": 1_000, "万": 10_000, "亿": 100_000_000}
_SEPARATORS = re.compile(r"[,，\s]")

#: what a cell says when there is nothing: no certificate, no supplier, no value
NONE_WORDS = frozenset(
    {
        "无",
        "空",
        "没有",
        "暂无",
        "未认证",
        "未取得",
        "-",
        "--",
        "—",
        "——",
        "/",
        "／",
        "n/a",
        "na",
        "none",
    }
)
_YES = frozenset({"是", "yes", "y", "true", "1", "√", "✓", "是的", "有"})
_NO = frozenset({"否", "no", "n", "false", "0", "×", "✗", "不是", "无"})


def clean_text(value: str) -> str:
    """NFKC (full-width letters, digits and brackets to their usual forms), trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


def is_none_word(value: Any) -> bool:
    """True when a cell says "none": 无, 空, —, /, 暂无, 未认证 ...

    >>> is_none_word(" 无 "), is_none_word("——"), is_none_word("00124Q10001R0M")
    (True, True, False)
    """
    return isinstance(value, str) and clean_text(value).lower() in NONE_WORDS


def _split(
    value: Any, what_en: str, what_zh: str, forms: tuple[str, str]
) -> tuple[Decimal, int, str | None]:
    """(number, multiplier, unit typed) of a cell; raise with the expected forms otherwise.

    The number is a Decimal, so that a unit converts exactly as written: 40.88% is the float
    nearest 0.4088, not 40.88 / 100."""
    if isinstance(value, bool):
        raise RuleViolation("number_format", f"{what_en}: {value!r} is not a number")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise RuleViolation("number_format", f"{what_en}: {value!r} is not a number")
        return Decimal(repr(value)), 1, None
    text = _SEPARATORS.sub("", clean_text(str(value)))
    match = _QUANTITY.match(text)
    if match is None:
        shown = str(value).strip()
        raise RuleViolation(
            "number_format",
            f"{what_en} {shown!r} is not a number; write it as {forms[0]}",
            f"{what_zh}“{shown}”不是数字；请写成 {forms[1]}",
        )
    number, multiplier, unit = match.groups()
    return Decimal(number), _MULTIPLIER[multiplier], unit


def count(value: Any) -> int:
    """A head count: 85, 85人, 1.2万, 1.2万人, ８５.

    >>> count("1,200 人")
    1200
    """
    number, multiplier, unit = _split(
        value, "head count", "人数", ("e.g. 85, 85人 or 1.2万", "85、85人 或 1.2万")
    )
    if unit not in (None, "人", "名", "个"):
        raise RuleViolation(
            "number_unit",
            f"head count {value!r} carries the unit {unit}; write a number of people, e.g. 85人",
            f"人数“{value}”带有单位 {unit}；请填人数，例如 85人",
        )
    total = number * multiplier
    if total != total.to_integral_value():
        raise RuleViolation(
            "number_whole",
            f"head count {value!r} is not a whole number of people",
            f"人数“{value}”不是整数",
        )
    return int(total)


def money(value: Any) -> float:
    """An amount of money in 万元: 1200, 1.2万 (= 1.2 万元), 3亿, 500元, 1,200.5.

    A bare number is already in 万元; 万 alone means 万元.

    >>> money("1.2万元"), money(" 1,200.5 ")
    (1.2, 1200.5)
    """
    number, multiplier, unit = _split(
        value, "amount", "金额", ("万元, e.g. 1200, 1.2万 or 3亿元", "1200（万元）、1.2万 或 3亿元")
    )
    if unit not in (None, "元"):
        raise RuleViolation(
            "number_unit",
            f"amount {value!r} carries the unit {unit}; write 万元, e.g. 1200 or 1.2万",
            f"金额“{value}”带有单位 {unit}；请按万元填写，例如 1200 或 1.2万",
        )
    if unit is None and multiplier == 1:
        return float(number)  # a bare number: 万元 already
    return float(number * multiplier / 10_000)


def share(value: Any) -> float:
    """A share as a fraction: 0.4, 40%, 40 %, ４０％.

    >>> share("40%"), share(0.25)
    (0.4, 0.25)
    """
    number, multiplier, unit = _split(value, "share", "占比", ("e.g. 0.4 or 40%", "0.4 或 40%"))
    if multiplier != 1 or unit not in (None, "%", "百分比"):
        raise RuleViolation(
            "number_unit",
            f"share {value!r} must be a fraction or a percentage, e.g. 0.4 or 40%",
            f"占比“{value}”应为小数或百分数，例如 0.4 或 40%",
        )
    return float(number / 100 if unit else number)


def quantity(column: str, value: Any, header_factor: float) -> float | int:
    """A cell of a number column whose header carries a unit: a bare number is scaled by the
    header's ``header_factor`` (元 -> 万元: 0.0001; %: 0.01), a number typed with its own unit or
    multiplier is read as :func:`count`, :func:`share` or :func:`money` read it.

    >>> quantity("revenue", "12000", 0.0001), quantity("revenue", "1.2万", 0.0001)
    (1.2, 1.2)
    >>> quantity("share", "40", 0.01), quantity("employees", "85人", 1)
    (0.4, 85)
    """
    reader = {"employees": count, "share": share}.get(column, money)
    number, multiplier, unit = _split(value, column, column, ("a number", "数字"))
    if multiplier == 1 and unit is None:
        scaled = number * Decimal(repr(header_factor))
        if reader is count and scaled == scaled.to_integral_value():
            return int(scaled)
        return float(scaled)
    return reader(value)


def yes_no(value: Any) -> bool:
    """是/否, yes/no, √/×, 1/0.

    >>> yes_no("是"), yes_no("否")
    (True, False)
    """
    if isinstance(value, bool):
        return value
    text = clean_text(str(value)).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise RuleViolation(
        "yes_no", f"{value!r} is neither yes nor no; write 是 or 否", f"“{value}”不是“是”或“否”"
    )
