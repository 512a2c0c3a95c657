"""The vocabulary: pydantic models of what chainmap stores, with the registry rules applied.

Rows from CSV, XLSX or JSON are validated into these models once, at the boundary; the models then
become plain :mod:`chainmap.records` for the stores. Validation context ``{"accept_bad_checksum": True}``
accepts USCCs whose check characters fail, flagged.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from chainmap import rules
from chainmap.enums import CertStatus, SizeClass, Stage
from chainmap.errors import RuleViolation
from chainmap.rules import values
from chainmap.rules.certificates import check_validity, surveillance_overdue
from chainmap.rules.uscc import normalize_uscc, passes_checks

__all__ = [
    "CertStatus",
    "Certificate",
    "CertificationBody",
    "Chain",
    "Enterprise",
    "Membership",
    "Segment",
    "SizeClass",
    "Stage",
    "SupplyLink",
    "clean_text",
]


def _uscc(value: str, info: ValidationInfo) -> str:
    code = value.strip().upper()
    if passes_checks(code):  # the common case; the rules normalize and explain the others
        return code
    accept = bool(info.context and info.context.get("accept_bad_checksum"))
    return rules.validate_uscc(clean_text(value), accept_bad_checksum=accept).code


def _uscc_ref(value: str) -> str:
    return normalize_uscc(clean_text(value))


def _number(value: Any) -> Any:
    """An amount as people type it (万元): 1,234, １２, 1.2万, 3亿元, 500元."""
    return values.money(value) if isinstance(value, str) else value


def _whole(value: Any) -> Any:
    """A head count as people type it: 85人, 1.2万, 12.0."""
    return values.count(value) if isinstance(value, str | float) else value


def _share(value: Any) -> Any:
    """A share as people type it: 0.4, 40%, 40 %."""
    return values.share(value) if isinstance(value, str) else value


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_EXCEL_EPOCH = date(1899, 12, 30)


def _date(value: Any) -> Any:
    """Dates as ISO text, 2024/1/5, 20240105, 2024年1月5日, an Excel serial number or a datetime."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _EXCEL_EPOCH + timedelta(days=int(value))
    if isinstance(value, str):
        text = value.strip().split(" ")[0].split("T")[0]
        try:
            return date.fromisoformat(text)  # 2024-01-05 and 20240105, in C
        except ValueError:
            pass
        if text.isdigit() and len(text) <= 5:  # an Excel serial number written as text
            return _EXCEL_EPOCH + timedelta(days=int(text))
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise RuleViolation(
            "date_format",
            f"date {value.strip()!r} is not a date; write it as YYYY-MM-DD, e.g. 2024-03-01",
            f"日期“{value.strip()}”无法识别；请写成 2024-03-01 或 2024年3月1日",
        )
    return value


def _text_list(value: Any) -> Any:
    """``a;b``, ``a；b`` or ``a,b`` (or a JSON list) as a list of trimmed, non-empty items."""
    if isinstance(value, str):
        return [item.strip() for item in re.split(r"[;；,，]", value) if item.strip()]
    return value


_SIZE_WORDS = {"微型": "micro", "小型": "small", "中型": "medium", "大型": "large"}
_STAGE_WORDS = {"上游": "upstream", "中游": "midstream", "下游": "downstream"}


def _word(table: dict[str, str]) -> Any:
    def convert(value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            return table.get(text, text.lower())
        return value

    return convert


def _status(value: Any) -> Any:
    return rules.parse_status(value) if isinstance(value, str) else value


# Text as people paste it. Control characters are refused: a NUL cuts a name short in SQLite,
# and the others break CSV files, terminals and XML. So are the bidirectional overrides and
# isolates, which make a name display differently from what it holds (a firm that reads as
# another). Zero-width characters and stray byte-order marks, which copies from web pages and
# Word leave behind unseen, are removed. Line breaks and tabs are kept in free text only.
_REFUSED_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_REFUSED_IN_TEXT = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def clean_text(value: str, *, lines: bool = False) -> str:
    """``value`` without zero-width characters and byte-order marks (trimmed again after), or a
    :class:`~chainmap.errors.RuleViolation` naming a control character or bidirectional override
    it holds; ``lines`` keeps line breaks and tabs (free text such as a certificate's scope)."""
    if value.isprintable():  # nearly always: one pass in C
        return value
    text = value.translate(_INVISIBLE).strip()
    found = (_REFUSED_IN_TEXT if lines else _REFUSED_IN_LINE).search(text)
    if found is not None:
        char = found.group()
        code = f"U+{ord(char):04X}"
        name = unicodedata.name(char, "")
        shown = f"{code} {name}" if name else code
        if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
            raise RuleViolation(
                "text_bidi_override",
                f"holds the invisible direction mark {shown} at character {found.start() + 1}, "
                "which makes the text display differently from what it holds; delete it",
                zh=f"第 {found.start() + 1} 个字符是不可见的文字方向控制符 {code}，"
                "会使显示的内容与实际内容不同；请删除",
            )
        if char in "\t\n\r":
            what, what_zh = ("a tab", "制表符") if char == "\t" else ("a line break", "换行符")
            raise RuleViolation(
                "text_line_break",
                f"holds {what} ({code}) at character {found.start() + 1}; write it on one line",
                zh=f"第 {found.start() + 1} 个字符是{what_zh}（{code}）；请写成一行",
            )
        raise RuleViolation(
            "text_control_character",
            f"holds the control character {shown} at character {found.start() + 1} "
            "(often left by a copy from another program); delete it",
            zh=f"第 {found.start() + 1} 个字符是控制字符 {code}（常由从其他程序复制带入）；请删除",
        )
    if not text and value:
        raise RuleViolation(
            "text_invisible",
            "holds only invisible characters (zero-width spaces or byte-order marks)",
            zh="只含不可见字符（零宽空格或字节顺序标记），内容为空",
        )
    return text


def _line(value: str) -> str:
    return clean_text(value)


def _text(value: str) -> str:
    return clean_text(value, lines=True)


Uscc = Annotated[str, AfterValidator(_uscc)]
RegionCode = Annotated[str, AfterValidator(rules.validate_region_code)]
IndustryCode = Annotated[str, AfterValidator(rules.validate_industry_code)]
#: one line of text: a product, a grade, a standard's version ...
Line = Annotated[str, AfterValidator(_line)]
#: free text, line breaks allowed: a certificate's scope
Text = Annotated[str, AfterValidator(_text)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_line)]
Key = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_line)]
# Lenient types try pydantic's own (Rust) parsing first and fall back to the Python converter only
# for what it refuses ("1,234", full-width digits, 2024/1/5 ...): the common case stays fast.
_LEFT_TO_RIGHT = Field(union_mode="left_to_right")
# A reference is checked against the firms that exist, which were validated in full: it is only
# brought to the form they are stored in. An 18-character code is taken in Rust; only one typed
# with spaces, hyphens or full-width characters (9132 0583-…) goes through normalize_uscc.
UsccRef = Annotated[
    Annotated[
        str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[0-9A-Z]{18}$")
    ]
    | Annotated[str, AfterValidator(_uscc_ref)],
    _LEFT_TO_RIGHT,
]
Amount = Annotated[
    Annotated[float, Field(ge=0, allow_inf_nan=False)]
    | Annotated[float, BeforeValidator(_number), Field(ge=0, allow_inf_nan=False)],
    _LEFT_TO_RIGHT,
]
Count = Annotated[
    Annotated[int, Field(ge=0)] | Annotated[int, BeforeValidator(_whole), Field(ge=0)],
    _LEFT_TO_RIGHT,
]
Maturity = Annotated[
    Annotated[int, Field(ge=1, le=5)] | Annotated[int, BeforeValidator(_whole), Field(ge=1, le=5)],
    _LEFT_TO_RIGHT,
]
Share = Annotated[
    Annotated[float, Field(gt=0, le=1)]
    | Annotated[float, BeforeValidator(_share), Field(gt=0, le=1)],
    _LEFT_TO_RIGHT,
]
Day = Annotated[date | Annotated[date, BeforeValidator(_date)], _LEFT_TO_RIGHT]

_MODEL = ConfigDict(frozen=True, str_strip_whitespace=True, extra="ignore")


class CertificationBody(BaseModel):
    """A certification body (认证机构), accredited by CNCA under an approval number."""

    model_config = _MODEL
    body_id: Key
    name: Name
    approval_no: Line | None = None


class Enterprise(BaseModel):
    """A firm, identified by its USCC. ``size`` is as the data gives it; see :meth:`derived_size`."""

    model_config = _MODEL
    uscc: Uscc
    name: Name
    region_code: RegionCode
    industry_code: IndustryCode
    employees: Count | None = None
    revenue: Amount | None = None
    assets: Amount | None = None
    size: Annotated[SizeClass, BeforeValidator(_word(_SIZE_WORDS))] | None = None
    maturity: Maturity | None = None
    #: the code as given when it is a retired one (``region_code`` is then its successor)
    region_code_original: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _retired_region(cls, data: Any) -> Any:
        raw = data.get("region_code") if isinstance(data, dict) else None
        if not isinstance(raw, str):
            return data
        try:
            original = rules.resolve_region(raw).original
        except RuleViolation:
            return data  # the field reports it, with its column
        return data if original is None else {**data, "region_code_original": original}

    def derived_size(self) -> SizeClass | None:
        """The size class the 2011 standard gives from industry, employees, revenue and assets."""
        return rules.classify_size(self.industry_code, self.employees, self.revenue, self.assets)


class Chain(BaseModel):
    """An industry chain anchored by one or more leaders (链主); no region code means national."""

    model_config = _MODEL
    chain_id: Key
    name: Name
    region_code: RegionCode | None = None
    leaders: Annotated[list[UsccRef], BeforeValidator(_text_list), Field(min_length=1)]


class Segment(BaseModel):
    """A chain segment (环节) and the segments of the same chain it feeds."""

    model_config = _MODEL
    chain_id: Key
    segment_id: Key
    name: Name
    stage: Annotated[Stage, BeforeValidator(_word(_STAGE_WORDS))]
    feeds: Annotated[list[Key], BeforeValidator(_text_list)] = []

    @field_validator("feeds")
    @classmethod
    def _no_self_feed(cls, feeds: list[str], info: ValidationInfo) -> list[str]:
        if info.data.get("segment_id") in feeds:
            raise RuleViolation("segment_feeds_itself", "a segment cannot feed itself")
        return list(dict.fromkeys(feeds))


class Membership(BaseModel):
    """A firm works in a segment of a chain."""

    model_config = _MODEL
    chain_id: Key
    segment_id: Key
    uscc: UsccRef


class SupplyLink(BaseModel):
    """Supplier -> customer for a product; ``share`` is the part of the customer's purchases of it."""

    model_config = _MODEL
    supplier_uscc: UsccRef
    customer_uscc: UsccRef
    product: Annotated[Line | None, AfterValidator(lambda p: p or None)] = None
    share: Share | None = None
    annual_value: Amount | None = None

    @field_validator("customer_uscc")
    @classmethod
    def _not_self(cls, customer: str, info: ValidationInfo) -> str:
        if info.data.get("supplier_uscc") == customer:
            raise RuleViolation("supply_self_loop", "a firm cannot supply itself")
        return customer


class Certificate(BaseModel):
    """A QMS certificate. The standard is kept apart from its version (GB/T 19001 / 2016).

    ``expires_on`` (有效期至) is the last day in force. ``last_audit_on`` (最近监督审核日期) is the
    latest surveillance audit, ``status_since`` (状态变更日期) the day the status took effect; both
    are optional.
    """

    model_config = _MODEL
    cert_no: Key
    uscc: UsccRef
    standard: Annotated[Line, Field(min_length=1)]
    standard_version: Line | None = None
    body: Name
    status: Annotated[CertStatus, BeforeValidator(_status)]
    issued_on: Day
    expires_on: Day
    scope: Text | None = None
    grade: Line | None = None
    last_audit_on: Day | None = None
    status_since: Day | None = None

    @model_validator(mode="before")
    @classmethod
    def _split_standard(cls, data: Any) -> Any:
        standard = data.get("standard") if isinstance(data, dict) else None
        if not isinstance(standard, str) or not standard.strip():
            return data  # a blank standard is reported by the field, with its column
        code, version = rules.parse_standard(standard)
        return {
            **data,
            "standard": code,
            "standard_version": data.get("standard_version") or version,
        }

    @field_validator("expires_on")
    @classmethod
    def _after_issue(cls, expires_on: date, info: ValidationInfo) -> date:
        issued_on = info.data.get("issued_on")
        if issued_on is not None and expires_on < issued_on:
            raise RuleViolation(
                "certificate_dates",
                f"expires_on {expires_on} is before issued_on {issued_on}; "
                "check both dates against the certificate",
                zh=f"有效期至 {expires_on} 早于发证日期 {issued_on}；请对照证书核对这两个日期",
            )
        if issued_on is not None:
            check_validity(issued_on, expires_on)
        return expires_on

    @field_validator("last_audit_on", "status_since")
    @classmethod
    def _not_before_issue(cls, day: date | None, info: ValidationInfo) -> date | None:
        issued_on = info.data.get("issued_on")
        if day is not None and issued_on is not None and day < issued_on:
            what = info.field_name
            zh = "最近监督审核日期" if what == "last_audit_on" else "状态变更日期"
            raise RuleViolation(
                "certificate_dates",
                f"{what} {day} is before issued_on {issued_on}: a surveillance audit or a change "
                "of status comes after the certificate is issued; check the dates",
                zh=f"{zh} {day} 早于发证日期 {issued_on}：监督审核和状态变更都在发证之后；"
                "请核对日期",
            )
        return day

    def in_force(self, on: date) -> bool:
        """True when the certificate protects the firm on ``on``: its status on that day is valid
        (a later dated status had not taken effect), it was issued, and it has not expired."""
        return rules.in_force(self.status, self.issued_on, self.expires_on, on, self.status_since)

    def surveillance_overdue(self, on: date) -> bool:
        """True when, on ``on``, more than 12 months have passed since the last surveillance audit
        (or since issue, when none is recorded): the certificate is due for suspension."""
        return surveillance_overdue(self.issued_on, self.last_audit_on, on)

    def expiring_within(self, days: int, on: date) -> bool:
        """True when the certificate is in force on ``on`` and expires within ``days`` of it."""
        return self.in_force(on) and rules.expires_within(self.expires_on, days, on)
