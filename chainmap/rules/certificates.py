"""QMS certificate rules: status words, the standard's code and version, and when a certificate protects a firm."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from chainmap.enums import CertStatus
from chainmap.errors import RuleViolation

__all__ = ["expires_within", "in_force", "parse_standard", "parse_status"]

_STATUS_WORDS: dict[str, CertStatus] = {
    "有效": CertStatus.VALID,
    "valid": CertStatus.VALID,
    "in force": CertStatus.VALID,
    "active": CertStatus.VALID,
    "暂停": CertStatus.SUSPENDED,
    "suspended": CertStatus.SUSPENDED,
    "撤销": CertStatus.REVOKED,
    "revoked": CertStatus.REVOKED,
    "注销": CertStatus.WITHDRAWN,
    "withdrawn": CertStatus.WITHDRAWN,
    "cancelled": CertStatus.WITHDRAWN,
    "canceled": CertStatus.WITHDRAWN,
    "过期": CertStatus.EXPIRED,
    "失效": CertStatus.EXPIRED,
    "expired": CertStatus.EXPIRED,
    "未知": CertStatus.UNKNOWN,
    "unknown": CertStatus.UNKNOWN,
}


def parse_status(raw: str) -> CertStatus:
    """Map a registry status word, Chinese or English, to :class:`CertStatus`.

    >>> parse_status("暂停")
    <CertStatus.SUSPENDED: 'suspended'>
    """
    word = raw.strip()
    status = _STATUS_WORDS.get(word) or _STATUS_WORDS.get(word.lower())
    if status is None:
        raise RuleViolation(
            "certificate_status",
            f"certificate status {word!r} is not known; use one of 有效/valid, 暂停/suspended, "
            "撤销/revoked, 注销/withdrawn, 过期/失效/expired, 未知/unknown",
        )
    return status


# A designation such as "GB/T 19001-2016", "GB/T19001—2016", "ISO 9001:2015"; anything after the
# first designation ("/ISO 9001:2015" of a dual designation, "idt ...") is not part of the code.
_DESIGNATION = re.compile(
    r"^\s*(GB/T|GB|ISO|IATF|YY/T|YY)\s*(\d+(?:\.\d+)*)\s*(?:[-–—:：]\s*((?:19|20)\d\d))?",
    re.IGNORECASE,
)
_VERSION = re.compile(r"^(.+?)\s*[-–—:：]\s*((?:19|20)\d\d)\s*$")


@lru_cache(maxsize=16384)  # the same few thousand codes recur on every row
def parse_standard(raw: str) -> tuple[str, str | None]:
    """Split a standard into its code and version: ``GB/T 19001-2016`` -> (``GB/T 19001``, ``2016``).

    >>> parse_standard("ISO 9001:2015")
    ('ISO 9001', '2015')
    >>> parse_standard("GB/T19001—2016/ISO 9001:2015")
    ('GB/T 19001', '2016')
    >>> parse_standard("gb/t 19001")
    ('GB/T 19001', None)
    """
    text = " ".join(raw.split())
    if not text:
        raise RuleViolation("certificate_standard", "certificate standard is empty")
    match = _DESIGNATION.match(text)
    if match:
        return f"{match.group(1).upper()} {match.group(2)}", match.group(3)
    other = _VERSION.match(text)  # a standard of another family, e.g. "T/CAQ 10201-2016"
    return (other.group(1), other.group(2)) if other else (text, None)


def in_force(status: CertStatus, issued_on: date, expires_on: date, on: date) -> bool:
    """A certificate protects a firm on ``on`` when valid, issued on or before ``on``, and ``on``
    is on or before its expiry date (有效期至 is the last day in force, not the first day out).

    >>> in_force(CertStatus.VALID, date(2024, 3, 1), date(2027, 2, 28), date(2027, 2, 28))
    True
    >>> in_force(CertStatus.VALID, date(2024, 3, 1), date(2027, 2, 28), date(2027, 3, 1))
    False
    """
    return status is CertStatus.VALID and issued_on <= on <= expires_on


def expires_within(expires_on: date, days: int, on: date) -> bool:
    """True when the certificate's last day in force is ``on`` or one of the ``days`` days after it."""
    return on <= expires_on <= on + timedelta(days=days)
