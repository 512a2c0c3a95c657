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
        {"view": view, "wanted": wanted, "top": TOP_WEAK_LINKS, "own": leader == caller.enterprise},
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
    uscc: Annotated[str | None, Query(pattern=r"^([0-9A-Z]{18})?$")] = None,
) -> Response:
    """A leader's own page; for admins and regulators a form that opens a leader's page."""
    if caller.role is Role.LEADER and caller.enterprise is not None:
        leader = caller.enterprise
        return _page(
            request, session, caller, leader, store, results, settings, bounds, weights, day, wanted
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
) -> Response:
    return _page(
        request, session, caller, leader, store, results, settings, bounds, weights, day, wanted
    )
