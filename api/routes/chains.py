"""Chains: every chain for regulators, analysts and admins; a leader sees the chains it leads."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import BoundsDep, ChainsCaller, ResultsDep, SettingsDep, StoreDep, WeightsDep
from ..overview import overview, visible_chains
from ..params import AsOf
from ..schemas import Chain, OverviewOut

router = APIRouter(tags=["chains"])


@router.get("/chains", summary="The chains the caller may see")
def chains(caller: ChainsCaller, store: StoreDep, results: ResultsDep) -> list[Chain]:
    return [Chain.of(c) for c in visible_chains(caller, store, results)]


@router.get("/overview", summary="The caller's figures: firms, coverage, weak links, expiring")
def caller_overview(
    caller: ChainsCaller,
    store: StoreDep,
    results: ResultsDep,
    settings: SettingsDep,
    bounds: BoundsDep,
    weights: WeightsDep,
    day: AsOf,
) -> OverviewOut:
    """Over the chains the caller may see and the firms within its bounds, a firm on two chains
    counted once; each chain with the same figures. What the console's home page shows."""
    return OverviewOut.of(overview(caller, store, results, settings, bounds, weights, day))
