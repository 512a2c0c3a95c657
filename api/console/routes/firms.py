"""The firm page: one firm as ``GET /enterprises/{uscc}`` gives it to the caller (404 outside its
bounds), with its certificates judged on the day, its weak-link figures (roles that may read weak
links) and what the leaders lose if it stopped (roles that may run what-if)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from ...deps import (
    BoundsDep,
    FirmsCaller,
    ResultsDep,
    SettingsDep,
    StoreDep,
    WeightsDep,
)
from ...firms import firm, firm_certification, firm_figures, firm_what_if
from ...params import USCC, AsOf
from ..auth import ConsoleSession
from ..render import page

router = APIRouter()


@router.get("/firms/{uscc}")
def firm_page(
    request: Request,
    session: ConsoleSession,
    uscc: USCC,
    caller: FirmsCaller,
    store: StoreDep,
    results: ResultsDep,
    settings: SettingsDep,
    bounds: BoundsDep,
    weights: WeightsDep,
    day: AsOf,
) -> Response:
    seen = firm(store, results, bounds, uscc)
    return page(
        request,
        "firm.html",
        {
            "seen": seen,
            "cert": firm_certification(store, results, seen, day, weights),
            "figures": firm_figures(caller, store, results, settings, bounds, weights, seen, day),
            "what_if": firm_what_if(caller, store, results, bounds, weights, seen),
        },
        session=session,
    )
