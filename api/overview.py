"""The caller's overview: the figures the console's home page shows and ``GET /overview``
answers, over the chains the caller may see and the firms within its bounds.

Counted over the firms of those chains within the caller's bounds (a firm on two chains once):
how many, how many hold a certificate in force on the day, how many are weak links (towards any
leader), how many certificates in force expire within 90 days, how many firms stand suspended or
withdrawn (撤销), and the joint-certification batches of the chains whose plans the caller may
see. Each chain is listed with the same figures over its own firms within the bounds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from chainmap.access import Principal, Role
from chainmap.analysis import FirmFigures, Weights, certification, is_weak
from chainmap.analysis.certification import CertState
from chainmap.config import Settings
from chainmap.errors import NotFound
from chainmap.plans import Body, Planning, body_capacities, load_planning
from chainmap.records import ChainRow
from chainmap.reports import batch_rows
from chainmap.store import Store

from .cache import Results
from .computed import caller_figures, chain_rows
from .permissions import Permission, PlanReach, grants, plan_reach
from .scope import Bounds, led_chains

__all__ = ["EXPIRY_DAYS", "ChainFigures", "Overview", "overview"]

#: certificates in force that end within this many days count as expiring
EXPIRY_DAYS = 90


@dataclass(slots=True)
class ChainFigures:
    """One chain's figures over the firms within the caller's bounds."""

    chain: ChainRow
    firms: int = 0
    certified: int = 0
    weak_links: int = 0
    expiring: int = 0
    lapsed: int = 0  # suspended or withdrawn
    batches: int | None = None  # None: the caller may not see the chain's batches

    @property
    def coverage(self) -> float | None:
        return self.certified / self.firms if self.firms else None


@dataclass(slots=True)
class Overview:
    """The caller's figures, and each chain's."""

    as_of: date
    firms: int = 0
    certified: int = 0
    weak_links: int = 0
    expiring: int = 0
    lapsed: int = 0
    batches: int = 0
    chains: list[ChainFigures] = field(default_factory=list)

    @property
    def coverage(self) -> float | None:
        return self.certified / self.firms if self.firms else None


def visible_chains(caller: Principal, store: Store, results: Results) -> list[ChainRow]:
    """The chains the caller may see: a leader those it leads, everyone else all."""
    chains = list(chain_rows(results, store).values())
    if caller.role is Role.LEADER:
        led = led_chains(results, store, caller.enterprise or "")
        return [c for c in chains if c.chain_id in led]
    return chains


def overview(
    caller: Principal,
    store: Store,
    results: Results,
    settings: Settings,
    bounds: Bounds,
    weights: Weights,
    day: date,
) -> Overview:
    """The caller's overview on ``day`` (kept while the data stays the same)."""
    key = ("overview", store.generation(), caller.role, bounds.key, caller.enterprise, day, weights)
    return results.get(
        key, lambda: _overview(caller, store, results, settings, bounds, weights, day)
    )


def _overview(
    caller: Principal,
    store: Store,
    results: Results,
    settings: Settings,
    bounds: Bounds,
    weights: Weights,
    day: date,
) -> Overview:
    total = Overview(as_of=day)
    seen: dict[str, tuple[bool, bool, bool, bool]] = {}  # firm: certified, expiring, lapsed, weak
    planning = load_planning()
    capacities = body_capacities(store.bodies(), planning)
    soon = day + timedelta(days=EXPIRY_DAYS)
    for chain in visible_chains(caller, store, results):
        try:
            graph, figures = caller_figures(
                results, store, caller, chain.chain_id, day, weights, settings.max_depth
            )
        except NotFound:  # a chain without a leader among its firms: nothing analysed
            graph, figures = None, []
        row = ChainFigures(chain)
        weak = {f.uscc for f in figures if is_weak(f.score, weights.thresholds.min_score)}
        nodes = graph.nodes(data=True) if graph is not None else ()
        for uscc, attributes in nodes:
            if not bounds.admits(uscc, attributes.get("region_code", "")):
                continue
            found = certification(attributes.get("certificates", ()), day, EXPIRY_DAYS)
            expiring = (
                found.state.protected
                and found.certificate is not None
                and found.certificate.expires_on <= soon
            )
            lapsed = found.state in (CertState.SUSPENDED, CertState.WITHDRAWN)
            flags = (found.state.protected, expiring, lapsed, uscc in weak)
            row.firms += 1
            row.certified += flags[0]
            row.expiring += flags[1]
            row.lapsed += flags[2]
            row.weak_links += flags[3]
            before = seen.get(uscc)
            seen[uscc] = flags if before is None else _either(before, flags)
        row.batches = _batches(caller, chain, figures, planning, capacities)
        total.batches += row.batches or 0
        total.chains.append(row)
    total.firms = len(seen)
    for certified, expiring, lapsed, is_weak_link in seen.values():
        total.certified += certified
        total.expiring += expiring
        total.lapsed += lapsed
        total.weak_links += is_weak_link
    return total


def _either(
    one: tuple[bool, bool, bool, bool], other: tuple[bool, bool, bool, bool]
) -> tuple[bool, bool, bool, bool]:
    """A firm on two chains: weak if weak on either (its certificate is the same on both)."""
    return (one[0] or other[0], one[1] or other[1], one[2] or other[2], one[3] or other[3])


def _batches(
    caller: Principal,
    chain: ChainRow,
    figures: list[FirmFigures],
    planning: Planning,
    capacities: list[Body],
) -> int | None:
    """How many joint-certification batches the chain's plan has as far as the caller reaches
    it (:func:`api.permissions.plan_reach`); None when it may not see them."""
    if not grants(caller.role, Permission.PLANS):
        return None
    reach = plan_reach(caller, chain)
    if reach is PlanReach.NONE:
        return None
    if reach is PlanReach.REGIONS:
        figures = [f for f in figures if caller.in_regions(f.region_code)]
    return len(batch_rows(figures, planning, capacities))
