"""Enumerations shared by the rules, the models and the stores."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CertStatus", "Lang", "PlanFormat", "SizeClass", "Stage"]


class SizeClass(StrEnum):
    """Enterprise size class under 工信部联企业〔2011〕300号."""

    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"

    @property
    def label_zh(self) -> str:
        return _SIZE_ZH[self]


_SIZE_ZH = {
    SizeClass.MICRO: "微型",
    SizeClass.SMALL: "小型",
    SizeClass.MEDIUM: "中型",
    SizeClass.LARGE: "大型",
}


class Stage(StrEnum):
    """Where a chain segment (环节) sits in its chain."""

    UPSTREAM = "upstream"
    MIDSTREAM = "midstream"
    DOWNSTREAM = "downstream"

    @property
    def label_zh(self) -> str:
        return _STAGE_ZH[self]


_STAGE_ZH = {Stage.UPSTREAM: "上游", Stage.MIDSTREAM: "中游", Stage.DOWNSTREAM: "下游"}


class CertStatus(StrEnum):
    """Status of a QMS certificate as the national certificate registry states it.

    ``withdrawn`` is 撤销, the certification body's withdrawal (ISO/IEC 17021-1; some English texts
    say revoked); ``cancelled`` is 注销, at the holder's request or on expiry.
    """

    VALID = "valid"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    UNKNOWN = "unknown"

    @property
    def label_zh(self) -> str:
        return _STATUS_ZH[self]


_STATUS_ZH = {
    CertStatus.VALID: "有效",
    CertStatus.SUSPENDED: "暂停",
    CertStatus.WITHDRAWN: "撤销",
    CertStatus.CANCELLED: "注销",
    CertStatus.EXPIRED: "过期",
    CertStatus.UNKNOWN: "未知",
}


class Lang(StrEnum):
    """The languages reports, plans and atlases are written in."""

    zh = "zh"
    en = "en"


class PlanFormat(StrEnum):
    """How a plan is handed out."""

    md = "md"
    html = "html"
    json = "json"
    docx = "docx"  # Word, for circulating; written to a file
    xlsx = "xlsx"  # the problem list, batches and schedule as a workbook; written to a file

    @property
    def binary(self) -> bool:
        """Whether the plan in this format is a file (not text for a terminal)."""
        return self in (PlanFormat.docx, PlanFormat.xlsx)
