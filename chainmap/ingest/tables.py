"""The tables of a dataset: file names, columns, and the model that validates each row."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from chainmap.models import (
    Certificate,
    CertificationBody,
    Chain,
    Enterprise,
    Membership,
    Segment,
    SupplyLink,
)

__all__ = ["SPECS", "TableSpec"]


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A dataset table: its file (or sheet, or JSON key) name, its row model, its columns in the
    documented order (docs/data-format.md), and which of them are required."""

    name: str
    model: type[BaseModel]
    columns: tuple[str, ...]
    required: tuple[str, ...]


#: every table in the order it is validated (referenced tables first)
SPECS: tuple[TableSpec, ...] = (
    TableSpec("bodies", CertificationBody, ("body_id", "name", "approval_no"), ("body_id", "name")),
    TableSpec(
        "enterprises",
        Enterprise,
        (
            "uscc",
            "name",
            "region_code",
            "industry_code",
            "employees",
            "revenue",
            "assets",
            "size",
            "maturity",
        ),
        ("uscc", "name", "region_code", "industry_code"),
    ),
    TableSpec(
        "chains",
        Chain,
        ("chain_id", "name", "region_code", "leaders"),
        ("chain_id", "name", "leaders"),
    ),
    TableSpec(
        "segments",
        Segment,
        ("chain_id", "segment_id", "name", "stage", "feeds"),
        ("chain_id", "segment_id", "name", "stage"),
    ),
    TableSpec(
        "members",
        Membership,
        ("chain_id", "segment_id", "uscc"),
        ("chain_id", "segment_id", "uscc"),
    ),
    TableSpec(
        "supply",
        SupplyLink,
        ("supplier_uscc", "customer_uscc", "product", "share", "annual_value"),
        ("supplier_uscc", "customer_uscc"),
    ),
    TableSpec(
        "certificates",
        Certificate,
        (
            "cert_no",
            "uscc",
            "standard",
            "body",
            "status",
            "issued_on",
            "expires_on",
            "scope",
            "grade",
            "last_audit_on",
            "status_since",
        ),
        ("cert_no", "uscc", "standard", "body", "status", "issued_on", "expires_on"),
    ),
)
