"""Enterprises: search, and one firm with its certificates, suppliers and customers. Only firms
within the caller's bounds are found; one outside them is answered like one that does not exist."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from chainmap.records import FirmQuery

from ..computed import body_names
from ..deps import BoundsDep, FirmsCaller, ResultsDep, StoreDep
from ..firms import firm
from ..params import USCC, AsOf, Regions, Sizes
from ..schemas import Enterprise, EnterpriseDetail, EnterprisePage, firm_certificates
from ..scope import narrowed

router = APIRouter(tags=["enterprises"])


@router.get("/enterprises", summary="Search enterprises by name or USCC start, with filters")
def search(
    _: FirmsCaller,
    store: StoreDep,
    bounds: BoundsDep,
    region: Regions,
    size: Sizes,
    day: AsOf,
    q: Annotated[str | None, Query(max_length=100, description="name part or USCC start")] = None,
    industry: Annotated[
        str | None, Query(pattern=r"^[A-T]\d{0,4}$", description="one GB/T 4754 code prefix")
    ] = None,
    certified: Annotated[bool | None, Query(description="with a certificate in force")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> EnterprisePage:
    within_regions = narrowed(bounds.regions, region)
    if within_regions == ():  # the regions asked for lie outside the caller's
        return EnterprisePage(items=[], total=0, page=page, per_page=per_page)
    rows, total = store.search_enterprises(
        FirmQuery(
            text=(q or "").strip() or None,
            within_regions=within_regions,
            within=bounds.within,
            industry=industry,
            sizes=tuple(s.value for s in size) if size else None,
            certified=certified,
            on=day,
            limit=per_page,
            offset=(page - 1) * per_page,
        )
    )
    return EnterprisePage(
        items=[Enterprise.of(r) for r in rows], total=total, page=page, per_page=per_page
    )


@router.get("/enterprises/{uscc}", summary="One enterprise, its certificates and neighbours")
def enterprise(
    uscc: USCC,
    _: FirmsCaller,
    store: StoreDep,
    results: ResultsDep,
    bounds: BoundsDep,
    day: AsOf,
) -> EnterpriseDetail:
    seen = firm(store, results, bounds, uscc)
    return EnterpriseDetail(
        **Enterprise.of(seen.firm).model_dump(),
        certificates=firm_certificates(seen.certificates, day, body_names(results, store)),
        suppliers=[Enterprise.of(link.firm) for link in seen.suppliers],
        customers=[Enterprise.of(link.firm) for link in seen.customers],
    )
