"""GB/T 4754-2017 industry codes: section letter, 2-digit division, 3-digit group, 4-digit class.

Divisions are unique across sections, so the section follows from the division. A code may be given
with or without its section letter; a letter that contradicts the division is an error.
"""

from __future__ import annotations

from functools import lru_cache

from chainmap.errors import RuleViolation

__all__ = ["SECTIONS", "division_of", "section_of_division", "validate_industry_code"]

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
            "industry_division", f"industry division {division:02d} does not exist (01-97)"
        ) from None


@lru_cache(maxsize=16384)  # the same few thousand codes recur on every row
def validate_industry_code(raw: str) -> str:
    """Return the code normalized to section letter + digits, e.g. ``C3670``.

    Accepted: ``C3670``, ``3670``, ``C367``, ``36``, with or without the letter.

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
        )
    section = section_of_division(int(digits[:2]))
    if letter and letter != section:
        raise RuleViolation(
            "industry_section",
            f"industry code {code}: division {digits[:2]} belongs to section {section}, not {letter} "
            f"(write {section}{digits} or just {digits})",
        )
    return section + digits


def division_of(code: str) -> str:
    """The 2-digit division of a normalized industry code (``C3670`` -> ``36``)."""
    return code[1:3]
