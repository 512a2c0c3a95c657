"""A chain's weak links (with the filters of ``chainmap weak-links``), segments and what-if.

Figures depend on the whole chain (a firm's exposure runs through firms anywhere), so they are
computed on the chain and the caller is given the rows of firms within its bounds. A leader's
are computed on its own tree only: its supplier tiers up to the configured depth."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from chainmap.access import Role
from chainmap.analysis import SegmentFigures

from ..chain_views import chain_segments
from ..computed import cached_json
from ..deps import (
    AggregatesCaller,
    AskedLeader,
    BoundsDep,
    ChainDep,
    ResultsDep,
    SettingsDep,
    StoreDep,
    WeakLinksCaller,
    WeightsDep,
    WhatIfCaller,
)
from ..params import AsOf, FailedFirms
from ..schemas import WeakLink, WeakLinks, WhatIfOut
from ..weak_links import Filters, filters, weak_links_of
from ..what_if import chain_what_if

router = APIRouter(tags=["analysis"])


@router.get(
    "/chains/{chain_id}/weak-links",
    summary="A chain's weak links, explained",
    response_model=WeakLinks,
)
def chain_weak_links(
    caller: WeakLinksCaller,
    chain: ChainDep,
    store: StoreDep,
    settings: SettingsDep,
    results: ResultsDep,
    bounds: BoundsDep,
    weights: WeightsDep,
    day: AsOf,
    leader: AskedLeader,
    wanted: Annotated[Filters, Depends(filters)],
) -> Response:
    tree_of = caller.enterprise if caller.role is Role.LEADER else None

    def build() -> WeakLinks:
        found = weak_links_of(
            caller,
            chain,
            store,
            settings,
            results,
            bounds,
            weights,
            day,
            leader=leader,
            wanted=wanted,
        )
        return WeakLinks(
            chain_id=chain.chain_id, as_of=day, items=[WeakLink.of(f) for f in found.rows]
        )

    key = ("weak-links", chain.chain_id, tree_of, leader, day, weights, bounds.key, wanted)
    return cached_json(results, store, key, build)


@router.get("/chains/{chain_id}/segments", summary="Each segment: coverage, sourcing, HHI")
def segments(
    caller: AggregatesCaller,
    chain: ChainDep,
    store: StoreDep,
    results: ResultsDep,
    bounds: BoundsDep,
    weights: WeightsDep,
    day: AsOf,
) -> list[SegmentFigures]:
    """Over the firms within the caller's bounds (all of them for admins and regulators, whose
    aggregates are chain-wide; an analyst's regions), figures computed on the whole chain."""
    return chain_segments(caller, chain.chain_id, store, results, bounds, weights, day)


@router.get("/chains/{chain_id}/what-if", summary="What the leaders lose if firms stop supplying")
def what_if_(
    _: WhatIfCaller,
    chain: ChainDep,
    store: StoreDep,
    results: ResultsDep,
    bounds: BoundsDep,
    weights: WeightsDep,
    fail: FailedFirms,
) -> list[WhatIfOut]:
    """Firms the caller may not see are not found; firms cut off are listed when visible."""
    _graph, found = chain_what_if(store, results, bounds, weights, chain.chain_id, fail)
    return [WhatIfOut(leader=w.leader, lost_share=w.lost_share, cut_off=w.cut_off) for w in found]
