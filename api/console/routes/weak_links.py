"""The weak-link tables: a chain's (its "weak links" tab), the query across every chain the caller
may see (analysts, regulators, admins) and the regulator's regions with their coverage. All three
show the one table of :mod:`..weak_table`, whose rows the API's weak-link route computes
(:mod:`api.weak_links`), and export it as XLSX or CSV."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from chainmap.access import Principal
from chainmap.analysis import Weights
from chainmap.exports import ExportFormat

from ...deps import (
    AggregatesCaller,
    BoundsDep,
    ChainDep,
    FirmsCaller,
    ResultsDep,
    SettingsDep,
    StoreDep,
    WeakLinksCaller,
    WeightsDep,
)
from ...params import AsOf
from ...permissions import Permission, grants
from ...regions import regions_view
from ...weak_links import ChainWeakLinks, visible_weak_links, weak_links_over
from ..auth import ConsoleSession
from ..i18n import catalogue
from ..render import lang_of, page
from ..sessions import Session
from ..weak_table import TableQuery, export, table_query, weak_table

router = APIRouter()

Query_ = Annotated[TableQuery, Depends(table_query)]
#: ``format=xlsx`` or ``csv``: the table (filtered, ordered, every page) as a download
Export = Annotated[
    ExportFormat | None, Query(description="xlsx or csv: the whole table as a download")
]


def _shown(
    request: Request,
    session: Session,
    caller: Principal,
    weights: Weights,
    day: date,
    found: list[ChainWeakLinks],
    query: TableQuery,
    format: ExportFormat | None,
    template: str,
    context: dict[str, Any],
    *,
    with_chain: bool,
    file: tuple[str, dict[str, str]],
) -> Response:
    """The page ``template`` with the weak-link table of ``found`` in it (``table`` in the
    context), or, when a ``format`` is asked for, the whole filtered table as a download named
    by the message ``file``."""
    lang = lang_of(request)
    if format is not None:
        name = catalogue().text(file[0], lang, **file[1])
        return export(found, query, format, lang=lang, with_chain=with_chain, name=name, day=day)
    table = weak_table(
        found,
        query,
        path=request.url.path,
        lang=lang,
        with_chain=with_chain,
        firm_links=grants(caller.role, Permission.FIRMS),
        min_score=weights.thresholds.min_score,
    )
    return page(request, template, {**context, "table": table}, session=session)


@router.get("/chains/{chain_id}/weak-links")
def chain_weak_links(
    request: Request,
    session: ConsoleSession,
    caller: WeakLinksCaller,
    chain: ChainDep,
    store: StoreDep,
    settings: SettingsDep,
    results: ResultsDep,
    bounds: BoundsDep,
    weights: WeightsDep,
    day: AsOf,
    query: Query_,
    format: Export = None,
) -> Response:
    """The chain's weak links as the API gives them to the caller (a leader: on its own tree)."""
    found = weak_links_over(
        caller, [chain], store, settings, results, bounds, weights, day, wanted=query.wanted
    )
    context = {"chain": chain, "tab": "weak_links", "day": day}
    return _shown(
        request,
        session,
        caller,
        weights,
        day,
        found,
        query,
        format,
        "chain_weak_links.html",
        context,
        with_chain=False,
        file=("weak_table.file.chain", {"chain": chain.name}),
    )


@router.get("/query")
def query(
    request: Request,
    session: ConsoleSession,
    caller: WeakLinksCaller,
    _aggregates: AggregatesCaller,
    store: StoreDep,
    settings: SettingsDep,
    results: ResultsDep,
    bounds: BoundsDep,
    weights: WeightsDep,
    day: AsOf,
    query: Query_,
    format: Export = None,
) -> Response:
    """One table of the weak links of every chain the caller may see (a query across chains:
    weak links and aggregates both needed, so not a leader's)."""
    found = visible_weak_links(
        caller, store, settings, results, bounds, weights, day, wanted=query.wanted
    )
    return _shown(
        request,
        session,
        caller,
        weights,
        day,
        found,
        query,
        format,
        "query.html",
        {"day": day},
        with_chain=True,
        file=("weak_table.file.query", {}),
    )


@router.get("/regions")
def regions(
    request: Request,
    session: ConsoleSession,
    caller: AggregatesCaller,
    _firms: FirmsCaller,
    _weak_links: WeakLinksCaller,
    store: StoreDep,
    settings: SettingsDep,
    results: ResultsDep,
    bounds: BoundsDep,
    weights: WeightsDep,
    day: AsOf,
    query: Query_,
    format: Export = None,
    map_code: Annotated[str | None, Query(alias="map", pattern=r"^(\d{2}|\d{4})?$")] = None,
) -> Response:
    """The caller's regions: their chains, the map of a region (the API's region map, for the
    regions it may draw: a regulator's provinces and prefectures, an admin's provinces with
    firms), coverage by prefecture and county, and the weak links of every chain within them
    (regulators; admins over every region)."""
    found = visible_weak_links(
        caller, store, settings, results, bounds, weights, day, wanted=query.wanted
    )
    view = regions_view(caller, store, results, bounds, weights, day)
    if view.regions is None:
        maps = sorted({a.code[:2] for a in view.prefectures if a.firms and a.code[:2].isdigit()})
    else:
        maps = [r for r in view.regions if len(r) in (2, 4)]
    shown_map = map_code if map_code in maps else (maps[0] if maps else None)
    return _shown(
        request,
        session,
        caller,
        weights,
        day,
        found,
        query,
        format,
        "regions.html",
        {"view": view, "day": day, "maps": maps, "shown_map": shown_map},
        with_chain=True,
        file=("weak_table.file.regions", {}),
    )
