"""A chain's weak links as a caller is given them: what ``GET /chains/{id}/weak-links`` answers
and what the console's weak-link tables show, computed once here for both.

Figures depend on the whole chain (a firm's exposure runs through firms anywhere), so they are
computed on the chain and the caller is given the rows of firms within its bounds. A leader's
are computed on its own tree only: its supplier tiers up to the configured depth.

Beside the rows, the names a table shows for them: each leader's (when the leader is within
the caller's bounds: a leader outside them is named by the USCC the rows already carry) and each
segment's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import Query

from chainmap.access import Principal
from chainmap.analysis import FirmFigures, Weights, select
from chainmap.config import Settings
from chainmap.enums import SizeClass
from chainmap.errors import NotFound
from chainmap.records import ChainRow
from chainmap.store import Store

from .cache import Results
from .computed import caller_figures
from .overview import visible_chains
from .params import Industries, Regions, Segments, Sizes
from .scope import Bounds

__all__ = [
    "EVERY_ROW",
    "ChainWeakLinks",
    "Filters",
    "filters",
    "visible_weak_links",
    "weak_links_of",
    "weak_links_over",
]


@dataclass(frozen=True, slots=True)
class Filters:
    """The filters of ``chainmap weak-links``: each list any of its values."""

    region: tuple[str, ...] | None = None
    industry: tuple[str, ...] | None = None
    segment: tuple[str, ...] | None = None
    size: tuple[SizeClass, ...] | None = None
    min_score: float | None = None
    top: int | None = None

    def admit(self, f: FirmFigures) -> bool:
        """True for a row that passes the region, industry and segment filters."""
        if self.region and not f.region_code.startswith(self.region):
            return False
        if self.industry and not f.industry_code.startswith(self.industry):
            return False
        return not self.segment or bool(set(self.segment) & set(f.segment.split(";")))


#: no filter: every row at the weights' threshold
EVERY_ROW = Filters()


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


@dataclass(frozen=True, slots=True)
class ChainWeakLinks:
    """One chain's weak-link rows for a caller, with the names a table shows beside them."""

    chain: ChainRow
    rows: list[FirmFigures]
    #: each leader's name, for the leaders within the caller's bounds
    leader_names: dict[str, str] = field(default_factory=dict)
    #: each segment's name by its id (the chain's own segments first)
    segment_names: dict[str, str] = field(default_factory=dict)


def weak_links_of(
    caller: Principal,
    chain: ChainRow,
    store: Store,
    settings: Settings,
    results: Results,
    bounds: Bounds,
    weights: Weights,
    day: date,
    *,
    leader: str | None = None,
    wanted: Filters = EVERY_ROW,
) -> ChainWeakLinks:
    """The weak links of ``chain`` the caller is given on ``day``: a leader's computed on its
    own tree, everyone else's on the chain (those of ``leader`` only when given), rows of firms
    within ``bounds`` passing ``wanted``. Raises :class:`NotFound` for a chain with no leader
    among its firms, or a ``leader`` that does not lead it."""
    graph, figures = caller_figures(
        results, store, caller, chain.chain_id, day, weights, settings.max_depth, leader=leader
    )
    rows = select(
        (f for f in figures if bounds.admits(f.uscc, f.region_code) and wanted.admit(f)),
        min_score=weights.thresholds.min_score if wanted.min_score is None else wanted.min_score,
        sizes=[s.value for s in wanted.size] if wanted.size else None,
        top=wanted.top,
    )
    return ChainWeakLinks(chain, rows, _leader_names(graph, rows, bounds), _segments(graph, chain))


def _leader_names(graph: Any, rows: list[FirmFigures], bounds: Bounds) -> dict[str, str]:
    names: dict[str, str] = {}
    for leader in {f.leader for f in rows}:
        attributes = graph.nodes[leader] if leader in graph else {}
        if bounds.admits(leader, attributes.get("region_code", "")):
            names[leader] = attributes.get("name") or leader
    return names


def _segments(graph: Any, chain: ChainRow) -> dict[str, str]:
    rows = graph.graph.get("segments", [])
    names = {s.segment_id: s.name for s in rows if s.chain_id != chain.chain_id}
    names.update({s.segment_id: s.name for s in rows if s.chain_id == chain.chain_id})
    return names


def weak_links_over(
    caller: Principal,
    chains: Iterable[ChainRow],
    store: Store,
    settings: Settings,
    results: Results,
    bounds: Bounds,
    weights: Weights,
    day: date,
    *,
    wanted: Filters = EVERY_ROW,
) -> list[ChainWeakLinks]:
    """The weak links of each of ``chains``, as :func:`weak_links_of` gives them to the caller
    (a chain with no leader among its firms has none), in the order of the chains."""
    found: list[ChainWeakLinks] = []
    for chain in chains:
        try:
            found.append(
                weak_links_of(
                    caller, chain, store, settings, results, bounds, weights, day, wanted=wanted
                )
            )
        except NotFound:
            found.append(ChainWeakLinks(chain, []))
    return found


def visible_weak_links(
    caller: Principal,
    store: Store,
    settings: Settings,
    results: Results,
    bounds: Bounds,
    weights: Weights,
    day: date,
    *,
    wanted: Filters = EVERY_ROW,
) -> list[ChainWeakLinks]:
    """The weak links of every chain the caller may see (:func:`weak_links_over`)."""
    chains = visible_chains(caller, store, results)
    return weak_links_over(
        caller, chains, store, settings, results, bounds, weights, day, wanted=wanted
    )
