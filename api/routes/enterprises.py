"""Enterprises: search, and one firm with its certificates, suppliers and customers. Only firms
within the caller's bounds are found; one outside them is answered like one that does not exist."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status

from chainmap.enums import SizeClass
from chainmap.graph import to_digraph
from chainmap.records import FirmQuery
from chainmap.rules import industry_name, region_full_name

from ..computed import tree_read
from ..deps import FirmsCaller, ResultsDep, SettingsDep, StoreDep
from ..schemas import Certificate, Enterprise, EnterpriseDetail, EnterprisePage
from ..scope import bounds_of, visible_firms

router = APIRouter(tags=["enterprises"])

USCC = Annotated[
    str, Path(pattern=r"^[0-9A-Z]{18}$", description="统一社会信用代码, 18 characters")
]


def not_found(uscc: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"enterprise {uscc} not found")


@router.get("/enterprises", summary="Search enterprises by name or USCC start, with filters")
def search(
    caller: FirmsCaller,
    store: StoreDep,
    settings: SettingsDep,
    results: ResultsDep,
    q: Annotated[str | None, Query(max_length=100, description="name part or USCC start")] = None,
    region: Annotated[str | None, Query(pattern=r"^\d{2,6}$")] = None,
    industry: Annotated[str | None, Query(pattern=r"^[A-T]\d{0,4}$")] = None,
    size: Annotated[list[SizeClass] | None, Query()] = None,
    certified: Annotated[bool | None, Query(description="with a certificate in force")] = None,
    as_of: Annotated[date | None, Query(description="day certificates are judged on")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> EnterprisePage:
    bounds = bounds_of(caller, store, settings.max_depth, results)
    rows, total = store.search_enterprises(
        FirmQuery(
            text=(q or "").strip() or None,
            within_regions=bounds.regions,
            within=bounds.within,
            region=region,
            industry=industry,
            sizes=tuple(s.value for s in size) if size else None,
            certified=certified,
            on=as_of,
            limit=per_page,
            offset=(page - 1) * per_page,
        )
    )
    return EnterprisePage(
        items=[Enterprise.of(r) for r in rows], total=total, page=page, per_page=per_page
    )


@router.get("/enterprises/{uscc}", summary="One enterprise, its certificates and neighbours")
def enterprise(
    uscc: USCC, caller: FirmsCaller, store: StoreDep, settings: SettingsDep, results: ResultsDep
) -> EnterpriseDetail:
    bounds = bounds_of(caller, store, settings.max_depth, results)
    if not visible_firms(store, bounds, [uscc]):
        raise not_found(uscc)
    graph = to_digraph(tree_read(results, store, uscc, 1))
    neighbours = sorted(set(graph.predecessors(uscc)) | set(graph.successors(uscc)))
    shown = {row.uscc: Enterprise.of(row) for row in visible_firms(store, bounds, neighbours)}
    attrs = graph.nodes[uscc]
    return EnterpriseDetail(
        uscc=uscc,
        name=attrs["name"],
        region_code=attrs["region_code"],
        region_name=region_full_name(attrs["region_code"]),
        industry_code=attrs["industry_code"],
        industry_name=industry_name(attrs["industry_code"]),
        size=attrs["size"],
        maturity=attrs["maturity"],
        certificates=[Certificate.of(c) for c in attrs["certificates"]],
        suppliers=[shown[u] for u in sorted(graph.predecessors(uscc)) if u in shown],
        customers=[shown[u] for u in sorted(graph.successors(uscc)) if u in shown],
    )
