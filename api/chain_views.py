"""What one chain's pages show, decided once: the segments in the order goods flow, each with
its figures (the API's ``/chains/{id}/segments`` and the console's segment strip), the firms of
one segment, and which atlas of the chain a caller may open.

Figures are computed on the whole chain, or on a leader's own tree, and the caller is then given
what lies within its bounds; the rule for each role is in :func:`segment_strip`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from chainmap.access import Principal, Role
from chainmap.analysis import (
    Certification,
    FirmFigures,
    SegmentFigures,
    Weights,
    certification,
    is_weak,
    segment_view,
)
from chainmap.atlases import AtlasKind
from chainmap.config import Settings
from chainmap.errors import RuleViolation
from chainmap.records import ChainRow, FeedRow, SegmentRow
from chainmap.rules.regions import validate_region_prefix
from chainmap.store import Store

from .cache import Results
from .computed import chain_analysis, chain_figures
from .errors import missing
from .permissions import Permission, grants, may_draw
from .scope import Bounds

__all__ = [
    "AtlasChoice",
    "SegmentFirm",
    "SegmentFirms",
    "Strip",
    "StripReach",
    "chain_atlas_choice",
    "chain_leaders_seen",
    "chain_segments",
    "segment_firms",
    "segment_strip",
]


def _visible(bounds: Bounds, graph: Any) -> list[str]:
    """The firms of the graph the caller may see."""
    return [u for u, a in graph.nodes(data=True) if bounds.admits(u, a.get("region_code", ""))]


def chain_segments(
    caller: Principal,
    chain_id: str,
    store: Store,
    results: Results,
    bounds: Bounds,
    weights: Weights,
    day: date,
) -> list[SegmentFigures]:
    """Each segment of the chain with its figures, in the order goods flow, over the firms
    within the caller's bounds (all of them for admins and regulators, whose aggregates are
    chain-wide; an analyst's regions), figures computed on the whole chain. What
    ``GET /chains/{id}/segments`` answers."""
    whole = caller.role is Role.REGULATOR

    def compute() -> list[SegmentFigures]:
        graph, figures = chain_analysis(results, store, chain_id, day, weights)
        shown = list(graph.nodes) if whole else _visible(bounds, graph)
        inside = set(shown)
        return segment_view(
            graph.subgraph(shown), [f for f in figures if f.uscc in inside], day, weights
        )

    key = ("segments", store.generation(), chain_id, None if whole else bounds.key, day, weights)
    return results.get(key, compute)


class StripReach(StrEnum):
    """Whose firms a chain's segment figures are over."""

    CHAIN = "chain"  # every firm of the chain
    REGIONS = "regions"  # the chain's firms within the caller's regions
    TREE = "tree"  # a leader's own supplier tree


@dataclass(frozen=True, slots=True)
class Strip:
    """A chain's segments in flow order, each with its figures, and whose firms they count."""

    reach: StripReach
    segments: list[SegmentFigures]


def _chain_feeds(results: Results, store: Store, chain_id: str) -> list[FeedRow]:
    """Which of the chain's segments feed which: the chain's structure, no firm's data (a
    leader's tree, as the store reads it, carries the segments but not their feeds)."""
    key = ("chain-feeds", store.generation(), chain_id)
    return results.get(key, lambda: list(store.chain(chain_id).feeds))


def _tree_graph(
    caller: Principal,
    chain: ChainRow,
    store: Store,
    results: Results,
    settings: Settings,
    weights: Weights,
    day: date,
) -> tuple[Any, list[FirmFigures]]:
    """A leader's own tree as the API computes a leader's figures, made to speak of ``chain``
    alone: its segments, their feeds (a copy: the cached tree stays as read)."""
    graph, figures = chain_figures(
        results,
        store,
        chain.chain_id,
        day,
        weights,
        tree_of=caller.enterprise,
        depth=settings.max_depth,
    )
    graph = graph.copy()
    graph.graph["chains"] = [chain]
    graph.graph["feeds"] = _chain_feeds(results, store, chain.chain_id)
    return graph, figures


def segment_strip(
    caller: Principal,
    chain: ChainRow,
    store: Store,
    results: Results,
    settings: Settings,
    bounds: Bounds,
    weights: Weights,
    day: date,
) -> Strip:
    """The segment figures each role gets on a chain's page.

    - A role with the AGGREGATES permission (admins, regulators, analysts) gets what
      ``GET /chains/{id}/segments`` answers it (:func:`chain_segments`): admins and regulators
      the whole chain (a regulator's aggregates are chain-wide), an analyst the chain's firms
      within its regions, figures computed on the whole chain.
    - A leader has no AGGREGATES permission: it gets the figures of its own supplier tree (up to
      ``settings.max_depth`` tiers, and its direct customers), computed on that tree as the API
      computes a leader's weak links (``chain_figures(..., tree_of=leader)``), over the segments
      of this chain; nothing of the chain beyond its tree is counted.
    """
    if grants(caller.role, Permission.AGGREGATES):
        reach = StripReach.REGIONS if caller.role is Role.ANALYST else StripReach.CHAIN
        segments = chain_segments(caller, chain.chain_id, store, results, bounds, weights, day)
        return Strip(reach, segments)
    if caller.role is Role.LEADER:

        def compute() -> list[SegmentFigures]:
            graph, figures = _tree_graph(caller, chain, store, results, settings, weights, day)
            return segment_view(graph, figures, day, weights)

        key = ("tree-segments", store.generation(), chain.chain_id, caller.enterprise, day, weights)
        return Strip(StripReach.TREE, results.get(key, compute))
    return Strip(StripReach.REGIONS, [])  # a role with neither: no figures


def chain_leaders_seen(
    caller: Principal,
    chain: ChainRow,
    store: Store,
    results: Results,
    settings: Settings,
    bounds: Bounds,
    weights: Weights,
    day: date,
) -> tuple[list[tuple[str, str]], int]:
    """The chain's leaders within the caller's bounds as (USCC, name), and how many others
    there are (named to no one outside its bounds). A leader sees itself."""
    if caller.role is Role.LEADER:
        leader = caller.enterprise or ""
        graph, _ = chain_figures(
            results, store, chain.chain_id, day, weights, tree_of=leader, depth=settings.max_depth
        )
        return ([(leader, graph.nodes[leader]["name"])] if leader in graph else []), 0
    graph, _ = chain_analysis(results, store, chain.chain_id, day, weights)
    leaders = [u for u in graph.graph.get("leaders", []) if u in graph]
    seen = [
        (u, graph.nodes[u]["name"])
        for u in leaders
        if bounds.admits(u, graph.nodes[u].get("region_code", ""))
    ]
    return seen, len(leaders) - len(seen)


@dataclass(frozen=True, slots=True)
class SegmentFirm:
    """A firm of a segment as its page lists it."""

    uscc: str
    name: str
    region_code: str
    industry_code: str
    size: str | None
    certification: Certification
    score: float | None  # its highest weak-link score towards a leader (None: not upstream)
    weak: bool  # a weak link towards some leader


@dataclass(frozen=True, slots=True)
class SegmentFirms:
    """One segment of a chain and its firms within the caller's bounds, by name."""

    segment: SegmentRow
    reach: StripReach
    firms: list[SegmentFirm]


def segment_firms(
    caller: Principal,
    chain: ChainRow,
    segment_id: str,
    store: Store,
    results: Results,
    settings: Settings,
    bounds: Bounds,
    weights: Weights,
    day: date,
) -> SegmentFirms:
    """The segment's firms within the caller's bounds, each with its certification on ``day``
    and its weak-link score: on the whole chain, or for a leader its own tree (as
    :func:`segment_strip`). A segment the chain lacks is not found (404). Kept while the data
    stays the same."""

    def compute() -> SegmentFirms:
        if caller.role is Role.LEADER:
            graph, figures = _tree_graph(caller, chain, store, results, settings, weights, day)
            reach = StripReach.TREE
        else:
            graph, figures = chain_analysis(results, store, chain.chain_id, day, weights)
            reach = StripReach.CHAIN if bounds.regions is None else StripReach.REGIONS
        found = [
            s
            for s in graph.graph.get("segments", [])
            if s.chain_id == chain.chain_id and s.segment_id == segment_id
        ]
        if not found:
            raise missing("segment", repr(segment_id))
        best: dict[str, float] = {}
        for f in figures:
            best[f.uscc] = max(f.score, best.get(f.uscc, f.score))
        member = (chain.chain_id, segment_id)
        expiring = weights.thresholds.expiring_days
        firms = [
            SegmentFirm(
                uscc=uscc,
                name=attrs.get("name", ""),
                region_code=attrs.get("region_code", ""),
                industry_code=attrs.get("industry_code", ""),
                size=attrs.get("size"),
                certification=certification(attrs.get("certificates", ()), day, expiring),
                score=best.get(uscc),
                weak=uscc in best and is_weak(best[uscc], weights.thresholds.min_score),
            )
            for uscc, attrs in graph.nodes(data=True)
            if member in attrs.get("segments", ())
            and bounds.admits(uscc, attrs.get("region_code", ""))
        ]
        firms.sort(key=lambda f: (not f.weak, -(f.score or 0.0), f.name, f.uscc))
        return SegmentFirms(found[0], reach, firms)

    tree_of = caller.enterprise if caller.role is Role.LEADER else None
    key = (
        "segment-firms",
        store.generation(),
        chain.chain_id,
        segment_id,
        tree_of,
        bounds.key,
        day,
        weights,
    )
    return results.get(key, compute)


@dataclass(frozen=True, slots=True)
class AtlasChoice:
    """The atlas of a chain a caller opens, or why there is none and which it may open."""

    kind: AtlasKind | None  # None: no atlas of this chain for the caller
    key: str | None
    why_not: str | None = None  # "not_permitted", "outside_regions", "national"
    instead: tuple[str, ...] = ()  # region prefixes whose atlases it may open instead


def chain_atlas_choice(caller: Principal, chain: ChainRow) -> AtlasChoice:
    """Which atlas the chain's atlas page shows the caller, as the atlas routes allow
    (:func:`api.permissions.may_draw`): admins the chain's atlas; a leader its own supplier
    tiers; a regulator the atlas of the chain's region when that lies within its regions,
    otherwise (a chain of another region, or a national chain) none, and its own regions'
    atlases instead; a role without the ATLASES permission (analysts) none."""
    if not grants(caller.role, Permission.ATLASES):
        return AtlasChoice(None, None, "not_permitted")
    if caller.role is Role.ADMIN:
        return AtlasChoice(AtlasKind.CHAIN, chain.chain_id)
    if caller.role is Role.LEADER and caller.enterprise:
        return AtlasChoice(AtlasKind.LEADER, caller.enterprise)
    instead = tuple(r for r in caller.regions if may_draw(caller, AtlasKind.REGION, r))
    if chain.region_code is None:
        return AtlasChoice(None, None, "national", instead)
    try:
        prefix = validate_region_prefix(chain.region_code)
    except RuleViolation:  # a region the table lacks: no atlas draws it
        return AtlasChoice(None, None, "outside_regions", instead)
    if may_draw(caller, AtlasKind.REGION, prefix):
        return AtlasChoice(AtlasKind.REGION, prefix)
    return AtlasChoice(None, None, "outside_regions", instead)
