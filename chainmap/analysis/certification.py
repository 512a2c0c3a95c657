"""A firm's certification state on a date, from its QMS certificates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from chainmap.enums import CertStatus
from chainmap.records import CertificateRow
from chainmap.rules.certificates import expires_within, in_force

__all__ = ["CertState", "Certification", "certification"]


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
    """A firm's state on a date and the certificate it comes from (``None`` for ``none``)."""

    state: CertState
    certificate: CertificateRow | None = None


def certification(
    certificates: Iterable[CertificateRow], on: date, expiring_days: int = 90
) -> Certification:
    """The firm's certification state on ``on``.

    A certificate in force decides it (the one expiring last): ``expiring`` when it expires within
    ``expiring_days``, else ``valid``. Without one, the latest certificate issued on or before
    ``on`` with a known status gives ``suspended``, ``withdrawn``, ``cancelled`` or ``expired`` (a
    valid status past its expiry date is expired). Certificates of unknown status count as no
    certificate. Nothing else issued by ``on``: ``none``.
    """
    best: CertificateRow | None = None
    latest: CertificateRow | None = None
    for cert in certificates:
        status = _STATUS[cert.status]
        if in_force(status, cert.issued_on, cert.expires_on, on):
            if best is None or (cert.expires_on, cert.cert_no) > (best.expires_on, best.cert_no):
                best = cert
        elif (
            cert.issued_on <= on
            and status is not CertStatus.UNKNOWN
            and (
                latest is None
                or (cert.issued_on, cert.expires_on, cert.cert_no)
                > (latest.issued_on, latest.expires_on, latest.cert_no)
            )
        ):
            latest = cert
    if best is not None:
        soon = expires_within(best.expires_on, expiring_days, on)
        return Certification(CertState.EXPIRING if soon else CertState.VALID, best)
    if latest is None:
        return Certification(CertState.NONE)
    return Certification(_BY_STATUS[_STATUS[latest.status]], latest)
