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
    """A dataset table: its file (or sheet, or JSON key) name, its columns and its row model."""

    name: str
    model: type[BaseModel]
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    needed: bool = (
        False  # a dataset without this table still imports; the flag is for documentation
    )

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


#: every table in the order it is validated and written (referenced tables first)
SPECS: tuple[TableSpec, ...] = (
    TableSpec("bodies", CertificationBody, ("body_id", "name"), ("approval_no",)),
    TableSpec(
        "enterprises",
        Enterprise,
        ("uscc", "name", "region_code", "industry_code"),
        ("employees", "revenue", "assets", "size", "maturity"),
    ),
    TableSpec("chains", Chain, ("chain_id", "name", "leaders"), ("region_code",)),
    TableSpec("segments", Segment, ("chain_id", "segment_id", "name", "stage"), ("feeds",)),
    TableSpec("members", Membership, ("chain_id", "segment_id", "uscc")),
    TableSpec(
        "supply",
        SupplyLink,
        ("supplier_uscc", "customer_uscc"),
        ("product", "share", "annual_value"),
    ),
    TableSpec(
        "certificates",
        Certificate,
        ("cert_no", "uscc", "standard", "body", "status", "issued_on", "expires_on"),
        ("scope", "grade"),
    ),
)
