"""GB/T 2260 administrative-division codes: ``PP0000`` province, ``PPCC00`` prefecture, ``PPCCXX`` county.

Only codes in the shipped table (the 2023 statistical division codes, see
``chainmap/rules/data/README.md``) are valid. A retired code (莱芜 371202, 杭州 330103 ...) is real
history, seen in USCCs and old ledgers: :func:`resolve_region` maps it to its successor and keeps it.
County-level cities directly under a province (``PP90XX``) belong to no prefecture; for the
municipalities 11, 12, 31 and 50 the prefecture level is the municipality itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from chainmap.errors import RuleViolation
from chainmap.rules import tables

__all__ = [
    "MUNICIPALITIES",
    "PROVINCES",
    "RegionCode",
    "prefecture_key",
    "prefecture_of",
    "province_name",
    "province_of",
    "region_full_name",
    "region_level",
    "region_name",
    "resolve_region",
    "validate_region_code",
    "validate_region_prefix",
]

#: province-level divisions by their two-digit code
PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
}


#: the municipalities directly under the central government: their prefecture level is themselves
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})


@dataclass(frozen=True, slots=True)
class RegionCode:
    """A current region code; ``original`` is the retired code it was given as, if it was one."""

    code: str
    original: str | None = None


def _table_year() -> str:
    return tables.header(tables.REGIONS).get("date", "")[:4]


def _well_formed(raw: str) -> str:
    """The stripped 6-digit code whose first two digits are a province, or raise."""
    code = raw.strip()
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        raise RuleViolation(
            "region_format",
            f"region code {code!r} must be 6 digits (GB/T 2260, e.g. 320583)",
            zh=f"行政区划代码“{code}”应为 6 位数字（GB/T 2260，例如 320583 昆山市）",
        )
    if code[:2] not in PROVINCES:
        raise _no_province(code, code)
    return code


def _no_province(shown: str, code: str) -> RuleViolation:
    return RuleViolation(
        "region_province",
        f"region code {shown} starts with {code[:2]}, which is no province "
        "(11 北京市 ... 65 新疆维吾尔自治区, 71, 81, 82)",
        zh=f"行政区划代码 {shown} 的前两位 {code[:2]} 不是省级代码"
        "（11 北京市 … 65 新疆维吾尔自治区，71、81、82）；请核对",
    )


@lru_cache(maxsize=1024)  # a bad code often recurs on many rows
def _example(code: str) -> str:
    """A real unit near ``code`` (same prefecture, else province) to show in a message."""
    units = tables.regions()
    for prefix in (code[:4], code[:2]):
        near = [
            u
            for u in units.values()
            if u.code.startswith(prefix) and u.kind == "admin" and u.level == tables.level_of(code)
        ] or [u for u in units.values() if u.code.startswith(prefix) and u.kind == "admin"]
        if near:
            best = min(near, key=lambda u: abs(int(u.code) - int(code)))
            return f"{best.code} {best.name}"
    return "320583 昆山市"


def _unknown(code: str) -> RuleViolation:
    year, example = _table_year(), _example(code)
    return RuleViolation(
        "region_unknown",
        f"region code {code} does not exist (GB/T 2260, {year} table); check it, e.g. {example}",
        zh=f"行政区划代码 {code} 不存在（GB/T 2260，{year} 年）；请核对，例如 {example}",
    )


@lru_cache(maxsize=16384)  # the same few thousand codes recur on every row
def resolve_region(raw: str) -> RegionCode:
    """The current code for ``raw``; a retired code maps to its successor and is kept as ``original``.

    Raises :class:`RuleViolation` (``region_format``, ``region_province`` or ``region_unknown``).

    >>> resolve_region("320583")
    RegionCode(code='320583', original=None)
    >>> resolve_region("371202")
    RegionCode(code='370116', original='371202')
    """
    code = _well_formed(raw)
    if code in tables.regions():
        return RegionCode(code)
    retired = tables.retired_regions().get(code)
    if retired is None:
        raise _unknown(code)
    return RegionCode(retired.successor, code)


@lru_cache(maxsize=16384)  # the same few thousand codes recur on every row
def validate_region_code(raw: str) -> str:
    """Return the current 6-digit code for ``raw``, or raise :class:`RuleViolation`.

    A retired code is accepted and its successor returned; use :func:`resolve_region` to know.

    >>> validate_region_code(" 320583 ")
    '320583'
    >>> validate_region_code("330103")
    '330105'
    """
    return resolve_region(raw).code


def validate_region_prefix(raw: str) -> str:
    """Normalize a region filter: a province (2 digits), prefecture (4) or county (6) prefix.

    Trailing zero pairs of a full code are dropped, so ``320000`` selects all of 江苏省. The prefix
    must name a unit of the table (a retired one too: stored data may carry it).

    >>> validate_region_prefix("320500")
    '3205'
    """
    code = raw.strip()
    if len(code) not in (2, 4, 6) or not code.isascii() or not code.isdigit():
        raise RuleViolation(
            "region_prefix",
            f"region {code!r} must be 2, 4 or 6 digits (province, prefecture or county)",
            zh=f"地区“{code}”应为 2、4 或 6 位数字（省、地市或区县代码，例如 32、3205、320583）",
        )
    if code[:2] not in PROVINCES:
        raise _no_province(code, code)
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    full = code.ljust(6, "0")
    if full not in tables.regions() and full not in tables.retired_regions():
        raise _unknown(full)
    return code


def _full(code: str) -> str | None:
    """``code`` as a 6-digit code (``32`` -> ``320000``), or None if it is not 2, 4 or 6 digits."""
    code = code.strip()
    if len(code) not in (2, 4, 6) or not code.isascii() or not code.isdigit():
        return None
    return code.ljust(6, "0")


def _own_name(full: str) -> str | None:
    unit = tables.regions().get(full)
    if unit is not None:
        return unit.name
    retired = tables.retired_regions().get(full)
    return retired.name if retired is not None else None


def region_name(code: str) -> str | None:
    """The name of a unit given by its code or prefix (``32``, ``3205``, ``320500``, ``320583``).

    A retired code gives its old name; an unknown code gives None.

    >>> region_name("320583"), region_name("3205"), region_name("32")
    ('昆山市', '苏州市', '江苏省')
    """
    full = _full(code)
    return _own_name(full) if full is not None else None


def region_full_name(code: str) -> str | None:
    """Province, prefecture and county names joined, e.g. 江苏省苏州市昆山市; None if unknown.

    Rows that only group counties (市辖区, 县, 省直辖县级行政区划) are left out.

    >>> region_full_name("320583"), region_full_name("110105")
    ('江苏省苏州市昆山市', '北京市朝阳区')
    """
    full = _full(code)
    if full is None or _own_name(full) is None:
        return None
    parts: list[str] = []
    for level in dict.fromkeys((full[:2] + "0000", full[:4] + "00", full)):
        unit = tables.regions().get(level)
        name = None if unit is not None and unit.kind == "group" else _own_name(level)
        if name and (not parts or parts[-1] != name):
            parts.append(name)
    return "".join(parts)


def prefecture_of(code: str) -> str:
    """The 6-digit code of the prefecture-level unit that ``code`` belongs to (a retired code first
    maps to its successor).

    County-level cities under a province (``PP90XX``) are their own prefecture level; so are the
    municipalities: 110105 -> 110000, 500229 -> 500000. A province has no prefecture.

    >>> prefecture_of("320583"), prefecture_of("419001"), prefecture_of("500101")
    ('320500', '419001', '500000')
    """
    current = validate_region_code(code)
    if current.endswith("0000"):
        raise RuleViolation(
            "region_level",
            f"region {current} is a province and has no prefecture; give a prefecture or county code",
            zh=f"行政区划代码 {current} 是省级单位，没有所属地市；请给出地市或区县代码",
        )
    if current[:2] in MUNICIPALITIES:
        return current[:2] + "0000"
    if current[2:4] == "90":
        return current
    return current[:4] + "00"


def province_of(code: str) -> str:
    """The 6-digit code of the province of ``code`` (a retired code first maps to its successor).

    >>> province_of("320583")
    '320000'
    """
    return validate_region_code(code)[:2] + "0000"


def region_level(code: str) -> str:
    """``province``, ``prefecture`` or ``county`` for a code or prefix (``320000`` is a province).

    >>> region_level("320000"), region_level("3205"), region_level("320583")
    ('province', 'prefecture', 'county')
    """
    return {2: "province", 4: "prefecture", 6: "county"}[len(validate_region_prefix(code))]


def province_name(code: str) -> str | None:
    """The province's name for a region code or prefix, if known."""
    return PROVINCES.get(code[:2])


@lru_cache(maxsize=16384)
def prefecture_key(code: str) -> str:
    """The prefecture-level unit a firm's region code falls in, for counting by prefecture:
    :func:`prefecture_of`, or the code itself when it names no county or prefecture (a province,
    an unknown code).

    >>> prefecture_key("320583"), prefecture_key("429004"), prefecture_key("500229")
    ('320500', '429004', '500000')
    """
    try:
        return prefecture_of(code)
    except RuleViolation:
        return code
