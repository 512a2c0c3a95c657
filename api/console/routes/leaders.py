"""A leader's page: its supplier tiers and direct customers with their certificates, the
calendar of certificates ending, the weak links of its tree and its chains' batches.

``/leader`` is a leader account's own page; admins and regulators open a leader within their
bounds at ``/leaders/{uscc}`` (the rules of ``GET /leaders/{uscc}/tiers``: a leader asking for
another's gets the same 404 as for a firm that does not exist)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse

from chainmap.access import Principal, Role

from ...deps import (
    BoundsDep,
    LeaderDep,
    ResultsDep,
    SettingsDep,
    StoreDep,
    TiersCaller,
    WeightsDep,
)
from ...params import AsOf
from ...supply_tree import TOP_WEAK_LINKS, leader_view
from ..auth import ConsoleSession
from ..render import page

router = APIRouter()

_STATES = "valid|expiring|suspended|expired|cancelled|withdrawn|none"


class Narrowed:
    """The filters of the tiers: one tier (-1: direct customers) and one certification state;
    an empty field (the form's "all") is no filter."""

    def __init__(
        self,
        tier: Annotated[str | None, Query(pattern=r"^(-1|[1-9]|10)?$")] = None,
        state: Annotated[str | None, Query(pattern=rf"^({_STATES})?$")] = None,
    ) -> None:
        self.tier = int(tier) if tier else None
        self.state = state or None


Filters = Annotated[Narrowed, Depends()]
#: the page of one tier's firms (a tier chosen in the filter)
PageNo = Annotated[int, Query(alias="page", ge=1, le=1_000_000)]

#: firms shown of each tier when all tiers are shown (the rest one link away), firms on a page
#: of one tier, and firms named per month of the expiry calendar (the rest counted)
PER_TIER = 100
PER_PAGE = 200
PER_MONTH = 20


def _page(
    request: Request,
    session: ConsoleSession,
    caller: Principal,
    leader: str,
    store: StoreDep,
    results: ResultsDep,
    settings: SettingsDep,
    bounds: BoundsDep,
    weights: WeightsDep,
    day: AsOf,
    wanted: Narrowed,
    page_no: int = 1,
) -> Response:
    view = leader_view(
        caller,
        store,
        results,
        settings,
        bounds,
        weights,
        leader,
        day,
        tier=wanted.tier,
        state=wanted.state,
    )
    return page(
        request,
        "leader.html",
        {
            "view": view,
            "wanted": wanted,
            "top": TOP_WEAK_LINKS,
            "own": leader == caller.enterprise,
            "page_no": page_no,
            "per_tier": PER_TIER,
            "per_page": PER_PAGE,
            "per_month": PER_MONTH,
        },
        session=session,
    )


@router.get("/leader")
def own_page(
    request: Request,
    session: ConsoleSession,
    caller: TiersCaller,
    store: StoreDep,
    results: ResultsDep,
    settings: SettingsDep,
    bounds: BoundsDep,
    weights: WeightsDep,
    day: AsOf,
    wanted: Filters,
    page_no: PageNo = 1,
    uscc: Annotated[str | None, Query(pattern=r"^([0-9A-Z]{18})?$")] = None,
) -> Response:
    """A leader's own page; for admins and regulators a form that opens a leader's page."""
    if caller.role is Role.LEADER and caller.enterprise is not None:
        leader = caller.enterprise
        return _page(
            request,
            session,
            caller,
            leader,
            store,
            results,
            settings,
            bounds,
            weights,
            day,
            wanted,
            page_no,
        )
    if uscc:
        return RedirectResponse(f"/leaders/{uscc}", status_code=303)
    return page(request, "leader.html", {"view": None}, session=session)


@router.get("/leaders/{uscc}")
def leader_page(
    request: Request,
    session: ConsoleSession,
    caller: TiersCaller,
    leader: LeaderDep,
    store: StoreDep,
    results: ResultsDep,
    settings: SettingsDep,
    bounds: BoundsDep,
    weights: WeightsDep,
    day: AsOf,
    wanted: Filters,
    page_no: PageNo = 1,
) -> Response:
    return _page(
        request,
        session,
        caller,
        leader,
        store,
        results,
        settings,
        bounds,
        weights,
        day,
        wanted,
        page_no,
    )
