"""GB/T 2260 administrative-division codes: ``PP0000`` province, ``PPCC00`` prefecture, ``PPCCXX`` county."""

from __future__ import annotations

from functools import lru_cache

from chainmap.errors import RuleViolation

__all__ = ["PROVINCES", "province_name", "validate_region_code", "validate_region_prefix"]

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


@lru_cache(maxsize=16384)  # the same few thousand codes recur on every row
def validate_region_code(raw: str) -> str:
    """Return a 6-digit region code whose province part exists, or raise :class:`RuleViolation`.

    >>> validate_region_code(" 320583 ")
    '320583'
    """
    code = raw.strip()
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        raise RuleViolation(
            "region_format",
            f"region code {raw.strip()!r} must be 6 digits (GB/T 2260, e.g. 320583)",
        )
    if code[:2] not in PROVINCES:
        raise RuleViolation(
            "region_province",
            f"region code {code} starts with {code[:2]}, which is no province "
            "(11 北京市 ... 65 新疆维吾尔自治区, 71, 81, 82)",
        )
    return code


def validate_region_prefix(raw: str) -> str:
    """Normalize a region filter: a province (2 digits), prefecture (4) or county (6) prefix.

    Trailing zero pairs of a full code are dropped, so ``320000`` selects all of 江苏省.

    >>> validate_region_prefix("320500")
    '3205'
    """
    code = raw.strip()
    if len(code) not in (2, 4, 6) or not code.isascii() or not code.isdigit():
        raise RuleViolation(
            "region_prefix",
            f"region {raw.strip()!r} must be 2, 4 or 6 digits (province, prefecture or county)",
        )
    if code[:2] not in PROVINCES:
        raise RuleViolation("region_province", f"region {code}: {code[:2]} is no province")
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def province_name(code: str) -> str | None:
    """The province's name for a region code or prefix, if known."""
    return PROVINCES.get(code[:2])
