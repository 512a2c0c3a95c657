"""Unified Social Credit Code (统一社会信用代码, GB 32100-2015).

18 characters from a 31-symbol alphabet: registering authority, entity category, the registrar's
GB/T 2260 region code, a 9-character organization code (GB 11714, with its own check character) and
a final check character over the first 17.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import getitem

from chainmap.errors import RuleViolation

__all__ = [
    "ALPHABET",
    "UsccResult",
    "is_valid_uscc",
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
    if len(code) != 18 or not _ALLOWED.issuperset(code):
        return False
    # map() stops at the shorter argument: the 17 weighted positions, then the 8 of the org code
    check = ALPHABET[(31 - sum(map(getitem, _WEIGHED, code)) % 31) % 31]
    if code[17] != check:
        return False
    c9 = 11 - sum(map(getitem, _ORG_WEIGHED, code[8:16])) % 11
    return code[16] == ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))


def validate_uscc(raw: str, *, accept_bad_checksum: bool = False) -> UsccResult:
    """Check a USCC and return it normalized (trimmed, upper case).

    Raises :class:`RuleViolation` when the length or alphabet is wrong, and when a check character
    fails unless ``accept_bad_checksum`` is set, in which case the result carries a flag instead.
    The message names the expected check character.

    >>> validate_uscc(" 91110000600037341l ").code
    '91110000600037341L'
    >>> validate_uscc("91350203M0001QAY9B", accept_bad_checksum=True).flags
    ('uscc_bad_checksum',)
    """
    code = raw.strip().upper()
    if len(code) != 18:
        raise RuleViolation(
            "uscc_length", f"USCC {raw.strip()!r} has {len(code)} characters; it must have 18"
        )
    if not _ALLOWED.issuperset(code):
        bad = sorted(set(code) - _ALLOWED)
        raise RuleViolation(
            "uscc_alphabet",
            f"USCC {code!r} contains {''.join(bad)!r}, which is not allowed "
            "(only 0-9 and A-Y without I, O, S, V, Z)",
        )
    problems = []
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        problems.append(f"check character is {code[17]!r}, expected {expected!r}")
    org_expected = org_code_check_character(code[8:16])
    if code[16] != org_expected:
        problems.append(
            f"embedded organization code {code[8:17]} has check character {code[16]!r}, "
            f"expected {org_expected!r}"
        )
    if not problems:
        return UsccResult(code)
    if accept_bad_checksum:
        return UsccResult(code, (FLAG_BAD_CHECKSUM,))
    raise RuleViolation(
        "uscc_check_character",
        f"USCC {code} fails its check: {'; '.join(problems)} "
        "(correct the code, or import with --accept-bad-checksum to keep it flagged)",
    )


def is_valid_uscc(raw: str) -> bool:
    """True when ``raw`` is a USCC that passes every check."""
    try:
        validate_uscc(raw)
    except RuleViolation:
        return False
    return True
