"""What the API answers with: pydantic models, documented in the OpenAPI schema."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Self

from pydantic import BaseModel, Field, create_model

from chainmap.analysis import REASONS, WEAK_LINK_FIELDS, Certification, FirmFigures
from chainmap.analysis.certification import certification_reasons
from chainmap.enums import CertStatus
from chainmap.records import CertificateRow, ChainRow, EnterpriseRow
from chainmap.rules import industry_name, region_full_name
from chainmap.rules.certificates import status_on

__all__ = [
    "Certificate",
    "CertificationOut",
    "Chain",
    "Enterprise",
    "EnterpriseDetail",
    "EnterprisePage",
    "ErrorOut",
    "Health",
    "ImportReport",
    "Reason",
    "Stats",
    "Tier",
    "Tiers",
    "WeakLink",
    "WeakLinks",
    "WhatIfOut",
    "firm_certificates",
    "status_on_day",
]


class ErrorOut(BaseModel):
    """Every error: a stable machine code and the message in the caller's language (docs/api.md
    lists the codes)."""

    code: str = Field(description="not_found, forbidden, invalid_parameter ... (docs/api.md)")
    detail: str = Field(description="the message in the caller's language (Accept-Language)")
    detail_en: str
    detail_zh: str
    problems: list[dict[str, Any]] | None = Field(
        None, description="invalid_parameter and invalid_dataset: each problem"
    )


class Health(BaseModel):
    status: str = "ok"


class Stats(BaseModel):
    """What the store holds, counted."""

    enterprises: int
    supply_links: int
    certificates: int
    chains: int
    segments: int
    members: int
    bodies: int


REGION_NAME = (
    "the region's full name, province first: 江苏省苏州市昆山市 (county names repeat across "
    "provinces); null for a code the GB/T 2260 table lacks"
)
INDUSTRY_NAME = "the GB/T 4754-2017 name (行业名称) of the industry code, e.g. 锂离子电池制造"


class Chain(BaseModel):
    chain_id: str
    name: str
    region_code: str | None = Field(description="None: a national chain")
    region_name: str | None = Field(
        description="the region's full name, 江苏省苏州市; None: national"
    )

    @classmethod
    def of(cls, row: ChainRow) -> Chain:
        return cls(
            chain_id=row.chain_id,
            name=row.name,
            region_code=row.region_code,
            region_name=region_full_name(row.region_code) if row.region_code else None,
        )


class Figures(BaseModel):
    """Counts over firms within the caller's bounds (see ``GET /overview``)."""

    firms: int
    certified: int = Field(description="firms holding a certificate in force on the day")
    coverage: float | None = Field(description="certified / firms; None without firms")
    weak_links: int = Field(description="firms that are a weak link towards some leader")
    expiring: int = Field(description="firms whose certificate in force ends within 90 days")
    lapsed: int = Field(description="firms whose certificate stands suspended or withdrawn (撤销)")
    batches: int | None = Field(
        description="joint-certification batches; None where the caller may not see them"
    )


class ChainOverview(Figures):
    chain: Chain


class OverviewOut(Figures):
    as_of: date
    chains: list[ChainOverview]

    @classmethod
    def of(cls, seen: Any) -> OverviewOut:
        def figures(row: Any) -> dict[str, Any]:
            return {
                name: getattr(row, name)
                for name in (
                    "firms",
                    "certified",
                    "coverage",
                    "weak_links",
                    "expiring",
                    "lapsed",
                    "batches",
                )
            }

        return cls(
            as_of=seen.as_of,
            **figures(seen),
            chains=[ChainOverview(chain=Chain.of(c.chain), **figures(c)) for c in seen.chains],
        )


class Enterprise(BaseModel):
    uscc: str
    name: str
    region_code: str
    region_name: str | None = Field(description=REGION_NAME)
    industry_code: str
    industry_name: str | None = Field(description=INDUSTRY_NAME)
    size: str | None
    maturity: int | None

    @classmethod
    def of(cls, row: EnterpriseRow) -> Enterprise:
        return cls(
            uscc=row.uscc,
            name=row.name,
            region_code=row.region_code,
            region_name=region_full_name(row.region_code),
            industry_code=row.industry_code,
            industry_name=industry_name(row.industry_code),
            size=row.size,
            maturity=row.maturity,
        )


class EnterprisePage(BaseModel):
    items: list[Enterprise]
    total: int = Field(description="firms matching, on every page")
    page: int
    per_page: int


class Certificate(BaseModel):
    cert_no: str
    standard: str
    standard_version: str | None
    body_id: str
    body_name: str | None = Field(description="the certification body's name; null if unknown")
    status: str = Field(
        description="as judged on the day asked (as_of, else today): valid, suspended, "
        "withdrawn (撤销), cancelled (注销), expired or unknown; a certificate recorded valid "
        "whose expiry date has passed is expired, one whose status change is dated later "
        "keeps its earlier status"
    )
    recorded_status: str = Field(description="the status as the data records it")
    issued_on: date
    expires_on: date = Field(description="有效期至: the last day the certificate is in force")
    scope: str | None
    last_audit_on: date | None = Field(None, description="the latest surveillance audit")
    status_since: date | None = Field(None, description="the day the status took effect")

    @classmethod
    def of(cls, row: CertificateRow, day: date, bodies: Mapping[str, str]) -> Certificate:
        return cls(
            cert_no=row.cert_no,
            standard=row.standard,
            standard_version=row.standard_version,
            body_id=row.body_id,
            body_name=bodies.get(row.body_id),
            status=status_on_day(row, day),
            recorded_status=row.status,
            issued_on=row.issued_on,
            expires_on=row.expires_on,
            scope=row.scope,
            last_audit_on=row.last_audit_on,
            status_since=row.status_since,
        )


def status_on_day(row: CertificateRow, day: date) -> str:
    """A certificate's status on ``day``: its status then (a change dated later has not taken
    effect), and expired once a valid certificate's expiry date has passed."""
    status = status_on(CertStatus(row.status), row.status_since, day)
    if status is CertStatus.VALID and day > row.expires_on:
        return CertStatus.EXPIRED.value
    return status.value


def firm_certificates(
    rows: Iterable[CertificateRow], day: date, bodies: Mapping[str, str]
) -> list[Certificate]:
    """A firm's certificates as judged on ``day``, latest expiry first."""
    ordered = sorted(rows, key=lambda r: (r.expires_on, r.cert_no), reverse=True)
    return [Certificate.of(r, day, bodies) for r in ordered]


class Reason(BaseModel):
    code: str = Field(description="the weak-link reason code (docs/analysis.md)")
    zh: str
    en: str


class CertificationOut(BaseModel):
    """A firm's certification on a day, the certificate it comes from, and why (the state and
    reasons of docs/analysis.md, as the weak links judge them)."""

    state: str = Field(
        description="valid, expiring, suspended, expired, cancelled, withdrawn or none"
    )
    certificate: Certificate | None = Field(
        description="the certificate that decides the state: the one in force expiring last, "
        "else the latest issued; null for none"
    )
    audit_due: date | None = Field(
        description="for a certificate in force, the last day of its next surveillance audit"
    )
    reasons: list[Reason] = Field(description="why the state is a risk; empty when valid")

    @classmethod
    def of(cls, found: Certification, day: date, bodies: Mapping[str, str]) -> CertificationOut:
        cert = found.certificate
        return cls(
            state=found.state.value,
            certificate=None if cert is None else Certificate.of(cert, day, bodies),
            audit_due=found.audit_due,
            reasons=[
                Reason(code=c, zh=REASONS[c][0], en=REASONS[c][1])
                for c in certification_reasons(found)
            ],
        )


class EnterpriseDetail(Enterprise):
    certificates: list[Certificate] = Field(
        description="every certificate of the firm, as judged on the day asked, latest first"
    )
    suppliers: list[Enterprise] = Field(description="direct suppliers the caller may see")
    customers: list[Enterprise] = Field(description="direct customers the caller may see")


class Tier(Enterprise):
    tier: int = Field(description="0 the leader, 1, 2 ... its suppliers, -1 a direct customer")
    certification: CertificationOut


class Tiers(BaseModel):
    leader: str
    depth: int
    as_of: date = Field(description="the day certificates are judged on")
    firms: list[Tier]


class _WeakLinkRecord(BaseModel):
    @classmethod
    def of(cls, figures: FirmFigures) -> Self:
        return cls(**figures.as_dict())  # the row the CLI writes, names and sentences included


def _weak_link_model() -> type[_WeakLinkRecord]:
    """WeakLink's fields are the weak-link record's (WEAK_LINK_FIELDS), declared once beside
    FirmFigures: the CSV, the workbook and this schema cannot drift apart."""
    fields: dict[str, Any] = {
        c.name: (c.annotation, Field(description=c.doc)) for c in WEAK_LINK_FIELDS
    }
    return create_model(
        "WeakLink",
        __base__=_WeakLinkRecord,
        __doc__="One firm's figures towards one leader (docs/analysis.md explains each).",
        __module__=__name__,
        **fields,
    )


if TYPE_CHECKING:

    class WeakLink(_WeakLinkRecord):
        """One firm's figures towards one leader (docs/analysis.md explains each)."""

else:
    WeakLink = _weak_link_model()


class WhatIfOut(BaseModel):
    leader: str
    lost_share: float = Field(description="share of the leader's purchases lost")
    cut_off: list[str] = Field(description="firms left with no supply path to the leader")


class ImportReport(BaseModel):
    rows_read: int
    written: dict[str, int] = Field(description="rows written per table")
    warnings: list[dict[str, object]]
    seconds: float


class WeakLinks(BaseModel):
    chain_id: str
    as_of: date
    items: list[WeakLink]
