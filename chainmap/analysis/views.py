"""Chain-level views built on the per-leader figures: segments, what-if and removal curves."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from chainmap.analysis.certification import certification
from chainmap.analysis.flow import Components, components, cut_off, lost_share
from chainmap.analysis.structure import hhi
from chainmap.analysis.upstream import Upstream, upstream
from chainmap.analysis.weak_links import FirmFigures, chain_leaders, is_weak
from chainmap.analysis.weights import Weights
from chainmap.errors import NotFound
from chainmap.rules.regions import prefecture_key

__all__ = [
    "Curve",
    "Robustness",
    "SegmentFigures",
    "WhatIf",
    "flow_order",
    "robustness",
    "segment_view",
    "what_if",
]

_STAGE_RANK = {"upstream": 0, "midstream": 1, "downstream": 2}


@dataclass(frozen=True, slots=True)
class SegmentFigures:
    """A chain segment (环节): its firms, their certification and how concentrated it is."""

    segment_id: str
    name: str
    stage: str | None
    firms: int
    certified: int
    coverage: float | None
    exposure: float
    exposure_coverage: float | None
    weak_links: int
    suppliers: int
    purchases: int
    single_sourced: int
    alternatives: float | None
    hhi: float | None
    regional_hhi: float | None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def flow_order(graph: nx.DiGraph, chains: set[str]) -> list[Any]:
    """The segments of ``chains`` (all the graph's when empty) in the order goods flow (feeds),
    stage then id breaking ties; by stage and id alone when the feeds loop."""
    segments = {
        s.segment_id: s
        for s in graph.graph.get("segments", [])
        if not chains or s.chain_id in chains
    }

    def rank(segment_id: str) -> tuple[int, str]:
        return (_STAGE_RANK.get(segments[segment_id].stage or "", 3), segment_id)

    feeds = nx.DiGraph()
    feeds.add_nodes_from(segments)
    feeds.add_edges_from(
        (f.from_segment, f.to_segment)
        for f in graph.graph.get("feeds", [])
        if f.from_segment in segments and f.to_segment in segments
    )
    try:
        order = list(nx.lexicographical_topological_sort(feeds, key=rank))
    except nx.NetworkXUnfeasible:
        order = sorted(segments, key=rank)
    return [segments[s] for s in order]


def segment_view(
    graph: nx.DiGraph, figures: Sequence[FirmFigures], as_of: date, weights: Weights
) -> list[SegmentFigures]:
    """Figures of each segment of the graph's chain, in the order goods flow between them.

    A firm's chain exposure is the mean of its exposure to each leader (a firm upstream of one
    leader of two counts half of that leader's figure). ``purchases`` are the (customer, product)
    pairs the segment's firms supply; ``alternatives`` is the mean number of the segment's firms
    supplying each; ``hhi`` is over the firms' shares of the segment's exposure and
    ``regional_hhi`` over their counts per prefecture-level unit (:func:`~chainmap.rules.regions.prefecture_key`).
    """
    chains = {c.chain_id for c in graph.graph.get("chains", [])}
    leaders = max(1, len(chain_leaders(graph)))
    chain_exposure: dict[str, float] = defaultdict(float)
    weak: Counter[str] = Counter()
    for f in figures:
        chain_exposure[f.uscc] += f.exposure / leaders
        if is_weak(f.score, weights.thresholds.min_score):
            weak[f.uscc] += 1
    members: dict[str, list[str]] = defaultdict(list)
    for uscc, attrs in graph.nodes(data=True):
        for chain_id, segment_id in attrs.get("segments", ()):
            if not chains or chain_id in chains:
                members[segment_id].append(uscc)
    segments = flow_order(graph, chains)
    found = []
    for seg in segments:
        firms = sorted(members.get(seg.segment_id, []))
        inside = set(firms)
        protected = [
            u
            for u in firms
            if certification(
                graph.nodes[u].get("certificates", ()), as_of, weights.thresholds.expiring_days
            ).state.protected
        ]
        total = sum(chain_exposure.get(u, 0.0) for u in firms)
        covered = sum(chain_exposure.get(u, 0.0) for u in protected)
        sources: dict[tuple[str, str], int] = Counter()
        for u in firms:
            for customer, link in graph.succ[u].items():
                for product in link.get("products") or ("",):
                    sources[(customer, product)] += 1
        regions = Counter(prefecture_key(graph.nodes[u].get("region_code", "")) for u in firms)
        found.append(
            SegmentFigures(
                segment_id=seg.segment_id,
                name=seg.name,
                stage=seg.stage,
                firms=len(firms),
                certified=len(protected),
                coverage=len(protected) / len(firms) if firms else None,
                exposure=total,
                exposure_coverage=covered / total if total > 0 else None,
                weak_links=sum(1 for u in inside if weak[u]),
                suppliers=sum(1 for u in firms if graph.succ[u]),
                purchases=len(sources),
                single_sourced=sum(1 for n in sources.values() if n == 1),
                alternatives=sum(sources.values()) / len(sources) if sources else None,
                hhi=hhi([chain_exposure.get(u, 0.0) / total for u in firms]) if total else None,
                regional_hhi=hhi([n / len(firms) for n in regions.values()]) if firms else None,
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class WhatIf:
    """What one leader loses when some firms stop supplying (no rerouting)."""

    leader: str
    lost_share: float
    cut_off: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"leader": self.leader, "lost_share": self.lost_share, "cut_off": self.cut_off}


def what_if(graph: nx.DiGraph, failed: Sequence[str]) -> list[WhatIf]:
    """For each leader of the chain: the share of its purchases lost if ``failed`` firms stop
    supplying, and the firms left with no supply path to it (in USCC order)."""
    missing = sorted(set(failed) - set(graph.nodes))
    if missing:
        raise NotFound(f"not firms of this chain: {', '.join(missing)}")
    found = []
    for leader in chain_leaders(graph):
        up = upstream(graph, leader)
        down = [up.index[u] for u in failed if u in up.index]
        lost = lost_share(up, down) if down else 0.0
        cut = sorted(up.firms[i] for i in cut_off(up, down)) if down else []
        found.append(WhatIf(leader, lost, cut))
    return found


@dataclass(frozen=True, slots=True)
class Curve:
    """Share of a leader's purchases still supplied after removing the first ``removed[i]`` firms."""

    removed: list[int]
    supplied: list[float]

    @property
    def r_index(self) -> float:
        """Mean supplied share over the curve's points (after Schneider et al. 2011's R)."""
        return sum(self.supplied) / len(self.supplied)


@dataclass(frozen=True, slots=True)
class Robustness:
    """A leader's removal curves: by score (targeted), and at random (mean of the runs)."""

    leader: str
    firms: int
    targeted: Curve
    random_mean: Curve
    random_runs: list[Curve]

    def as_dict(self) -> dict[str, Any]:
        def curve(c: Curve) -> dict[str, Any]:
            return {"removed": c.removed, "supplied": c.supplied, "r_index": c.r_index}

        return {
            "leader": self.leader,
            "firms": self.firms,
            "targeted": curve(self.targeted),
            "random_mean": curve(self.random_mean),
            "random_runs": [curve(c) for c in self.random_runs],
        }


def _curve(up: Upstream, loops: Components, order: list[int], steps: list[int]) -> Curve:
    return Curve(
        removed=steps,
        supplied=[1.0 - lost_share(up, order[:k], loops) if k else 1.0 for k in steps],
    )


def robustness(
    graph: nx.DiGraph,
    figures: Sequence[FirmFigures],
    *,
    runs: int = 10,
    points: int = 20,
    seed: int = 0,
) -> list[Robustness]:
    """Removal curves for each leader: its upstream firms removed in score order, against random
    orders (``runs`` of them, seeded so the same call gives the same curves), measured at
    ``points`` evenly spaced removal counts from none to all."""
    found = []
    for leader in chain_leaders(graph):
        up = upstream(graph, leader)
        loops = components(up)
        ranked = [up.index[f.uscc] for f in figures if f.leader == leader]
        n = len(ranked)
        steps = sorted({round(n * k / max(1, points - 1)) for k in range(points)})

        rng = random.Random(seed)
        runs_found = []
        for _ in range(runs):
            order = sorted(ranked)
            rng.shuffle(order)
            runs_found.append(_curve(up, loops, order, steps))
        mean = Curve(
            removed=steps,
            supplied=[
                sum(c.supplied[i] for c in runs_found) / max(1, runs) for i in range(len(steps))
            ],
        )
        found.append(Robustness(leader, n, _curve(up, loops, ranked, steps), mean, runs_found))
    return found
