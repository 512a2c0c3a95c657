"""A chain's weak links (with the filters of ``chainmap weak-links``), segments and what-if.

Figures depend on the whole chain (a firm's exposure runs through firms anywhere), so they are
computed on the chain and the caller is given the rows of firms within its bounds. A leader's
are computed on its own tree only: its supplier tiers up to the configured depth."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Response, status

from chainmap.access import Principal, Role
from chainmap.analysis import (
    FirmFigures,
    SegmentFigures,
    Weights,
    load_weights,
    segment_view,
    select,
    what_if,
)
from chainmap.config import Settings
from chainmap.enums import SizeClass
from chainmap.reports import leaders_to_analyse
from chainmap.store import Store

from ..cache import Results
from ..computed import cached_json, chain_analysis, tree_analysis
from ..deps import (
    AggregatesCaller,
    ResultsDep,
    SettingsDep,
    StoreDep,
    WeakLinksCaller,
    WhatIfCaller,
)
from ..schemas import WeakLink, WeakLinks, WhatIfOut
from ..scope import Bounds, bounds_of, led_chains

router = APIRouter(tags=["analysis"])

ChainId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="a chain id")]


@router.get(
    "/chains/{chain_id}/weak-links",
    summary="A chain's weak links, explained",
    response_model=WeakLinks,
)
def chain_weak_links(
    chain_id: ChainId,
    caller: WeakLinksCaller,
    store: StoreDep,
    settings: SettingsDep,
    results: ResultsDep,
    leader: Annotated[str | None, Query(pattern=r"^[0-9A-Z]{18}$")] = None,
    as_of: Annotated[date | None, Query(description="day certificates are judged on")] = None,
    region: Annotated[str | None, Query(pattern=r"^\d{2,6}$")] = None,
    industry: Annotated[str | None, Query(pattern=r"^[A-T]\d{0,4}$")] = None,
    segment: Annotated[str | None, Query(max_length=64)] = None,
    size: Annotated[list[SizeClass] | None, Query()] = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    top: Annotated[int | None, Query(ge=1, le=100_000)] = None,
) -> Response:
    weights = load_weights(settings.weights)
    day = as_of or date.today()
    bounds = bounds_of(caller, store, settings.max_depth, results)
    wanted = (chain_id, leader, day, region, industry, segment, tuple(size or ()), min_score, top)
    return cached_json(
        results,
        store,
        ("weak-links", caller.role is Role.LEADER, weights, bounds.key, wanted),
        lambda: _weak_links(caller, store, settings, results, bounds, weights, *wanted),
    )


def _weak_links(
    caller: Principal,
    store: Store,
    settings: Settings,
    results: Results,
    bounds: Bounds,
    weights: Weights,
    chain_id: str,
    leader: str | None,
    day: date,
    region: str | None,
    industry: str | None,
    segment: str | None,
    size: tuple[SizeClass, ...],
    min_score: float | None,
    top: int | None,
) -> WeakLinks:
    _, figures = chain_figures(caller, store, settings, results, chain_id, day, weights, leader)
    rows = select(
        (f for f in figures if bounds.admits(f.uscc, f.region_code)),
        min_score=weights.thresholds.min_score if min_score is None else min_score,
        region=region,
        industry=industry,
        segment=segment,
        sizes=[s.value for s in size] if size else None,
        top=top,
    )
    return WeakLinks(chain_id=chain_id, as_of=day, items=[WeakLink.of(f) for f in rows])


def chain_figures(
    caller: Principal,
    store: Store,
    settings: Settings,
    results: Results,
    chain_id: str,
    day: date,
    weights: Weights,
    leader: str | None = None,
) -> tuple[Any, list[FirmFigures]]:
    """The graph and weak-link figures a caller's answers about a chain are made of: a leader's
    own tree (of a chain it leads), or the chain with the figures of ``leader`` (all leaders
    when None). The graph is the cached one: copy it before changing it."""
    if caller.role is Role.LEADER:
        assert caller.enterprise is not None
        if chain_id not in led_chains(results, store, caller.enterprise) or leader not in (
            None,
            caller.enterprise,
        ):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"chain {chain_id!r} not found")
        depth = settings.max_depth
        return tree_analysis(results, store, caller.enterprise, depth, day, weights)
    graph, figures = chain_analysis(results, store, chain_id, day, weights)
    chosen = set(leaders_to_analyse(graph, chain_id, leader))
    return graph, [f for f in figures if f.leader in chosen]


def _visible(
    caller: Principal, store: Store, settings: Settings, results: Results, graph: Any
) -> list[str]:
    """The firms of the graph the caller may see."""
    bounds = bounds_of(caller, store, settings.max_depth, results)
    return [u for u, a in graph.nodes(data=True) if bounds.admits(u, a.get("region_code", ""))]


@router.get("/chains/{chain_id}/segments", summary="Each segment: coverage, sourcing, HHI")
def segments(
    chain_id: ChainId,
    caller: AggregatesCaller,
    store: StoreDep,
    settings: SettingsDep,
    results: ResultsDep,
    as_of: Annotated[date | None, Query(description="day certificates are judged on")] = None,
) -> list[SegmentFigures]:
    """Over the firms within the caller's bounds (all of them for admins and regulators, whose
    aggregates are chain-wide; an analyst's regions), figures computed on the whole chain."""
    weights = load_weights(settings.weights)
    day = as_of or date.today()
    graph, figures = chain_analysis(results, store, chain_id, day, weights)
    chain_wide = caller.role is Role.REGULATOR
    shown = list(graph.nodes) if chain_wide else _visible(caller, store, settings, results, graph)
    inside = set(shown)
    view = segment_view(
        graph.subgraph(shown), [f for f in figures if f.uscc in inside], day, weights
    )
    return view


@router.get("/chains/{chain_id}/what-if", summary="What the leaders lose if firms stop supplying")
def what_if_(
    chain_id: ChainId,
    caller: WhatIfCaller,
    store: StoreDep,
    settings: SettingsDep,
    results: ResultsDep,
    fail: Annotated[
        list[str], Query(min_length=1, max_length=1000, description="USCCs of the firms that stop")
    ],
) -> list[WhatIfOut]:
    """Firms the caller may not see are not found; firms cut off are listed when visible."""
    weights = load_weights(settings.weights)
    graph, _ = chain_analysis(results, store, chain_id, date.today(), weights)
    shown = _visible(caller, store, settings, results, graph)
    failed = sorted({u.strip().upper() for u in fail})
    visible = set(shown)
    hidden = [u for u in failed if u not in visible]
    if hidden:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"not firms of this chain: {', '.join(hidden)}"
        )
    return [
        WhatIfOut(
            leader=w.leader,
            lost_share=w.lost_share,
            cut_off=[u for u in w.cut_off if u in visible],
        )
        for w in what_if(graph, failed)
    ]
