"""Unified Social Credit Code (统一社会信用代码, GB 32100-2015).

18 characters from a 31-symbol alphabet: registering authority (position 1), entity category
(position 2), the registrar's GB/T 2260 region code (3-8, digits), a 9-character organization
code (GB 11714, with its own check character) and a final check character over the first 17.

A code as people type it (``9132 0583-MA1K3BTP2B``, full-width ``９１３２…``) is normalized first:
NFKC, then spaces and hyphens dropped, then upper case (:func:`normalize_uscc`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from operator import getitem

from chainmap.errors import RuleViolation

__all__ = [
    "ALPHABET",
    "REGISTRARS",
    "UsccResult",
    "is_valid_uscc",
    "normalize_uscc",
    "org_code_check_character",
    "passes_checks",
    "uscc_check_character",
    "validate_uscc",
]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_ALLOWED = frozenset(ALPHABET)
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, ...
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUE = {c: int(c, 36) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}  # 0-9, A=10 ... Z=35
# Per position, character -> value times weight: the checks become one C-level map and sum,
# which matters when a million codes are checked in one import.
_WEIGHED = tuple({c: v * w for c, v in _VALUE.items()} for w in _WEIGHTS)
_ORG_WEIGHED = tuple({c: v * w for c, v in _ORG_VALUE.items()} for w in _ORG_WEIGHTS)

Named = tuple[str, str]  # (Chinese, English)

#: Position 1, the registering authority (登记管理部门代码), and for each the entity categories of
#: position 2 (机构类别代码), as GB 32100-2015 tabulates them, with the two authorities added since
#: (A 中央军委改革和编制办公室, N 农业 for rural collective economic organisations). Cross-checked
#: against the table as the national code administration (全国组织机构统一社会信用代码数据服务中心)
#: publishes it. 9 is 工商 in the standard: market regulation (市场监管) since 2018, code unchanged.
#: Y takes no categories of its own: its position 2 is always 1.
REGISTRARS: dict[str, tuple[Named, dict[str, Named]]] = {
    "1": (
        ("机构编制", "institutional staffing"),
        {
            "1": ("机关", "government organ"),
            "2": ("事业单位", "public institution"),
            "3": (
                "中央编办直接管理机构编制的群众团体",
                "mass organisation staffed by the central office",
            ),
            "9": ("其他", "other"),
        },
    ),
    "2": (
        ("外交", "foreign affairs"),
        {"1": ("外国常驻新闻机构", "resident foreign news agency"), "9": ("其他", "other")},
    ),
    "3": (
        ("司法行政", "judicial administration"),
        {
            "1": ("律师执业机构", "law firm"),
            "2": ("公证处", "notary office"),
            "3": ("基层法律服务所", "grassroots legal service office"),
            "4": ("司法鉴定机构", "forensic examination institution"),
            "5": ("仲裁委员会", "arbitration commission"),
            "9": ("其他", "other"),
        },
    ),
    "4": (
        ("文化", "culture"),
        {"1": ("外国在华文化中心", "foreign cultural centre in China"), "9": ("其他", "other")},
    ),
    "5": (
        ("民政", "civil affairs"),
        {
            "1": ("社会团体", "social organisation"),
            "2": ("民办非企业单位", "private non-enterprise unit"),
            "3": ("基金会", "foundation"),
            "9": ("其他", "other"),
        },
    ),
    "6": (
        ("旅游", "tourism"),
        {
            "1": ("外国旅游部门常驻代表机构", "resident office of a foreign tourism authority"),
            "2": (
                "港澳台地区旅游部门常驻内地（大陆）代表机构",
                "resident office of a Hong Kong, Macao or Taiwan tourism authority",
            ),
            "9": ("其他", "other"),
        },
    ),
    "7": (
        ("宗教", "religious affairs"),
        {
            "1": ("宗教活动场所", "place of religious activity"),
            "2": ("宗教院校", "religious school"),
            "9": ("其他", "other"),
        },
    ),
    "8": (
        ("工会", "trade unions"),
        {"1": ("基层工会", "grassroots union"), "9": ("其他", "other")},
    ),
    "9": (
        ("工商（市场监管）", "market regulation"),
        {
            "1": ("企业", "enterprise"),
            "2": ("个体工商户", "individual business"),
            "3": ("农民专业合作社", "farmers' cooperative"),
        },
    ),
    "A": (
        ("中央军委改革和编制办公室", "CMC reform and staffing office"),
        {"1": ("军队事业单位", "military public institution"), "9": ("其他", "other")},
    ),
    "N": (
        ("农业", "agriculture"),
        {
            "1": ("组级集体经济组织", "group-level collective economic organisation"),
            "2": ("村级集体经济组织", "village-level collective economic organisation"),
            "3": ("乡镇级集体经济组织", "township-level collective economic organisation"),
            "9": ("其他", "other"),
        },
    ),
    "Y": (("其他", "other"), {"1": ("其他", "other")}),
}
# Positions 1 and 2 that exist: one set look-up on the fast path.
_PREFIXES = frozenset(a + c for a, (_, categories) in REGISTRARS.items() for c in categories)

# What people type inside a code: spaces of any width and hyphens or dashes of any kind.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]+")

#: flag recorded on an enterprise whose USCC failed a check character but was accepted on request
FLAG_BAD_CHECKSUM = "uscc_bad_checksum"


def uscc_check_character(first17: str) -> str:
    """Return the check character (position 18) for the first 17 characters of a USCC.

    >>> uscc_check_character("91110000600037341")
    'L'
    """
    if len(first17) != 17:
        raise ValueError("a USCC check character needs exactly 17 characters")
    return ALPHABET[(31 - sum(map(getitem, _WEIGHED, first17)) % 31) % 31]


def org_code_check_character(body8: str) -> str:
    """Return the GB 11714-1997 check character for an 8-character organization-code body.

    >>> org_code_check_character("60003734")
    '1'
    """
    if len(body8) != 8:
        raise ValueError("an organization-code check character needs exactly 8 characters")
    c9 = 11 - sum(map(getitem, _ORG_WEIGHED, body8)) % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


@dataclass(frozen=True, slots=True)
class UsccResult:
    """A USCC that passed the shape rules; ``flags`` lists checks that failed but were accepted."""

    code: str
    flags: tuple[str, ...] = ()


def passes_checks(code: str) -> bool:
    """True when ``code``, already trimmed and upper case, is a USCC that passes every check.

    The fast path for the common case; :func:`validate_uscc` says what is wrong otherwise.

    >>> passes_checks("91310115MA1K3BTP2B"), passes_checks("91350203M0001QAY9B")
    (True, False)
    """
    if len(code) != 18 or code[:2] not in _PREFIXES or not code[2:8].isdigit():
        return False
    try:
        # map() stops at the shorter argument: the 17 weighted positions. A character outside the
        # alphabet has no weight (KeyError), so the alphabet needs no check of its own; one in
        # position 18 cannot equal the check character.
        check = ALPHABET[(31 - sum(map(getitem, _WEIGHED, code)) % 31) % 31]
    except KeyError:
        return False
    if code[17] != check:
        return False
    c9 = 11 - sum(map(getitem, _ORG_WEIGHED, code[8:16])) % 11
    return code[16] == ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))


def normalize_uscc(raw: str) -> str:
    """A code as people type it, in the form it is stored: full-width characters made ASCII
    (NFKC), spaces and hyphens inside dropped, upper case. Nothing is checked.

    >>> normalize_uscc(" 9132 0583-ma1k3btp2b "), normalize_uscc("９１３１０１１５ＭＡ１Ｋ３ＢＴＰ２Ｂ")
    ('91320583MA1K3BTP2B', '91310115MA1K3BTP2B')
    """
    code = raw.strip().upper()
    if len(code) == 18 and code.isascii() and code.isalnum():  # already clean: the common case
        return code
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()


def _authorities() -> str:
    return ", ".join(f"{a} {zh}" for a, ((zh, _), _) in REGISTRARS.items())


def _structure(code: str, typed: str) -> None:
    """Positions 1, 2 and 3-8 of an 18-character code of the alphabet."""
    authority = REGISTRARS.get(code[0])
    if authority is None:
        raise RuleViolation(
            "uscc_registrar",
            f"USCC {typed!r} starts with {code[0]!r}, which is no registering authority of "
            f"GB 32100-2015 (position 1 is one of {_authorities()}; 9 for a firm): check the "
            "first character",
            zh=f"统一社会信用代码“{typed}”的第 1 位“{code[0]}”不是 GB 32100-2015 规定的登记管理部门"
            f"代码（应为 {_authorities()} 之一，企业为 9）：请核对第 1 位",
        )
    (zh, en), categories = authority
    if code[1] not in categories:
        listed_en = ", ".join(f"{c} {name_en}" for c, (_, name_en) in categories.items())
        listed_zh = "、".join(f"{c} {name_zh}" for c, (name_zh, _) in categories.items())
        raise RuleViolation(
            "uscc_category",
            f"USCC {typed!r}: entity category {code[1]!r} (position 2) does not exist for "
            f"registering authority {code[0]} ({en}), which has {listed_en}: check the second "
            "character",
            zh=f"统一社会信用代码“{typed}”的第 2 位机构类别代码“{code[1]}”不属于登记管理部门 "
            f"{code[0]}（{zh}），该部门的机构类别为 {listed_zh}：请核对第 2 位",
        )
    if not code[2:8].isdigit():
        raise RuleViolation(
            "uscc_region",
            f"USCC {typed!r}: positions 3-8 ({code[2:8]}) must be the 6 digits of the "
            "registrar's region code (GB/T 2260), e.g. 320583: check them",
            zh=f"统一社会信用代码“{typed}”的第 3-8 位（{code[2:8]}）应为登记管理机关的 6 位数字"
            "行政区划代码（GB/T 2260），如 320583：请核对",
        )


def validate_uscc(raw: str, *, accept_bad_checksum: bool = False) -> UsccResult:
    """Check a USCC and return it normalized (:func:`normalize_uscc`).

    Raises :class:`RuleViolation`, with the message in English and Chinese, when the length or
    alphabet is wrong, when position 1 is no registering authority, position 2 no entity
    category of it, or positions 3-8 not digits, and when a check character fails unless
    ``accept_bad_checksum`` is set, in which case the result carries a flag instead. The message
    names the expected check character.

    >>> validate_uscc(" 91110000600037341l ").code
    '91110000600037341L'
    >>> validate_uscc("9131 0115-MA1K3BTP2B").code
    '91310115MA1K3BTP2B'
    >>> validate_uscc("91350203M0001QAY9B", accept_bad_checksum=True).flags
    ('uscc_bad_checksum',)
    """
    typed = raw.strip()
    code = normalize_uscc(raw)
    if len(code) != 18:
        raise RuleViolation(
            "uscc_length",
            f"USCC {typed!r} has {len(code)} characters (spaces and hyphens not counted); it "
            "must have 18: check for a missing or extra character",
            zh=f"统一社会信用代码“{typed}”有 {len(code)} 位（不计空格和连字符），应为 18 位："
            "请检查是否漏填或多填",
        )
    if not _ALLOWED.issuperset(code):
        bad = "".join(sorted(set(code) - _ALLOWED))
        raise RuleViolation(
            "uscc_alphabet",
            f"USCC {typed!r} contains {bad!r}, which a USCC never has (only 0-9 and A-Y without "
            "I, O, S, V, Z): check for a letter O typed for 0, I for 1, S for 5, Z for 2",
            zh=f"统一社会信用代码“{typed}”含有“{bad}”，统一社会信用代码不用这些字符（只用 0-9 和"
            "除 I、O、S、V、Z 以外的大写字母）：请检查是否把 0 写成 O、1 写成 I、5 写成 S、2 写成 Z",
        )
    _structure(code, typed)
    problems_en, problems_zh = [], []
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        problems_en.append(f"its check character is {code[17]!r}, expected {expected!r}")
        problems_zh.append(f"校验码（第 18 位）为“{code[17]}”，应为“{expected}”")
    org_expected = org_code_check_character(code[8:16])
    if code[16] != org_expected:
        problems_en.append(
            f"its embedded organization code {code[8:17]} has check character {code[16]!r}, "
            f"expected {org_expected!r}"
        )
        problems_zh.append(
            f"其中的组织机构代码 {code[8:17]} 校验码（第 17 位）为“{code[16]}”，应为“{org_expected}”"
        )
    if not problems_en:
        return UsccResult(code)
    if accept_bad_checksum:
        return UsccResult(code, (FLAG_BAD_CHECKSUM,))
    raise RuleViolation(
        "uscc_check_character",
        f"USCC {code} fails its check: {'; '.join(problems_en)}. Correct the code against the "
        "business licence, or import with --accept-bad-checksum to keep it, flagged",
        zh=f"统一社会信用代码 {code} 校验不通过：{'；'.join(problems_zh)}。请对照营业执照更正，"
        "或导入时加 --accept-bad-checksum 保留并标记",
    )


def is_valid_uscc(raw: str) -> bool:
    """True when ``raw`` is a USCC that passes every check."""
    try:
        validate_uscc(raw)
    except RuleViolation:
        return False
    return True
