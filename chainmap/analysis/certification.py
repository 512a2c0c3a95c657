"""A firm's certification state on a date, from its QMS certificates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from chainmap.enums import CertStatus
from chainmap.records import CertificateRow
from chainmap.rules.certificates import audit_due, expires_within, status_on

__all__ = [
    "REASON_OF_STATE",
    "CertState",
    "Certification",
    "certification",
    "certification_reasons",
]


class CertState(StrEnum):
    """What protects a firm on a date, best first."""

    VALID = "valid"
    EXPIRING = "expiring"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    CANCELLED = "cancelled"  # 注销
    WITHDRAWN = "withdrawn"  # 撤销
    NONE = "none"

    @property
    def protected(self) -> bool:
        """True when a certificate is in force (valid, or valid but expiring soon)."""
        return self in (CertState.VALID, CertState.EXPIRING)

    @property
    def label_zh(self) -> str:
        return _LABEL_ZH[self]


_LABEL_ZH = {
    CertState.VALID: "有效",
    CertState.EXPIRING: "即将到期",
    CertState.SUSPENDED: "暂停",
    CertState.EXPIRED: "过期",
    CertState.CANCELLED: "注销",
    CertState.WITHDRAWN: "撤销",
    CertState.NONE: "无证书",
}
_STATUS = {s.value: s for s in CertStatus}  # a dict look-up: CertStatus(value) is slow
_BY_STATUS = {
    CertStatus.SUSPENDED: CertState.SUSPENDED,
    CertStatus.WITHDRAWN: CertState.WITHDRAWN,
    CertStatus.CANCELLED: CertState.CANCELLED,
    CertStatus.EXPIRED: CertState.EXPIRED,
    CertStatus.VALID: CertState.EXPIRED,  # valid by its status, but past its expiry date
}


@dataclass(frozen=True, slots=True)
class Certification:
    """A firm's state on a date and the certificate it comes from (``None`` for ``none``).

    For a certificate in force, ``audit_due`` is the last day of its next surveillance audit (12
    months after the last one, or after issue) and ``surveillance_overdue`` says that the date is
    past it: the certificate is due for suspension, but it protects the firm until the body
    suspends it, so the state stays ``valid`` or ``expiring``.
    """

    state: CertState
    certificate: CertificateRow | None = None
    audit_due: date | None = None
    surveillance_overdue: bool = False


def certification(
    certificates: Iterable[CertificateRow], on: date, expiring_days: int = 90
) -> Certification:
    """The firm's certification state on ``on``, each certificate judged by its status on that day
    (a status dated after ``on`` had not taken effect: :func:`chainmap.rules.status_on`).

    A certificate in force decides it (the one expiring last): ``expiring`` when it expires within
    ``expiring_days``, else ``valid``. Without one, the latest certificate issued on or before
    ``on`` with a known status gives ``suspended``, ``withdrawn``, ``cancelled`` or ``expired`` (a
    valid status past its expiry date is expired). Certificates of unknown status count as no
    certificate. Nothing else issued by ``on``: ``none``.

    >>> from chainmap.records import CertificateRow
    >>> cert = CertificateRow("X-1", "F", "GB/T 19001", "2016", "CQC", "withdrawn",
    ...                       date(2024, 3, 1), date(2027, 2, 28), None, None,
    ...                       last_audit_on=date(2025, 2, 20), status_since=date(2025, 6, 1))
    >>> certification([cert], date(2025, 5, 31)).state, certification([cert], date(2025, 6, 1)).state
    (<CertState.VALID: 'valid'>, <CertState.WITHDRAWN: 'withdrawn'>)
    """
    best: CertificateRow | None = None
    latest: CertificateRow | None = None
    latest_status = CertStatus.UNKNOWN
    for cert in certificates:
        if cert.issued_on > on:
            continue
        status = status_on(_STATUS[cert.status], cert.status_since, on)
        if status is CertStatus.VALID and on <= cert.expires_on:
            if best is None or (cert.expires_on, cert.cert_no) > (best.expires_on, best.cert_no):
                best = cert
        elif status is not CertStatus.UNKNOWN and (
            latest is None
            or (cert.issued_on, cert.expires_on, cert.cert_no)
            > (latest.issued_on, latest.expires_on, latest.cert_no)
        ):
            latest, latest_status = cert, status
    if best is not None:
        soon = expires_within(best.expires_on, expiring_days, on)
        due = audit_due(best.issued_on, best.last_audit_on)
        return Certification(CertState.EXPIRING if soon else CertState.VALID, best, due, on > due)
    if latest is None:
        return Certification(CertState.NONE)
    return Certification(_BY_STATUS[latest_status], latest)


#: the weak-link reason each state that does not protect (or soon will not) gives
REASON_OF_STATE = {
    CertState.NONE: "uncertified",
    CertState.WITHDRAWN: "certificate_withdrawn",
    CertState.CANCELLED: "certificate_cancelled",
    CertState.EXPIRED: "certificate_expired",
    CertState.SUSPENDED: "certificate_suspended",
    CertState.EXPIRING: "certificate_expiring",
}


def certification_reasons(found: Certification) -> tuple[str, ...]:
    """Why certification leaves a firm unprotected or at risk, as the weak-link reason codes
    (:data:`chainmap.analysis.REASONS` labels them): none for a valid certificate whose
    surveillance is on time.

    >>> certification_reasons(Certification(CertState.EXPIRED))
    ('certificate_expired',)
    >>> certification_reasons(Certification(CertState.VALID, surveillance_overdue=True))
    ('surveillance_overdue',)
    """
    found_reasons = [REASON_OF_STATE[found.state]] if found.state in REASON_OF_STATE else []
    if found.surveillance_overdue:
        found_reasons.append("surveillance_overdue")
    return tuple(found_reasons)
