"""A regulator's regions: the chains with firms there and certification coverage by prefecture
and by county, over the firms of the chains the caller may see within its bounds (a firm on two
chains counted once). What the console's regions page shows; admins get every region.

A firm counts as certified when it holds a certificate in force on the day (valid or expiring),
as on the home page (:mod:`api.overview`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from chainmap.access import Principal
from chainmap.analysis import Weights, certification
from chainmap.records import ChainRow
from chainmap.rules import prefecture_key
from chainmap.store import Store

from .cache import Results
from .computed import chain_analysis
from .overview import EXPIRY_DAYS, visible_chains
from .scope import Bounds

__all__ = ["Area", "ChainArea", "RegionsView", "regions_view"]


@dataclass(slots=True)
class Area:
    """Firms of one region (a prefecture or a county), and how many are certified."""

    code: str
    firms: int = 0
    certified: int = 0

    @property
    def coverage(self) -> float | None:
        return self.certified / self.firms if self.firms else None


@dataclass(slots=True)
class ChainArea:
    """A chain with firms within the caller's bounds, and how many of them are certified."""

    chain: ChainRow
    firms: int = 0
    certified: int = 0

    @property
    def coverage(self) -> float | None:
        return self.certified / self.firms if self.firms else None


@dataclass(slots=True)
class RegionsView:
    """The caller's regions (None: every region), their chains and their coverage."""

    as_of: date
    regions: tuple[str, ...] | None
    chains: list[ChainArea] = field(default_factory=list)
    prefectures: list[Area] = field(default_factory=list)
    counties: list[Area] = field(default_factory=list)

    @property
    def firms(self) -> int:
        return sum(a.firms for a in self.counties)

    @property
    def certified(self) -> int:
        return sum(a.certified for a in self.counties)

    @property
    def coverage(self) -> float | None:
        return self.certified / self.firms if self.firms else None


def regions_view(
    caller: Principal,
    store: Store,
    results: Results,
    bounds: Bounds,
    weights: Weights,
    day: date,
) -> RegionsView:
    """The caller's regions on ``day`` (kept while the data stays the same)."""
    key = ("regions-view", store.generation(), caller.role, bounds.key, day, weights)
    return results.get(key, lambda: _regions_view(caller, store, results, bounds, weights, day))


def _regions_view(
    caller: Principal,
    store: Store,
    results: Results,
    bounds: Bounds,
    weights: Weights,
    day: date,
) -> RegionsView:
    view = RegionsView(as_of=day, regions=bounds.regions)
    firms: dict[str, tuple[str, bool]] = {}  # USCC: region code, certified
    for chain in visible_chains(caller, store, results):
        graph, _figures = chain_analysis(results, store, chain.chain_id, day, weights)
        row = ChainArea(chain)
        for uscc, attributes in graph.nodes(data=True):
            region = attributes.get("region_code", "")
            if not bounds.admits(uscc, region):
                continue
            found = certification(attributes.get("certificates", ()), day, EXPIRY_DAYS)
            row.firms += 1
            row.certified += found.state.protected
            firms[uscc] = (region, found.state.protected)
        if row.firms:
            view.chains.append(row)
    prefectures: dict[str, Area] = {}
    counties: dict[str, Area] = {}
    for region, certified in firms.values():
        for areas, code in ((prefectures, prefecture_key(region)), (counties, region)):
            area = areas.setdefault(code, Area(code))
            area.firms += 1
            area.certified += certified
    view.prefectures = [prefectures[c] for c in sorted(prefectures)]
    view.counties = [counties[c] for c in sorted(counties)]
    return view
