"""The weak-link tables: a chain's (its "weak links" tab), the query across every chain the caller
may see (analysts, regulators, admins) and the regulator's regions with their coverage. All three
show the one table of :mod:`..weak_table`, whose rows the API's weak-link route computes
(:mod:`api.weak_links`), and export it as XLSX or CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

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
from ...weak_links import visible_weak_links, weak_links_over
from ..auth import ConsoleSession
from ..i18n import catalogue
from ..render import lang_of, page
from ..weak_table import TableQuery, export, table_query, weak_table

router = APIRouter()

Query_ = Annotated[TableQuery, Depends(table_query)]
#: ``format=xlsx`` or ``csv``: the table (filtered, ordered, every page) as a download
Export = Annotated[
    ExportFormat | None, Query(description="xlsx or csv: the whole table as a download")
]


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
    lang = lang_of(request, session)
    if format is not None:
        name = catalogue().text("weak_table.file.chain", lang, chain=chain.name)
        return export(found, query, format, lang=lang, with_chain=False, name=name, day=day)
    table = weak_table(
        found,
        query,
        path=request.url.path,
        lang=lang,
        with_chain=False,
        firm_links=grants(caller.role, Permission.FIRMS),
        min_score=weights.thresholds.min_score,
    )
    context = {"chain": chain, "tab": "weak_links", "table": table, "day": day}
    return page(request, "chain_weak_links.html", context, session=session)


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
    lang = lang_of(request, session)
    if format is not None:
        name = catalogue().text("weak_table.file.query", lang)
        return export(found, query, format, lang=lang, with_chain=True, name=name, day=day)
    table = weak_table(
        found,
        query,
        path=request.url.path,
        lang=lang,
        with_chain=True,
        firm_links=grants(caller.role, Permission.FIRMS),
        min_score=weights.thresholds.min_score,
    )
    return page(request, "query.html", {"table": table, "day": day}, session=session)


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
) -> Response:
    """The caller's regions: their chains, coverage by prefecture and county, and the weak
    links of every chain within them (regulators; admins over every region)."""
    found = visible_weak_links(
        caller, store, settings, results, bounds, weights, day, wanted=query.wanted
    )
    lang = lang_of(request, session)
    if format is not None:
        name = catalogue().text("weak_table.file.regions", lang)
        return export(found, query, format, lang=lang, with_chain=True, name=name, day=day)
    table = weak_table(
        found,
        query,
        path=request.url.path,
        lang=lang,
        with_chain=True,
        firm_links=grants(caller.role, Permission.FIRMS),
        min_score=weights.thresholds.min_score,
    )
    view = regions_view(caller, store, results, bounds, weights, day)
    return page(
        request, "regions.html", {"table": table, "view": view, "day": day}, session=session
    )
