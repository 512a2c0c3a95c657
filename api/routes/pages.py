"""Plans (一链一策), batches (联合认证) and atlases (强链图谱), as the CLI writes them.

A leader's plan and batches are computed on its own tree; an admin's on the chain; a
regulator's on a chain of its regions, whole, or on a national chain's firms within its
regions (:func:`api.permissions.plan_reach`). Atlases: an admin may draw any; a regulator the
atlas of a region within its own; a leader its own supplier tiers."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from chainmap.access import Principal
from chainmap.analysis import FirmFigures, Weights
from chainmap.atlases import AtlasKind, AtlasRequest, atlas_from_store
from chainmap.config import Settings
from chainmap.enums import Lang, PlanFormat
from chainmap.plans import body_capacities, load_measures, load_planning
from chainmap.plans.office import DOCX_MEDIA, XLSX_MEDIA, plan_docx, plan_xlsx
from chainmap.plans.plan import plan_for
from chainmap.plans.render import render_html, render_markdown
from chainmap.reports import batch_rows, json_text
from chainmap.rules import region_name
from chainmap.store import Store

from ..cache import Results
from ..computed import cached_bytes, chain_analysis, chain_figures
from ..deps import (
    AtlasesCaller,
    PlanChain,
    PlanChainDep,
    PlansCaller,
    ResultsDep,
    SettingsDep,
    StoreDep,
    WeightsDep,
)
from ..errors import missing
from ..params import USCC, AsOf, ChainId
from ..permissions import PlanReach, may_draw

router = APIRouter(tags=["plans and atlases"])

_HTML = {"content": {"text/html": {}}, "description": "one self-contained HTML page"}


def _planned(
    caller: Principal,
    asked: PlanChain,
    store: Store,
    settings: Settings,
    results: Results,
    day: date,
    weights: Weights,
) -> tuple[Any, list[FirmFigures]]:
    """The graph and figures a plan or batches are made of, as far as the caller reaches."""
    chain_id = asked.chain.chain_id
    if asked.reach is PlanReach.TREE:
        graph, figures = chain_figures(
            results,
            store,
            chain_id,
            day,
            weights,
            tree_of=caller.enterprise,
            depth=settings.max_depth,
        )
        graph = graph.copy()  # the plan names its chain; the cached tree stays as read
        graph.graph["chains"] = [asked.chain]
        return graph, figures
    graph, figures = chain_figures(results, store, chain_id, day, weights)
    if asked.reach is PlanReach.REGIONS:  # a national chain: the firms within the regions
        kept = [u for u, a in graph.nodes(data=True) if caller.in_regions(a.get("region_code", ""))]
        graph = graph.subgraph(kept + [u for u in graph.graph.get("leaders", []) if u in graph])
        figures = [f for f in figures if caller.in_regions(f.region_code)]
    return graph, figures


_PLAN_MEDIA = {
    PlanFormat.json: "application/json",
    PlanFormat.md: "text/markdown",
    PlanFormat.html: "text/html",
    PlanFormat.docx: DOCX_MEDIA,
    PlanFormat.xlsx: XLSX_MEDIA,
}


@router.get(
    "/chains/{chain_id}/plan",
    summary="The chain's one-chain-one-policy plan (一链一策)",
    responses={
        200: {
            "content": {
                "application/json": {},
                "text/markdown": {},
                "text/html": {},
                DOCX_MEDIA: {},
                XLSX_MEDIA: {},
            }
        }
    },
)
def plan(
    caller: PlansCaller,
    asked: PlanChainDep,
    store: StoreDep,
    settings: SettingsDep,
    results: ResultsDep,
    weights: WeightsDep,
    day: AsOf,
    format: Annotated[
        PlanFormat,
        Query(description="json, md (Markdown), html, docx (Word) or xlsx (a workbook)"),
    ] = PlanFormat.json,
    lang: Annotated[Lang, Query()] = Lang.zh,
) -> Response:
    def build() -> bytes:
        rules, measures = load_planning(), load_measures()
        graph, figures = _planned(caller, asked, store, settings, results, day, weights)
        bodies = body_capacities(store.bodies(), rules)
        built = plan_for(graph, figures, day, weights, rules, bodies, measures)
        if format is PlanFormat.json:
            return json_text(built.as_dict()).encode("utf-8")
        if format is PlanFormat.md:
            return render_markdown(built, measures, lang.value).encode("utf-8")
        if format is PlanFormat.docx:
            return plan_docx(built, measures, lang.value)
        if format is PlanFormat.xlsx:
            return plan_xlsx(built, measures, lang.value)
        return render_html(built, measures, lang.value).encode("utf-8")

    bounds = (caller.role, caller.regions, caller.enterprise, asked.reach)
    key = ("plan", bounds, asked.chain.chain_id, day, weights, format, lang)
    response = cached_bytes(results, store, key, build, _PLAN_MEDIA[format])
    if format.binary:  # a file to save: named for the chain, the language and the day
        chain = re.sub(r"[^A-Za-z0-9_-]", "_", asked.chain.chain_id)
        name = f"{chain}.{lang.value}.{day.isoformat()}.{format.value}"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/chains/{chain_id}/batches", summary="Joint-certification batches (联合认证)")
def batches(
    caller: PlansCaller,
    asked: PlanChainDep,
    store: StoreDep,
    settings: SettingsDep,
    results: ResultsDep,
    weights: WeightsDep,
    day: AsOf,
) -> list[dict[str, Any]]:
    """Batches of the chain's firms to certify, each given whole to a body with room for it, and
    the chain's coverage before and after; a leader's over its own tree, a regulator's over a
    national chain's firms within its regions."""
    return chain_batches(caller, asked, store, settings, results, day, weights)


def chain_batches(
    caller: Principal,
    asked: PlanChain,
    store: Store,
    settings: Settings,
    results: Results,
    day: date,
    weights: Weights,
) -> list[dict[str, Any]]:
    """The chain's joint-certification batches as far as the caller reaches it
    (:func:`chainmap.reports.batch_rows` over :func:`_planned`): what ``/batches`` answers and
    the console's plan page lists and exports."""
    rules = load_planning()
    _, figures = _planned(caller, asked, store, settings, results, day, weights)
    return batch_rows(figures, rules, body_capacities(store.bodies(), rules))


class AtlasOptions(BaseModel):
    """How an atlas is drawn: its language, day, industry and (leader atlases) depth."""

    lang: Lang = Lang.zh
    as_of: date | None = Field(None, description="day certificates are judged on")
    industry: str | None = Field(None, pattern=r"^[A-T]\d{0,4}$")
    depth: int = Field(3, ge=1, le=10, description="supplier tiers of a leader atlas")


Options = Annotated[AtlasOptions, Query()]
_PAGE: dict[str, Any] = {
    "response_class": Response,
    "responses": {200: _HTML},
    "openapi_extra": {"x-formats": ["html"]},
}


def _page(
    caller: Principal,
    store: Store,
    results: Results,
    settings: Settings,
    weights: Weights,
    kind: AtlasKind,
    key: str,
    options: AtlasOptions,
) -> Response:
    from chainmap.visualizations import render_atlas

    if not may_draw(caller, kind, key):
        raise missing("atlas", f"{kind} {key}")
    request = AtlasRequest(
        kind=kind,
        key=key,
        as_of=options.as_of or date.today(),
        lang=options.lang.value,
        industry=options.industry,
        depth=min(options.depth, settings.max_depth),
    )
    # the page depends on what is drawn, not on who asks (may_draw said who may)
    return cached_bytes(
        results,
        store,
        ("atlas", request, weights),
        lambda: render_atlas(atlas_from_store(store, request, weights)).encode("utf-8"),
        "text/html",
    )


@router.get("/atlases/chain/{chain_id}", summary="A chain's atlas (admins)", **_PAGE)
def chain_atlas(
    chain_id: ChainId,
    caller: AtlasesCaller,
    store: StoreDep,
    results: ResultsDep,
    settings: SettingsDep,
    weights: WeightsDep,
    options: Options,
) -> Response:
    return _page(caller, store, results, settings, weights, AtlasKind.CHAIN, chain_id, options)


@router.get(
    "/atlases/leader/{uscc}", summary="A leader's supplier tiers (its own for a leader)", **_PAGE
)
def leader_atlas(
    uscc: USCC,
    caller: AtlasesCaller,
    store: StoreDep,
    results: ResultsDep,
    settings: SettingsDep,
    weights: WeightsDep,
    options: Options,
) -> Response:
    return _page(caller, store, results, settings, weights, AtlasKind.LEADER, uscc, options)


@router.get(
    "/atlases/enterprise/{uscc}", summary="One enterprise and its neighbours (admins)", **_PAGE
)
def enterprise_atlas(
    uscc: USCC,
    caller: AtlasesCaller,
    store: StoreDep,
    results: ResultsDep,
    settings: SettingsDep,
    weights: WeightsDep,
    options: Options,
) -> Response:
    return _page(caller, store, results, settings, weights, AtlasKind.ENTERPRISE, uscc, options)


@router.get("/atlases/region/{code}", summary="A region's chains by segment", **_PAGE)
def region_atlas(
    code: Annotated[
        str, Path(pattern=r"^\d{2}(\d{2}){0,2}$", description="province, prefecture or county")
    ],
    caller: AtlasesCaller,
    store: StoreDep,
    results: ResultsDep,
    settings: SettingsDep,
    weights: WeightsDep,
    options: Options,
) -> Response:
    if region_name(code) is None:  # no such region (GB/T 2260, 2023 table or retired)
        raise missing("region", code)
    return _page(caller, store, results, settings, weights, AtlasKind.REGION, code, options)


@router.get(
    "/atlases/map/{code}",
    summary="A region's map: its prefectures, or a prefecture's counties, by coverage",
    **_PAGE,
)
def region_map_page(
    code: Annotated[
        str, Path(pattern=r"^\d{2}(\d{2})?$", description="a province or a prefecture")
    ],
    caller: AtlasesCaller,
    store: StoreDep,
    results: ResultsDep,
    weights: WeightsDep,
    options: Options,
) -> Response:
    """The page ``chainmap atlas --map --region CODE`` writes, over the chains' analyses the
    server keeps: who may draw a region's atlas may draw its map (:func:`may_draw`)."""
    from chainmap.analysis import is_weak
    from chainmap.regionmap import map_firms, region_map
    from chainmap.visualizations.map import render_map

    if region_name(code) is None:
        raise missing("region", code)
    if not may_draw(caller, AtlasKind.REGION, code):
        raise missing("atlas", f"map {code}")
    day = options.as_of or date.today()

    def build() -> bytes:
        rows = []
        for chain in store.chains():
            graph, figures = chain_analysis(results, store, chain.chain_id, day, weights)
            floor = weights.thresholds.min_score
            weak = {f.uscc for f in figures if is_weak(f.score, floor)}
            rows += [
                r
                for r in map_firms(graph, weak, day, weights.thresholds.expiring_days)
                if r.region_code.startswith(code)
            ]
        page: str = render_map(region_map(rows, code, day), lang=options.lang.value)
        return page.encode("utf-8")

    return cached_bytes(
        results, store, ("map", code, day, weights, options.lang), build, "text/html"
    )
