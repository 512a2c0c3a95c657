"""Weak links of a chain, with the filters of ``chainmap weak-links``.

Figures depend on the whole chain (a firm's exposure runs through firms anywhere), so they are
computed on the chain and the caller is given the rows of firms within its bounds. A leader's
are computed on its own tree only: its supplier tiers up to the configured depth."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status

from chainmap.access import Role
from chainmap.analysis import analyse_leader, load_weights, select, weak_links
from chainmap.enums import SizeClass
from chainmap.graph import to_digraph
from chainmap.reports import chain_graph, leaders_to_analyse

from ..deps import SettingsDep, StoreDep, WeakLinksCaller
from ..schemas import WeakLink, WeakLinks
from ..scope import bounds_of

router = APIRouter(tags=["weak links"])

ChainId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="a chain id")]


@router.get("/chains/{chain_id}/weak-links", summary="A chain's weak links, explained")
def chain_weak_links(
    chain_id: ChainId,
    caller: WeakLinksCaller,
    store: StoreDep,
    settings: SettingsDep,
    leader: Annotated[str | None, Query(pattern=r"^[0-9A-Z]{18}$")] = None,
    as_of: Annotated[date | None, Query(description="day certificates are judged on")] = None,
    region: Annotated[str | None, Query(pattern=r"^\d{2,6}$")] = None,
    industry: Annotated[str | None, Query(pattern=r"^[A-T]\d{0,4}$")] = None,
    segment: Annotated[str | None, Query(max_length=64)] = None,
    size: Annotated[list[SizeClass] | None, Query()] = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    top: Annotated[int | None, Query(ge=1, le=100_000)] = None,
) -> WeakLinks:
    weights = load_weights(settings.weights)
    day = as_of or date.today()
    if caller.role is Role.LEADER:
        assert caller.enterprise is not None
        led = {row.chain_id for row in store.supplier_tiers(caller.enterprise, 0).leaders}
        if chain_id not in led or leader not in (None, caller.enterprise):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"chain {chain_id!r} not found")
        tree = to_digraph(store.supplier_tiers(caller.enterprise, settings.max_depth))
        figures = analyse_leader(tree, caller.enterprise, day, weights)
    else:
        graph = chain_graph(store, chain_id)
        figures = weak_links(graph, day, weights, leaders_to_analyse(graph, chain_id, leader))
    bounds = bounds_of(caller, store, settings.max_depth)
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
