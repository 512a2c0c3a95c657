"""QMS certificate rules: status words, the standard's code and version, and when a certificate protects a firm."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta
from functools import lru_cache

from chainmap.enums import CertStatus
from chainmap.errors import RuleViolation

__all__ = [
    "SURVEILLANCE_MONTHS",
    "VALIDITY_YEARS",
    "audit_due",
    "check_validity",
    "expires_within",
    "in_force",
    "latest_expiry",
    "months_after",
    "parse_standard",
    "parse_status",
    "status_on",
    "surveillance_overdue",
]

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


def status_on(status: CertStatus, status_since: date | None, on: date) -> CertStatus:
    """The status as it stood on ``on``.

    A status dated after ``on`` (``status_since``, 状态变更日期) had not taken effect yet; until
    then the certificate is taken as valid, the status it has from issue. An undated status, a
    valid one and an unknown one hold on every day.

    >>> str(status_on(CertStatus.WITHDRAWN, date(2025, 6, 1), date(2025, 5, 31)))
    'valid'
    >>> str(status_on(CertStatus.WITHDRAWN, date(2025, 6, 1), date(2025, 6, 1)))
    'withdrawn'
    """
    if status_since is not None and on < status_since and status is not CertStatus.UNKNOWN:
        return CertStatus.VALID
    return status


def in_force(
    status: CertStatus,
    issued_on: date,
    expires_on: date,
    on: date,
    status_since: date | None = None,
) -> bool:
    """A certificate protects a firm on ``on`` when its status on ``on`` is valid
    (:func:`status_on`), it was issued on or before ``on``, and ``on`` is on or before its expiry
    date (有效期至 is the last day in force, not the first day out).

    >>> in_force(CertStatus.VALID, date(2024, 3, 1), date(2027, 2, 28), date(2027, 2, 28))
    True
    >>> in_force(CertStatus.VALID, date(2024, 3, 1), date(2027, 2, 28), date(2027, 3, 1))
    False
    >>> withdrawn = (CertStatus.WITHDRAWN, date(2024, 3, 1), date(2027, 2, 28))
    >>> in_force(*withdrawn, date(2025, 5, 31), date(2025, 6, 1))
    True
    >>> in_force(*withdrawn, date(2025, 6, 1), date(2025, 6, 1))
    False
    """
    return issued_on <= on <= expires_on and status_on(status, status_since, on) is CertStatus.VALID


def expires_within(expires_on: date, days: int, on: date) -> bool:
    """True when the certificate's last day in force is ``on`` or one of the ``days`` days after it."""
    return on <= expires_on <= on + timedelta(days=days)


#: a certification cycle: a certificate is valid for at most this many years
VALIDITY_YEARS = 3
#: surveillance audits are at most this many months apart, the first within as many of issue
SURVEILLANCE_MONTHS = 12


def months_after(day: date, months: int) -> date:
    """The same day of the month ``months`` later; a day the month lacks becomes its last day.

    >>> months_after(date(2024, 2, 29), 12), months_after(date(2024, 8, 31), 6)
    (datetime.date(2025, 2, 28), datetime.date(2025, 2, 28))
    """
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def latest_expiry(issued_on: date) -> date:
    """The latest expiry date a certificate issued on ``issued_on`` may carry: the same calendar
    day three years on (29 February: 28 February).

    A three-year certificate's last day is usually the day before (issued 2024-03-01, valid to
    2027-02-28), but registries and ledgers also write the anniversary itself, so that day is
    accepted; from the day after it the validity is longer than three years.

    >>> latest_expiry(date(2024, 3, 1))
    datetime.date(2027, 3, 1)
    """
    return months_after(issued_on, 12 * VALIDITY_YEARS)


def check_validity(issued_on: date, expires_on: date) -> None:
    """Raise :class:`RuleViolation` (``certificate_validity``) when the validity is longer than
    three years (:func:`latest_expiry`)."""
    limit = latest_expiry(issued_on)
    if expires_on > limit:
        raise RuleViolation(
            "certificate_validity",
            f"expires_on {expires_on} is more than {VALIDITY_YEARS} years after issued_on "
            f"{issued_on}; a QMS certificate is valid for at most {VALIDITY_YEARS} years, so it "
            f"expires on {limit} at the latest: check both dates against the certificate",
            zh=f"有效期至 {expires_on} 距发证日期 {issued_on} 超过 {VALIDITY_YEARS} 年；质量管理体系"
            f"认证证书有效期最长 {VALIDITY_YEARS} 年，最晚至 {limit}：请对照证书核对这两个日期",
        )


def audit_due(issued_on: date, last_audit_on: date | None) -> date:
    """The last day by which the next surveillance audit is due: 12 months after the last one,
    or after issue when none is recorded (CNCA QMS certification rules). A certificate past it
    is due for suspension.

    >>> audit_due(date(2024, 3, 1), None), audit_due(date(2024, 3, 1), date(2025, 2, 20))
    (datetime.date(2025, 3, 1), datetime.date(2026, 2, 20))
    """
    since = issued_on if last_audit_on is None else max(issued_on, last_audit_on)
    return months_after(since, SURVEILLANCE_MONTHS)


def surveillance_overdue(issued_on: date, last_audit_on: date | None, on: date) -> bool:
    """True when ``on`` is after :func:`audit_due`: more than 12 months since the last
    surveillance audit (or since issue). An audit recorded after ``on`` shows the cycle went on,
    so on ``on`` the certificate is not counted overdue.

    >>> surveillance_overdue(date(2024, 3, 1), None, date(2025, 3, 1))
    False
    >>> surveillance_overdue(date(2024, 3, 1), None, date(2025, 3, 2))
    True
    """
    return on > audit_due(issued_on, last_audit_on)
