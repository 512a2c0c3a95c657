"""Plain records that travel between the importer, the stores and the graph builder.

Tuples, not pydantic objects: an import moves millions of them and a chain read tens of thousands,
so they stay as light as the data. Validation happens once, at the boundary
(:mod:`chainmap.models`); everything after it trusts these shapes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

__all__ = [
    "AccountRow",
    "BodyRow",
    "CertificateRow",
    "ChainRow",
    "EnterpriseRow",
    "FeedRow",
    "FirmQuery",
    "LeaderRow",
    "MemberRow",
    "Row",
    "SegmentRow",
    "Subgraph",
    "SupplyRow",
    "Table",
    "TableRows",
    "TokenRow",
]


class Table(StrEnum):
    """The stored tables, referenced before referencing: the order a store without transactions
    writes them in. (The embedded store, which has one transaction, picks its own order.)"""

    BODIES = "bodies"
    ENTERPRISES = "enterprises"
    CHAINS = "chains"
    LEADERS = "leaders"
    SEGMENTS = "segments"
    FEEDS = "feeds"
    MEMBERS = "members"
    SUPPLY = "supply"
    CERTIFICATES = "certificates"


class BodyRow(NamedTuple):
    body_id: str
    name: str
    approval_no: str | None


class EnterpriseRow(NamedTuple):
    uscc: str
    name: str
    region_code: str
    industry_code: str
    employees: int | None
    revenue: float | None
    assets: float | None
    size: str | None
    size_source: (
        str | None
    )  # "explicit" when the data gave it, "derived" when computed, None unknown
    maturity: int | None
    flags: str  # ";"-separated flags such as uscc_bad_checksum; "" when none


class ChainRow(NamedTuple):
    chain_id: str
    name: str
    region_code: str | None  # None: a national chain


class LeaderRow(NamedTuple):
    chain_id: str
    uscc: str


class SegmentRow(NamedTuple):
    chain_id: str
    segment_id: str
    name: str
    stage: str


class FeedRow(NamedTuple):
    chain_id: str
    from_segment: str
    to_segment: str


class MemberRow(NamedTuple):
    chain_id: str
    segment_id: str
    uscc: str


class SupplyRow(NamedTuple):
    supplier: str
    customer: str
    product: str  # "" when the data names no product
    share: float | None
    annual_value: float | None


class CertificateRow(NamedTuple):
    cert_no: str
    uscc: str
    standard: str
    standard_version: str | None
    body_id: str
    status: str  # a CertStatus value
    issued_on: date
    expires_on: date  # 有效期至: the last day in force
    scope: str | None
    grade: str | None
    last_audit_on: date | None = None  # 最近监督审核日期, None when not recorded
    status_since: date | None = None  # 状态变更日期: the day the status took effect, if known


@dataclass(frozen=True, slots=True)
class FirmQuery:
    """A search for enterprises. ``within_regions`` and ``within`` bound what the caller may see
    (None: no bound); the rest are filters. ``certified`` keeps firms with (True) or without
    (False) a certificate in force on ``on``."""

    text: str | None = None  # a substring of the name, or the start of the USCC
    within_regions: tuple[str, ...] | None = None
    within: tuple[str, ...] | None = None
    region: str | None = None  # region-code prefix
    industry: str | None = None  # GB/T 4754 code prefix
    sizes: tuple[str, ...] | None = None
    certified: bool | None = None
    on: date | None = None
    limit: int = 50
    offset: int = 0


class TokenRow(NamedTuple):
    """An API token as the store keeps it: never the token, only its SHA-256 digest."""

    token_id: str
    name: str
    role: str
    regions: tuple[str, ...]  # region-code prefixes (regulators, analysts)
    enterprise: str | None  # the leader's USCC (leaders)
    digest: str  # hex SHA-256 of the token
    created_at: str  # ISO timestamp, UTC
    revoked_at: str | None
    #: ISO timestamp, UTC, from which the token is refused; None: a token made before tokens
    #: expired, which lasts until revoked
    expires_at: str | None = None


class AccountRow(NamedTuple):
    """A person's account as the store keeps it: never the password, only its argon2id hash."""

    login_key: str  # the login normalised (NFKC, case-folded): unique, what it is looked up by
    login: str  # as it was given (NFKC)
    name: str
    role: str
    regions: tuple[str, ...]  # region-code prefixes (regulators, analysts)
    enterprise: str | None  # the leader's USCC (leaders)
    password_hash: str  # argon2id, in the PHC string format
    created_at: str  # ISO timestamp, UTC
    disabled_at: str | None
    #: consecutive failed logins since the last success (or the last new password)
    failures: int = 0
    last_failure_at: str | None = None
    #: ISO timestamp, UTC, until which every login is refused
    locked_until: str | None = None
    #: the password was set by someone else (a one-time password): the person must choose a new
    #: one at the next login
    must_change: bool = False


Row = (
    BodyRow
    | EnterpriseRow
    | ChainRow
    | LeaderRow
    | SegmentRow
    | FeedRow
    | MemberRow
    | SupplyRow
    | CertificateRow
)


class TableRows(Protocol):
    """Validated rows ready to write, table by table (what a store's ``write`` consumes)."""

    def batches(self, table: Table, size: int) -> Iterator[list[Row]]:
        """The rows of ``table`` in lists of at most ``size``."""
        ...

    def stream(self, size: int) -> Iterator[tuple[Table, Sequence[tuple[Any, ...]]]]:
        """Every row of every table as ``(table, batch)``, in whatever order the rows become
        ready; within a table, in the order to write them. Rows are plain tuples with the fields
        of the table's record type (:class:`SupplyRow` ...), in its order."""
        ...

    def replaces(self, table: Table) -> list[str]:
        """Chain ids whose leaders (``LEADERS``), or ``chain_id\\tsegment_id`` keys whose feeds
        (``FEEDS``), this import replaces as a whole."""
        ...

    @property
    def keys_unique(self) -> bool:
        """True when no key appears twice in any table (one dataset), so the rows of a table
        may be written in any order."""
        ...

    def settle(self) -> None:
        """Called by the store after the last row, before it commits: raises when the rows must
        not be kept (a store that can roll back may write while validation is still running)."""
        ...


@dataclass(slots=True)
class Subgraph:
    """What a store read returns: the firms of a chain, a leader's tiers or a region, with their links."""

    enterprises: list[EnterpriseRow] = field(default_factory=list)
    supply: list[SupplyRow] = field(default_factory=list)
    certificates: list[CertificateRow] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)
    chains: list[ChainRow] = field(default_factory=list)
    leaders: list[LeaderRow] = field(default_factory=list)
    segments: list[SegmentRow] = field(default_factory=list)
    feeds: list[FeedRow] = field(default_factory=list)
    #: for a supplier-tier read: tier of each firm (0 the leader, 1 its direct suppliers, -1 direct customers)
    tiers: dict[str, int] = field(default_factory=dict)
