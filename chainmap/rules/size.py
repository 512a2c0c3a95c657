"""Enterprise size classes under 中小企业划型标准规定 (工信部联企业〔2011〕300号).

E = employees (从业人员), R = annual revenue (营业收入, 万元), A = total assets (资产总额, 万元).
Medium and small need both thresholds of their row; micro needs only one value below the small
threshold; above the SME ceiling a firm is large. A value that is not known gives no answer rather
than a guess: :func:`classify_size` returns ``None`` when the known values cannot decide.

Which row applies (:func:`size_category`), from the GB/T 4754 code:

- transport is G53-58 without railway (G53: the standard's 交通运输业（不含铁路运输业）), plus
  装卸搬运 (G5910, which the standard counts as transport); the rest of G59 is warehousing;
- 房地产开发经营 (K7010) and 物业管理 (K7020) have rows of their own; the other classes of K70 but
  7040 fall under 其他未列明行业 ("other"), as the standard's list of those names 房地产中介服务
  and 其他房地产业;
- education (P) and health (Q84) are not in the standard's list of "other" industries, which ends
  in 等 ("and so on"): the standard applies to every enterprise, so they are sized by the "other"
  row, as 社会工作 (Q85), which the list names, is.

Some industries the standard does not cover (:data:`NOT_COVERED`): :func:`size_coverage` says why,
and :func:`classify_size` gives ``None`` for them rather than the "other" row's answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from chainmap.enums import SizeClass

__all__ = [
    "NOT_COVERED",
    "SIZE_STANDARD",
    "SIZE_TABLE",
    "SizeRow",
    "classify_size",
    "size_category",
    "size_coverage",
]

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
    "real_estate_development": SizeRow(
        "房地产开发经营",
        (("R", 1000), ("A", 5000)),
        (("R", 100), ("A", 2000)),
        (("R", 200000), ("A", 10000)),
    ),
    "property_management": SizeRow(
        "物业管理",
        (("E", 300), ("R", 1000)),
        (("E", 100), ("R", 500)),
        (("E", 1000), ("R", 5000)),
    ),
}

#: industries outside the standard, by the key :func:`size_category` gives them: why, in English
#: and in Chinese. A code too coarse to pick a row (the division G59 or K70) is here too.
NOT_COVERED: dict[str, tuple[str, str]] = {
    "railway": (
        "railway transport (G53) is outside the standard: its transport row is 交通运输业"
        "（不含铁路运输业）, transport without railway, and no other row names it",
        "铁路运输业（G53）不在该标准范围内：标准的交通运输业不含铁路运输业，也没有其他行业包括它",
    ),
    "finance": (
        "finance (J) is outside the standard: financial firms are sized by their own standard, "
        "金融业企业划型标准规定 (银发〔2015〕309号)",
        "金融业（J）不在该标准范围内：金融企业按《金融业企业划型标准规定》（银发〔2015〕309号）划型",
    ),
    "own_real_estate": (
        "自有房地产经营活动 (K7040; 房地产租赁经营 in GB/T 4754-2017) is excluded by the standard",
        "自有房地产经营活动（K7040，GB/T 4754-2017 称房地产租赁经营）被该标准排除在外",
    ),
    "public_administration": (
        "public administration, social security and social organisations (S) are outside the "
        "standard, which sizes enterprises",
        "公共管理、社会保障和社会组织（S）不在该标准范围内，该标准只对企业划型",
    ),
    "international": (
        "international organisations (T) are outside the standard",
        "国际组织（T）不在该标准范围内",
    ),
    "storage_division": (
        "the division G59 alone cannot be sized: the standard counts 装卸搬运 (G5910) as "
        "transport and the rest of G59 as warehousing; give the 4-digit class",
        "仅有大类 G59 无法划型：标准将装卸搬运（G5910）归入交通运输业，G59 其余归入仓储业；"
        "请填写 4 位小类代码",
    ),
    "real_estate_division": (
        "the division K70 alone cannot be sized: 房地产开发经营 (K7010), 物业管理 (K7020) and "
        "the other classes fall under different rows, and K7040 is outside the standard; give "
        "the 4-digit class",
        "仅有大类 K70 无法划型：房地产开发经营（K7010）、物业管理（K7020）与其他小类适用不同标准，"
        "K7040 不在标准范围内；请填写 4 位小类代码",
    ),
}


@lru_cache(maxsize=16384)  # the same few thousand codes recur on every row
def size_category(industry_code: str) -> str:
    """The row of the size table that applies to a normalized GB/T 4754 code (``C3670``), or for
    an industry the standard does not cover, its key in :data:`NOT_COVERED`.

    >>> size_category("F5231"), size_category("G5910"), size_category("G5920")
    ('retail', 'transport', 'warehousing')
    >>> size_category("K7020"), size_category("J6620")
    ('property_management', 'finance')
    """
    section, division, group = industry_code[0], int(industry_code[1:3]), industry_code[1:4]
    by_section = {"A": "agriculture", "B": "industry", "C": "industry", "D": "industry"}
    if section in by_section:
        return by_section[section]
    if section == "E":
        return "construction"
    if section == "F":
        return "wholesale" if division == 51 else "retail"
    if section == "G":
        if division == 53:
            return "railway"
        if division == 59:
            if len(group) < 3:
                return "storage_division"
            return "transport" if group == "591" else "warehousing"
        return "postal" if division == 60 else "transport"
    if section == "H":
        return "hospitality"
    if section == "I":
        return "software" if division == 65 else "telecoms"
    if section == "K":
        real_estate = {
            "701": "real_estate_development",
            "702": "property_management",
            "704": "own_real_estate",
        }
        return "real_estate_division" if len(group) < 3 else real_estate.get(group, "other")
    if section == "L":
        return "leasing"
    not_sized = {"J": "finance", "S": "public_administration", "T": "international"}
    return not_sized.get(section, "other")


def size_coverage(industry_code: str, lang: str = "en") -> str | None:
    """``None`` when the standard gives a normalized GB/T 4754 code a row; otherwise why not, in
    ``lang`` (``en`` or ``zh``). :func:`classify_size` gives ``None`` for such a code.

    >>> size_coverage("C3670") is None
    True
    >>> size_coverage("J6620")[:44]
    'finance (J) is outside the standard: financi'
    >>> size_coverage("K7040", "zh")
    '自有房地产经营活动（K7040，GB/T 4754-2017 称房地产租赁经营）被该标准排除在外'
    """
    reason = NOT_COVERED.get(size_category(industry_code))
    if reason is None:
        return None
    return reason[1] if lang == "zh" else reason[0]


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

    Returns ``None`` when the known values do not decide the class, and for an industry the
    standard does not cover (:func:`size_coverage` says why).

    >>> classify_size("C3670", employees=15, revenue=None, assets=None)
    <SizeClass.MICRO: 'micro'>
    >>> classify_size("C3670", employees=350, revenue=2500, assets=None)
    <SizeClass.MEDIUM: 'medium'>
    """
    row = SIZE_TABLE.get(size_category(industry_code))
    if row is None:  # not covered by the standard
        return None
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
