"""Plans (一链一策) and atlases (强链图谱), as the CLI writes them.

A leader's plan is computed on its own tree; an admin's on the chain. Atlases: an admin may
draw any; a regulator the atlas of a region within its own; a leader its own supplier tiers."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Response, status

from chainmap.access import Principal, Role
from chainmap.analysis import FirmFigures, Weights, analyse_leader, load_weights, weak_links
from chainmap.atlases import AtlasKind, AtlasRequest, atlas_from_store
from chainmap.config import Settings
from chainmap.graph import to_digraph
from chainmap.plans import body_capacities, load_measures, load_planning
from chainmap.plans.plan import plan_for
from chainmap.plans.render import render_html, render_markdown
from chainmap.reports import batch_rows, chain_graph, json_text, leaders_to_analyse
from chainmap.store import Store

from ..deps import AtlasesCaller, PlansCaller, SettingsDep, StoreDep
from .analysis import ChainId

router = APIRouter(tags=["plans and atlases"])

_HTML = {"content": {"text/html": {}}, "description": "one self-contained HTML page"}


class PlanFormat(StrEnum):
    json = "json"
    md = "md"
    html = "html"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def _chain_figures(
    caller: Principal, store: Store, settings: Settings, chain_id: str, day: date, weights: Weights
) -> tuple[Any, list[FirmFigures]]:
    """The graph and weak-link figures a plan is made of: a leader's own tree, or the chain."""
    if caller.role is Role.LEADER:
        assert caller.enterprise is not None
        led = {row.chain_id for row in store.supplier_tiers(caller.enterprise, 0).leaders}
        if chain_id not in led:
            raise _missing(f"chain {chain_id!r}")
        graph = to_digraph(store.supplier_tiers(caller.enterprise, settings.max_depth))
        graph.graph["chains"] = [c for c in store.chains() if c.chain_id == chain_id]
        return graph, analyse_leader(graph, caller.enterprise, day, weights)
    graph = chain_graph(store, chain_id)
    return graph, weak_links(graph, day, weights, leaders_to_analyse(graph, chain_id, None))


def _missing(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"{what} not found")


@router.get(
    "/chains/{chain_id}/plan",
    summary="The chain's one-chain-one-policy plan (一链一策)",
    responses={200: {"content": {"application/json": {}, "text/markdown": {}, "text/html": {}}}},
)
def plan(
    chain_id: ChainId,
    caller: PlansCaller,
    store: StoreDep,
    settings: SettingsDep,
    format: Annotated[PlanFormat, Query()] = PlanFormat.json,
    lang: Annotated[Lang, Query()] = Lang.zh,
    as_of: Annotated[date | None, Query(description="day certificates are judged on")] = None,
) -> Response:
    weights, rules, measures = load_weights(settings.weights), load_planning(), load_measures()
    day = as_of or date.today()
    graph, figures = _chain_figures(caller, store, settings, chain_id, day, weights)
    bodies = body_capacities(store.bodies(), rules)
    built = plan_for(graph, figures, day, weights, rules, bodies, measures)
    if format is PlanFormat.json:
        return Response(json_text(built.as_dict()), media_type="application/json")
    if format is PlanFormat.md:
        return Response(render_markdown(built, measures, lang.value), media_type="text/markdown")
    return Response(render_html(built, measures, lang.value), media_type="text/html")


def _atlas_allowed(caller: Principal, kind: AtlasKind, key: str) -> bool:
    if caller.role is Role.ADMIN:
        return True
    if caller.role is Role.REGULATOR:
        return kind is AtlasKind.REGION and any(key.startswith(p) for p in caller.regions)
    return kind is AtlasKind.LEADER and key == caller.enterprise


@router.get(
    "/atlases/{kind}/{key}",
    summary="An atlas (强链图谱) as one offline HTML page",
    response_class=Response,
    responses={200: _HTML},
)
def atlas(
    kind: AtlasKind,
    key: Annotated[
        str, Path(pattern=r"^[0-9A-Za-z_.-]{1,64}$", description="chain id, USCC or region")
    ],
    caller: AtlasesCaller,
    store: StoreDep,
    settings: SettingsDep,
    lang: Annotated[Lang, Query()] = Lang.zh,
    as_of: Annotated[date | None, Query()] = None,
    industry: Annotated[str | None, Query(pattern=r"^[A-T]\d{0,4}$")] = None,
    depth: Annotated[int, Query(ge=1, le=10)] = 3,
) -> Response:
    """A regulator may draw the atlas of a region within its own; a leader its own supplier
    tiers; an admin any. Anything else is answered as not found."""
    from chainmap.visualizations import render_atlas

    if not _atlas_allowed(caller, kind, key):
        raise _missing(f"{kind} {key}")
    request = AtlasRequest(
        kind=kind,
        key=key,
        as_of=as_of or date.today(),
        lang=lang.value,
        industry=industry,
        depth=min(depth, settings.max_depth),
    )
    drawn = atlas_from_store(store, request, load_weights(settings.weights))
    return Response(render_atlas(drawn), media_type="text/html")


@router.get("/chains/{chain_id}/batches", summary="Joint-certification batches (联合认证)")
def batches(
    chain_id: ChainId,
    caller: PlansCaller,
    store: StoreDep,
    settings: SettingsDep,
    as_of: Annotated[date | None, Query(description="day certificates are judged on")] = None,
) -> list[dict[str, Any]]:
    """Batches of the chain's firms to certify, each given whole to a body with room for it, and
    the chain's coverage before and after; a leader's over its own tree."""
    weights, rules = load_weights(settings.weights), load_planning()
    _, figures = _chain_figures(caller, store, settings, chain_id, as_of or date.today(), weights)
    return batch_rows(figures, rules, body_capacities(store.bodies(), rules))
