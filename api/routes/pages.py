"""Plans (一链一策) and atlases (强链图谱), as the CLI writes them.

A leader's plan is computed on its own tree; an admin's on the chain. Atlases: an admin may
draw any; a regulator the atlas of a region within its own; a leader its own supplier tiers."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Response, status
from pydantic import BaseModel, Field

from chainmap.access import Principal, Role
from chainmap.analysis import load_weights
from chainmap.atlases import AtlasKind, AtlasRequest, atlas_from_store
from chainmap.config import Settings
from chainmap.enums import Lang, PlanFormat
from chainmap.plans import body_capacities, load_measures, load_planning
from chainmap.plans.plan import plan_for
from chainmap.plans.render import render_html, render_markdown
from chainmap.reports import batch_rows, json_text
from chainmap.rules import region_name
from chainmap.store import Store

from ..deps import AtlasesCaller, PlansCaller, ResultsDep, SettingsDep, StoreDep
from .analysis import ChainId, chain_figures
from .enterprises import USCC

router = APIRouter(tags=["plans and atlases"])

_HTML = {"content": {"text/html": {}}, "description": "one self-contained HTML page"}


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
    results: ResultsDep,
    format: Annotated[PlanFormat, Query()] = PlanFormat.json,
    lang: Annotated[Lang, Query()] = Lang.zh,
    as_of: Annotated[date | None, Query(description="day certificates are judged on")] = None,
) -> Response:
    weights, rules, measures = load_weights(settings.weights), load_planning(), load_measures()
    day = as_of or date.today()
    graph, figures = chain_figures(caller, store, settings, results, chain_id, day, weights)
    if caller.role is Role.LEADER:  # the plan names its chain; the cached tree stays as read
        graph = graph.copy()
        graph.graph["chains"] = [c for c in store.chains() if c.chain_id == chain_id]
    bodies = body_capacities(store.bodies(), rules)
    built = plan_for(graph, figures, day, weights, rules, bodies, measures)
    if format is PlanFormat.json:
        return Response(json_text(built.as_dict()), media_type="application/json")
    if format is PlanFormat.md:
        return Response(render_markdown(built, measures, lang.value), media_type="text/markdown")
    return Response(render_html(built, measures, lang.value), media_type="text/html")


def _page(
    caller: Principal,
    store: Store,
    settings: Settings,
    kind: AtlasKind,
    key: str,
    options: AtlasOptions,
) -> Response:
    from chainmap.visualizations import render_atlas

    if caller.role is Role.REGULATOR:
        allowed = kind is AtlasKind.REGION and any(key.startswith(p) for p in caller.regions)
    else:
        allowed = caller.role is Role.ADMIN or (
            kind is AtlasKind.LEADER and key == caller.enterprise
        )
    if not allowed:
        raise _missing(f"{kind} {key}")
    request = AtlasRequest(
        kind=kind,
        key=key,
        as_of=options.as_of or date.today(),
        lang=options.lang.value,
        industry=options.industry,
        depth=min(options.depth, settings.max_depth),
    )
    drawn = atlas_from_store(store, request, load_weights(settings.weights))
    return Response(render_atlas(drawn), media_type="text/html")


class AtlasOptions(BaseModel):
    """How an atlas is drawn: its language, day, industry and (leader atlases) depth."""

    lang: Lang = Lang.zh
    as_of: date | None = Field(None, description="day certificates are judged on")
    industry: str | None = Field(None, pattern=r"^[A-T]\d{0,4}$")
    depth: int = Field(3, ge=1, le=10, description="supplier tiers of a leader atlas")


Options = Annotated[AtlasOptions, Query()]


@router.get(
    "/atlases/chain/{chain_id}",
    summary="A chain's atlas (admins)",
    response_class=Response,
    responses={200: _HTML},
)
def chain_atlas(
    chain_id: ChainId,
    caller: AtlasesCaller,
    store: StoreDep,
    settings: SettingsDep,
    options: Options,
) -> Response:
    return _page(caller, store, settings, AtlasKind.CHAIN, chain_id, options)


@router.get(
    "/atlases/leader/{uscc}",
    summary="A leader's supplier tiers (its own for a leader)",
    response_class=Response,
    responses={200: _HTML},
)
def leader_atlas(
    uscc: USCC, caller: AtlasesCaller, store: StoreDep, settings: SettingsDep, options: Options
) -> Response:
    return _page(caller, store, settings, AtlasKind.LEADER, uscc, options)


@router.get(
    "/atlases/enterprise/{uscc}",
    summary="One enterprise and its neighbours (admins)",
    response_class=Response,
    responses={200: _HTML},
)
def enterprise_atlas(
    uscc: USCC, caller: AtlasesCaller, store: StoreDep, settings: SettingsDep, options: Options
) -> Response:
    return _page(caller, store, settings, AtlasKind.ENTERPRISE, uscc, options)


@router.get(
    "/atlases/region/{code}",
    summary="A region's chains by segment",
    response_class=Response,
    responses={200: _HTML},
)
def region_atlas(
    code: Annotated[
        str, Path(pattern=r"^\d{2}(\d{2}){0,2}$", description="province, prefecture or county")
    ],
    caller: AtlasesCaller,
    store: StoreDep,
    settings: SettingsDep,
    options: Options,
) -> Response:
    if region_name(code) is None:  # no such region (GB/T 2260, 2023 table or retired)
        raise _missing(f"region {code}")
    return _page(caller, store, settings, AtlasKind.REGION, code, options)


@router.get("/chains/{chain_id}/batches", summary="Joint-certification batches (联合认证)")
def batches(
    chain_id: ChainId,
    caller: PlansCaller,
    store: StoreDep,
    settings: SettingsDep,
    results: ResultsDep,
    as_of: Annotated[date | None, Query(description="day certificates are judged on")] = None,
) -> list[dict[str, Any]]:
    """Batches of the chain's firms to certify, each given whole to a body with room for it, and
    the chain's coverage before and after; a leader's over its own tree."""
    weights, rules = load_weights(settings.weights), load_planning()
    day = as_of or date.today()
    _, figures = chain_figures(caller, store, settings, results, chain_id, day, weights)
    return batch_rows(figures, rules, body_capacities(store.bodies(), rules))
