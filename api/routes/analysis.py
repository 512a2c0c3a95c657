"""A chain's weak links (with the filters of ``chainmap weak-links``), segments and what-if.

Figures depend on the whole chain (a firm's exposure runs through firms anywhere), so they are
computed on the chain and the caller is given the rows of firms within its bounds. A leader's
are computed on its own tree only: its supplier tiers up to the configured depth."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from chainmap.access import Role
from chainmap.analysis import FirmFigures, SegmentFigures, segment_view, select
from chainmap.enums import SizeClass

from ..chain_views import chain_segments
from ..computed import cached_json, chain_analysis, chain_figures
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
from ..params import AsOf, FailedFirms, Industries, Regions, Segments, Sizes
from ..schemas import WeakLink, WeakLinks, WhatIfOut
from ..scope import Bounds
from ..what_if import chain_what_if

router = APIRouter(tags=["analysis"])


@dataclass(frozen=True, slots=True)
class Filters:
    """The filters of ``chainmap weak-links``: each list any of its values."""

    region: tuple[str, ...] | None
    industry: tuple[str, ...] | None
    segment: tuple[str, ...] | None
    size: tuple[SizeClass, ...] | None
    min_score: float | None
    top: int | None

    def admit(self, f: FirmFigures) -> bool:
        """True for a row that passes the region, industry and segment filters."""
        if self.region and not f.region_code.startswith(self.region):
            return False
        if self.industry and not f.industry_code.startswith(self.industry):
            return False
        return not self.segment or bool(set(self.segment) & set(f.segment.split(";")))


def filters(
    region: Regions,
    industry: Industries,
    segment: Segments,
    size: Sizes,
    min_score: Annotated[
        float | None, Query(ge=0, le=1, description="lowest score (the weights' threshold)")
    ] = None,
    top: Annotated[int | None, Query(ge=1, le=100_000, description="rows per leader")] = None,
) -> Filters:
    return Filters(region, industry, segment, size, min_score, top)


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
        _, figures = chain_figures(
            results,
            store,
            chain.chain_id,
            day,
            weights,
            tree_of=tree_of,
            depth=settings.max_depth,
            leader=leader,
        )
        rows = select(
            (f for f in figures if bounds.admits(f.uscc, f.region_code) and wanted.admit(f)),
            min_score=weights.thresholds.min_score
            if wanted.min_score is None
            else wanted.min_score,
            sizes=[s.value for s in wanted.size] if wanted.size else None,
            top=wanted.top,
        )
        return WeakLinks(chain_id=chain.chain_id, as_of=day, items=[WeakLink.of(f) for f in rows])

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
