"""GB/T 4754-2017 industry codes: section letter, 2-digit division, 3-digit group, 4-digit class.

Divisions are unique across sections, so the section follows from the division. A code may be given
with or without its section letter; a letter that contradicts the division is an error. Only codes of
the shipped table (GB/T 4754-2017 with its 2019 amendment, see ``chainmap/rules/data/README.md``) are
valid; a GB/T 4754-2011 class that 2017 dropped is reported with its successors, to be re-coded.
"""

from __future__ import annotations

from functools import lru_cache

from chainmap.errors import RuleViolation
from chainmap.rules import tables

__all__ = [
    "SECTIONS",
    "division_of",
    "industry_name",
    "section_of_division",
    "validate_industry_code",
]

#: section letter -> (first division, last division, name)
SECTIONS: dict[str, tuple[int, int, str]] = {
    "A": (1, 5, "农、林、牧、渔业"),
    "B": (6, 12, "采矿业"),
    "C": (13, 43, "制造业"),
    "D": (44, 46, "电力、热力、燃气及水生产和供应业"),
    "E": (47, 50, "建筑业"),
    "F": (51, 52, "批发和零售业"),
    "G": (53, 60, "交通运输、仓储和邮政业"),
    "H": (61, 62, "住宿和餐饮业"),
    "I": (63, 65, "信息传输、软件和信息技术服务业"),
    "J": (66, 69, "金融业"),
    "K": (70, 70, "房地产业"),
    "L": (71, 72, "租赁和商务服务业"),
    "M": (73, 75, "科学研究和技术服务业"),
    "N": (76, 79, "水利、环境和公共设施管理业"),
    "O": (80, 82, "居民服务、修理和其他服务业"),
    "P": (83, 83, "教育"),
    "Q": (84, 85, "卫生和社会工作"),
    "R": (86, 90, "文化、体育和娱乐业"),
    "S": (91, 96, "公共管理、社会保障和社会组织"),
    "T": (97, 97, "国际组织"),
}

_SECTION_OF = {d: letter for letter, (lo, hi, _) in SECTIONS.items() for d in range(lo, hi + 1)}


def section_of_division(division: int) -> str:
    """The section letter of a 2-digit division.

    >>> section_of_division(36)
    'C'
    """
    try:
        return _SECTION_OF[division]
    except KeyError:
        raise RuleViolation(
            "industry_division",
            f"industry division {division:02d} does not exist (01-97)",
            zh=f"行业大类 {division:02d} 不存在（GB/T 4754-2017 的大类为 01–97）；请核对",
        ) from None


def _named(code: str) -> str:
    return f"{code} {tables.industries()[code].name}"


def _retired(digits: str) -> RuleViolation:
    old = tables.retired_industries()[digits]
    options = [_named(code) for code in old.successors]
    en_options = " or ".join(options)
    zh_options = " 或 ".join(options)
    return RuleViolation(
        "industry_retired",
        f"industry code {digits} is a GB/T 4754-2011 class ({old.name}) that GB/T 4754-2017 no longer "
        f"has; re-code it as {en_options}",
        zh=f"行业代码 {digits}（{old.name}）是 GB/T 4754-2011 的小类，2017 版已不再使用；"
        f"请改用 {zh_options}",
    )


def _unknown(code: str) -> RuleViolation:
    """``code`` (normalized) is absent at its level: suggest the nearest sibling that exists."""
    nearest = _nearest(code)
    return RuleViolation(
        "industry_unknown",
        f"industry code {code} does not exist in GB/T 4754-2017; check it, e.g. {_named(nearest)}",
        zh=f"行业代码 {code} 在 GB/T 4754-2017 中不存在；请核对，例如 {_named(nearest)}",
    )


@lru_cache(maxsize=1024)  # a bad code often recurs on many rows
def _nearest(code: str) -> str:
    same_level = [c for c in tables.industries() if len(c) == len(code)]
    siblings: list[str] = same_level
    for cut in range(len(code) - 1, 0, -1):  # the closest parent that has codes at this level
        siblings = [c for c in same_level if c.startswith(code[:cut])]
        if siblings:
            break
    return min(siblings, key=lambda c: abs(int(c[1:]) - int(code[1:])))


@lru_cache(maxsize=16384)  # the same few thousand codes recur on every row
def validate_industry_code(raw: str) -> str:
    """Return the code normalized to section letter + digits, e.g. ``C3670``.

    Accepted: ``C3670``, ``3670``, ``C367``, ``36``, with or without the letter; the code must exist
    at its level (``industry_unknown``). A GB/T 4754-2011 class that 2017 dropped raises
    ``industry_retired`` naming its successors: the user must re-code it.

    >>> validate_industry_code("3670")
    'C3670'
    """
    code = raw.strip().upper()
    letter, digits = (code[0], code[1:]) if code[:1].isalpha() else ("", code)
    if not (2 <= len(digits) <= 4) or not digits.isascii() or not digits.isdigit():
        raise RuleViolation(
            "industry_format",
            f"industry code {raw.strip()!r} must be an optional section letter and 2 to 4 digits "
            "(GB/T 4754-2017, e.g. C3670)",
            zh=f"行业代码“{raw.strip()}”应为可选的门类字母加 2 至 4 位数字"
            "（GB/T 4754-2017，例如 C3670 或 3670）",
        )
    section = section_of_division(int(digits[:2]))
    normalized = section + digits
    known = normalized in tables.industries()
    if not known and digits in tables.retired_industries():
        raise _retired(digits)
    if letter and letter != section:
        raise RuleViolation(
            "industry_section",
            f"industry code {code}: division {digits[:2]} belongs to section {section}, not {letter} "
            f"(write {section}{digits} or just {digits})",
            zh=f"行业代码 {code}：大类 {digits[:2]} 属于门类 {section}，不是 {letter}"
            f"（请写 {section}{digits} 或只写 {digits}）",
        )
    if not known:
        raise _unknown(normalized)
    return normalized


def industry_name(code: str) -> str | None:
    """The name (行业名称) of a code at any level: ``C``, ``C36``, ``C367``, ``C3670`` (or digits).

    >>> industry_name("C3670")
    '汽车零部件及配件制造'
    """
    code = code.strip().upper()
    if code[:2].isdigit() and code.isascii() and code.isdigit():
        code = _SECTION_OF.get(int(code[:2]), "") + code
    industry = tables.industries().get(code)
    return industry.name if industry is not None else None


def division_of(code: str) -> str:
    """The 2-digit division of a normalized industry code (``C3670`` -> ``36``)."""
    return code[1:3]
