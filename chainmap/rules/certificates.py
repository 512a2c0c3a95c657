"""QMS certificate rules: status words, the standard's code and version, and when a certificate protects a firm."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from chainmap.enums import CertStatus
from chainmap.errors import RuleViolation

__all__ = ["expires_within", "in_force", "parse_standard", "parse_status"]

# Every word a status cell may hold, Chinese or English (English matched in any case). Only words
# with one meaning are here: 正常 ("normal") or 有效期 ("validity period") say nothing certain about
# the certificate, so they are refused with the list of accepted words rather than guessed at.
_STATUS_WORDS: dict[str, CertStatus] = {
    "有效": CertStatus.VALID,
    "有效期内": CertStatus.VALID,  # "within its validity": what the registry calls 有效
    "valid": CertStatus.VALID,
    "in force": CertStatus.VALID,
    "active": CertStatus.VALID,
    "暂停": CertStatus.SUSPENDED,
    "已暂停": CertStatus.SUSPENDED,
    "暂停使用": CertStatus.SUSPENDED,  # CNCA's wording: 暂停使用认证证书
    "suspended": CertStatus.SUSPENDED,
    # 撤销: the body withdraws the certificate (ISO/IEC 17021-1 "withdrawn"; also "revoked")
    "撤销": CertStatus.WITHDRAWN,
    "已撤销": CertStatus.WITHDRAWN,
    "撤消": CertStatus.WITHDRAWN,  # a variant spelling of 撤销
    "已撤消": CertStatus.WITHDRAWN,
    "withdrawn": CertStatus.WITHDRAWN,
    "revoked": CertStatus.WITHDRAWN,
    # 注销: cancelled at the holder's request or on expiry
    "注销": CertStatus.CANCELLED,
    "已注销": CertStatus.CANCELLED,
    "cancelled": CertStatus.CANCELLED,
    "canceled": CertStatus.CANCELLED,
    "过期": CertStatus.EXPIRED,
    "已过期": CertStatus.EXPIRED,
    "失效": CertStatus.EXPIRED,
    "已失效": CertStatus.EXPIRED,
    "过期失效": CertStatus.EXPIRED,
    "expired": CertStatus.EXPIRED,
    "未知": CertStatus.UNKNOWN,
    "unknown": CertStatus.UNKNOWN,
}


def parse_status(raw: str) -> CertStatus:
    """Map a registry status word, Chinese or English, to :class:`CertStatus`.

    >>> parse_status("暂停")
    <CertStatus.SUSPENDED: 'suspended'>
    >>> [str(parse_status(word)) for word in ("撤销", "Revoked", "注销", "已过期")]
    ['withdrawn', 'withdrawn', 'cancelled', 'expired']
    """
    word = raw.strip()
    status = _STATUS_WORDS.get(word) or _STATUS_WORDS.get(word.lower())
    if status is None:
        raise RuleViolation(
            "certificate_status",
            f"certificate status {word!r} is not known; write one of 有效/valid, "
            "暂停/suspended, 撤销/withdrawn (also revoked), 注销/cancelled, 过期/失效/expired, "
            "未知/unknown",
            zh=f"证书状态“{word}”无法识别；请填写 有效、暂停、撤销、注销、过期（失效）或 未知"
            "（英文 valid、suspended、withdrawn/revoked、cancelled、expired、unknown 亦可）",
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
