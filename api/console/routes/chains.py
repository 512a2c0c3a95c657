"""One chain's pages: its segments in the order goods flow (overview), one segment's firms, the
atlas, and the plan with its joint-certification batches. The weak-link tab has its own module.

Each page declares the API's own dependencies and calls the functions the API's routes call:
the segment strip and a segment's firms come from :mod:`api.chain_views` (which also decides the
figures each role gets: a leader, without the AGGREGATES permission, gets those of its own tree),
the batches from :func:`api.routes.pages.chain_batches` (what ``/batches`` answers), and the atlas
and plan are the API's own pages, embedded.

The plan is embedded rather than re-rendered: it is a long document (profile, problems, measures
by class, quarterly targets, responsibilities, a measure set per firm) that
:mod:`chainmap.plans.render` already writes as one self-contained HTML page, with no script and
nothing fetched. Shown in a sandboxed frame, the page a bureau reads is exactly the file it
downloads and prints, and nothing of the plan is written a second time here. The frame runs no
script (its sandbox allows the same origin only, without which Chromium leaves the frame out of
the Tab order, so that the keyboard could not scroll the plan). The batches, which
the page lets people sort through and export, are a table of the console's own.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response

from chainmap.enums import PlanFormat
from chainmap.exports import MEDIA_TYPES, ExportFormat, export_bytes
from chainmap.reports import BATCH_MEMBERS, batch_member_rows

from ...chain_views import (
    chain_atlas_choice,
    chain_leaders_seen,
    segment_firms,
    segment_strip,
)
from ...computed import body_names
from ...deps import (
    BoundsDep,
    ChainDep,
    ChainsCaller,
    PlanChainDep,
    PlansCaller,
    ResultsDep,
    SettingsDep,
    StoreDep,
    WeightsDep,
)
from ...params import AsOf
from ...permissions import Permission, grants
from ...routes.pages import chain_batches
from ..auth import ConsoleSession
from ..render import attachment, lang_of, page

router = APIRouter()

SegmentId = Annotated[
    str, Path(max_length=64, description="a segment id of the chain, percent-encoded")
]


def part(text: str) -> str:
    """``text`` as one segment of a path (``/`` and everything else encoded)."""
    return quote(text, safe="")


def _asked_day(request: Request, day: date) -> str | None:
    """The day the page was asked for, to carry on in its links (None: today, unsaid)."""
    return day.isoformat() if request.query_params.get("as_of") else None


@router.get("/chains/{chain_id}")
def chain_page(
    request: Request,
    session: ConsoleSession,
    caller: ChainsCaller,
    chain: ChainDep,
    store: StoreDep,
    results: ResultsDep,
    settings: SettingsDep,
    bounds: BoundsDep,
    weights: WeightsDep,
    day: AsOf,
) -> Response:
    """The chain: its region, its leaders, and its segments upstream to downstream."""
    strip = segment_strip(caller, chain, store, results, settings, bounds, weights, day)
    leaders, unseen = chain_leaders_seen(
        caller, chain, store, results, settings, bounds, weights, day
    )
    context = {
        "chain": chain,
        "tab": "overview",
        "strip": strip,
        "leaders": leaders,
        "unseen_leaders": unseen,
        "firm_links": grants(caller.role, Permission.FIRMS),
        "day": day,
        "asked_day": _asked_day(request, day),
        "part": part,
    }
    return page(request, "chain.html", context, session=session)


#: firms on a page of a segment's list
SEGMENT_PAGE = 100


@router.get("/chains/{chain_id}/segments/{segment_id:path}")
def segment_page(
    request: Request,
    session: ConsoleSession,
    caller: ChainsCaller,
    chain: ChainDep,
    segment_id: SegmentId,
    store: StoreDep,
    results: ResultsDep,
    settings: SettingsDep,
    bounds: BoundsDep,
    weights: WeightsDep,
    day: AsOf,
    page_no: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1,
) -> Response:
    """One segment's firms within the caller's bounds, with their certificates, a page of
    :data:`SEGMENT_PAGE` firms at a time (weak links first)."""
    found = segment_firms(caller, chain, segment_id, store, results, settings, bounds, weights, day)
    pages = max(1, -(-len(found.firms) // SEGMENT_PAGE))
    page_no = min(page_no, pages)
    context = {
        "chain": chain,
        "tab": "overview",
        "found": found,
        "shown": found.firms[(page_no - 1) * SEGMENT_PAGE : page_no * SEGMENT_PAGE],
        "page_no": page_no,
        "pages": pages,
        "first": (page_no - 1) * SEGMENT_PAGE + 1,
        "firm_links": grants(caller.role, Permission.FIRMS),
        "min_score": weights.thresholds.min_score,
        "day": day,
        "asked_day": _asked_day(request, day),
        "part": part,
    }
    return page(request, "segment.html", context, session=session)


@router.get("/chains/{chain_id}/atlas")
def atlas_page(
    request: Request,
    session: ConsoleSession,
    caller: ChainsCaller,
    chain: ChainDep,
    as_of: Annotated[date | None, Query(description="day certificates are judged on")] = None,
) -> Response:
    """The atlas of the chain the caller may draw, in a sandboxed frame, or why there is none
    and which atlases it may open instead."""
    context = {
        "chain": chain,
        "tab": "atlas",
        "choice": chain_atlas_choice(caller, chain),
        "asked_day": as_of.isoformat() if as_of else None,
        "part": part,
    }
    return page(request, "chain_atlas.html", context, session=session)


@router.get("/chains/{chain_id}/plan")
def plan_page(
    request: Request,
    session: ConsoleSession,
    caller: PlansCaller,
    asked: PlanChainDep,
    store: StoreDep,
    results: ResultsDep,
    settings: SettingsDep,
    weights: WeightsDep,
    day: AsOf,
    export: Annotated[
        ExportFormat | None, Query(description="the batches as a file: xlsx or csv")
    ] = None,
) -> Response:
    """The plan (一链一策), embedded, its downloads, and the joint-certification batches (联合认证)
    as a table, exported as XLSX or CSV when asked (``?export=xlsx|csv``)."""
    batches = chain_batches(caller, asked, store, settings, results, day, weights)
    chain = asked.chain
    lang = lang_of(request)
    if export is not None:
        data = export_bytes(batch_member_rows(batches), BATCH_MEMBERS, export, lang=lang)
        named = f"{BATCH_MEMBERS.title(lang)}-{chain.name}-{day.isoformat()}.{export.value}"
        fallback = f"joint-certification-{chain.chain_id}-{day.isoformat()}.{export.value}"
        return Response(
            data,
            media_type=MEDIA_TYPES[export],
            headers={
                "Content-Disposition": attachment(named, fallback),
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "no-store",
            },
        )
    context = {
        "chain": chain,
        "tab": "plan",
        "reach": asked.reach.value,
        "batches": batches,
        "bodies": body_names(results, store),
        "formats": list(PlanFormat),
        "exports": list(ExportFormat),
        "firm_links": grants(caller.role, Permission.FIRMS),
        "day": day,
        "asked_day": _asked_day(request, day),
        "part": part,
    }
    return page(request, "chain_plan.html", context, session=session)
