"""Enterprise size classes under 中小企业划型标准规定 (工信部联企业〔2011〕300号).

E = employees (从业人员), R = annual revenue (营业收入, 万元), A = total assets (资产总额, 万元).
Medium and small need both thresholds of their row; micro needs only one value below the small
threshold; above the SME ceiling a firm is large. A value that is not known gives no answer rather
than a guess: :func:`classify_size` returns ``None`` when the known values cannot decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from chainmap.enums import SizeClass

__all__ = ["SIZE_STANDARD", "SizeRow", "classify_size", "size_category"]

#: the standard these thresholds come from; recorded with every derived size
SIZE_STANDARD = "工信部联企业〔2011〕300号"

Threshold = tuple[tuple[str, float], ...]  # (("E", 300), ("R", 2000)) means E >= 300 and R >= 2000


@dataclass(frozen=True, slots=True)
class SizeRow:
    """One row of the standard's table: thresholds for medium and small, and the SME ceiling."""

    name: str
    medium: Threshold
    small: Threshold
    ceiling: Threshold  # SME when ANY value is below its ceiling


SIZE_TABLE: dict[str, SizeRow] = {
    "agriculture": SizeRow("农、林、牧、渔业", (("R", 500),), (("R", 50),), (("R", 20000),)),
    "industry": SizeRow(
        "工业", (("E", 300), ("R", 2000)), (("E", 20), ("R", 300)), (("E", 1000), ("R", 40000))
    ),
    "construction": SizeRow(
        "建筑业", (("R", 6000), ("A", 5000)), (("R", 300), ("A", 300)), (("R", 80000), ("A", 80000))
    ),
    "wholesale": SizeRow(
        "批发业", (("E", 20), ("R", 5000)), (("E", 5), ("R", 1000)), (("E", 200), ("R", 40000))
    ),
    "retail": SizeRow(
        "零售业", (("E", 50), ("R", 500)), (("E", 10), ("R", 100)), (("E", 300), ("R", 20000))
    ),
    "transport": SizeRow(
        "交通运输业",
        (("E", 300), ("R", 3000)),
        (("E", 20), ("R", 200)),
        (("E", 1000), ("R", 30000)),
    ),
    "warehousing": SizeRow(
        "仓储业", (("E", 100), ("R", 1000)), (("E", 20), ("R", 100)), (("E", 200), ("R", 30000))
    ),
    "postal": SizeRow(
        "邮政业", (("E", 300), ("R", 2000)), (("E", 20), ("R", 100)), (("E", 1000), ("R", 30000))
    ),
    "hospitality": SizeRow(
        "住宿和餐饮业",
        (("E", 100), ("R", 2000)),
        (("E", 10), ("R", 100)),
        (("E", 300), ("R", 10000)),
    ),
    "telecoms": SizeRow(
        "信息传输业",
        (("E", 100), ("R", 1000)),
        (("E", 10), ("R", 100)),
        (("E", 2000), ("R", 100000)),
    ),
    "software": SizeRow(
        "软件和信息技术服务业",
        (("E", 100), ("R", 1000)),
        (("E", 10), ("R", 50)),
        (("E", 300), ("R", 10000)),
    ),
    "leasing": SizeRow(
        "租赁和商务服务业",
        (("E", 100), ("A", 8000)),
        (("E", 10), ("A", 100)),
        (("E", 300), ("A", 120000)),
    ),
    "other": SizeRow("其他未列明行业", (("E", 100),), (("E", 10),), (("E", 300),)),
}


@lru_cache(maxsize=16384)  # the same few thousand codes recur on every row
def size_category(industry_code: str) -> str:
    """The row of the size table that applies to a normalized GB/T 4754 code (``C3670``).

    >>> size_category("F5231")
    'retail'
    """
    section, division = industry_code[0], int(industry_code[1:3])
    by_section = {"A": "agriculture", "B": "industry", "C": "industry", "D": "industry"}
    if section in by_section:
        return by_section[section]
    if section == "E":
        return "construction"
    if section == "F":
        return "wholesale" if division == 51 else "retail"
    if section == "G":
        return "warehousing" if division == 59 else "postal" if division == 60 else "transport"
    if section == "H":
        return "hospitality"
    if section == "I":
        return "software" if division == 65 else "telecoms"
    if section == "L":
        return "leasing"
    return "other"


def _all_at_least(values: dict[str, float | None], threshold: Threshold) -> bool | None:
    """True if every value meets its threshold, False if one is known below, None if undecided."""
    known = [values[k] >= t for k, t in threshold if values[k] is not None]  # type: ignore[operator]
    if not all(known):
        return False
    return True if len(known) == len(threshold) else None


def _any_below(values: dict[str, float | None], threshold: Threshold) -> bool | None:
    known = [values[k] < t for k, t in threshold if values[k] is not None]  # type: ignore[operator]
    if any(known):
        return True
    return False if len(known) == len(threshold) else None


def classify_size(
    industry_code: str,
    employees: float | None,
    revenue: float | None,
    assets: float | None,
) -> SizeClass | None:
    """Size class of a firm from its industry, employees, revenue (万元) and assets (万元).

    Returns ``None`` when the known values do not decide the class.

    >>> classify_size("C3670", employees=15, revenue=None, assets=None)
    <SizeClass.MICRO: 'micro'>
    >>> classify_size("C3670", employees=350, revenue=2500, assets=None)
    <SizeClass.MEDIUM: 'medium'>
    """
    row = SIZE_TABLE[size_category(industry_code)]
    values = {"E": employees, "R": revenue, "A": assets}
    small = _all_at_least(values, row.small)
    if small is not True:
        return SizeClass.MICRO if small is False else None
    medium = _all_at_least(values, row.medium)
    if medium is not True:
        return SizeClass.SMALL if medium is False else None
    sme = _any_below(values, row.ceiling)
    if sme is None:
        return None
    return SizeClass.MEDIUM if sme else SizeClass.LARGE
