"""Home: the caller's figures as cards, and the chains it may see, each with its coverage."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from ...deps import BoundsDep, ChainsCaller, ResultsDep, SettingsDep, StoreDep, WeightsDep
from ...overview import EXPIRY_DAYS, overview
from ...params import AsOf
from ..auth import ConsoleSession
from ..render import page

router = APIRouter()


@router.get("/")
def home(
    request: Request,
    session: ConsoleSession,
    caller: ChainsCaller,
    store: StoreDep,
    results: ResultsDep,
    settings: SettingsDep,
    bounds: BoundsDep,
    weights: WeightsDep,
    day: AsOf,
) -> Response:
    seen = overview(caller, store, results, settings, bounds, weights, day)
    return page(
        request, "home.html", {"overview": seen, "expiry_days": EXPIRY_DAYS}, session=session
    )
