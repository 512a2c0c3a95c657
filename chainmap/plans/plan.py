"""The one-chain-one-policy plan (一链一策) as data: every figure from the chain's graph, its weak-link
figures and the joint-certification batches. Rendering (Markdown, HTML) comes on top of this.

Sections: chain profile, certification status, weak links, problem list (问题清单), measures by
class (分类分级), joint-certification batches, targets and quarterly milestones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, NamedTuple

import networkx as nx

from chainmap.analysis import FirmFigures, SegmentFigures, Weights, certification, segment_view
from chainmap.analysis.weak_links import chain_leaders, is_weak
from chainmap.plans.joint import (
    Batch,
    Body,
    Candidate,
    candidates,
    coverage,
    effects,
    form_batches,
    plan_batches,
)
from chainmap.plans.measures import FirmMeasures, MeasureRules, firm_measures
from chainmap.plans.settings import Planning
from chainmap.rules.regions import prefecture_key, region_full_name

__all__ = [
    "ChainPlan",
    "Prefecture",
    "Problem",
    "Quarter",
    "batches_for",
    "build_plan",
    "plan_for",
    "quarters",
]

#: problem categories, in the order the plan lists them, and the reasons that make them
CATEGORIES: dict[str, tuple[str, ...]] = {
    "certification_gap": (
        "uncertified",
        "certificate_expired",
        "certificate_suspended",
        "certificate_withdrawn",
        "certificate_cancelled",
        "certificate_expiring",
        "surveillance_overdue",
    ),
    "single_point_of_failure": ("single_point_of_failure",),
    "single_sourcing": ("single_source",),
    "concentration": ("concentrated",),
    "low_maturity": ("low_maturity",),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """How many firms (level ``enterprise``) or segments (``segment``) have a problem."""

    category: str
    level: str
    count: int


def _ratio(sums: list[float]) -> float | None:
    return sums[1] / sums[0] if sums[0] > 0 else None


def _problems(
    graph: nx.DiGraph,
    best: dict[str, FirmFigures],
    segments: Sequence[SegmentFigures],
    chain_coverage: float | None,
    target: float,
) -> list[Problem]:
    """Each category at three levels: the firms that have it; the segments holding such a firm
    (for the certification gap: the segments whose coverage is under the target); and the chain
    (1 when any firm has it; for the certification gap, when coverage is under the target)."""
    found = []
    chains = {c.chain_id for c in graph.graph.get("chains", [])}
    for category, reasons in CATEGORIES.items():
        firms = [u for u, f in best.items() if set(f.reasons) & set(reasons)]
        if category == "certification_gap":
            segs = sum(1 for s in segments if s.coverage is not None and s.coverage < target)
            chain = int(chain_coverage is not None and chain_coverage < target)
        else:
            segs = len(
                {
                    segment
                    for u in firms
                    for c, segment in graph.nodes[u].get("segments", ())
                    if not chains or c in chains
                }
            )
            chain = int(bool(firms))
        found += [
            Problem(category, "chain", chain),
            Problem(category, "segment", segs),
            Problem(category, "enterprise", len(firms)),
        ]
    return found


class Prefecture(NamedTuple):
    """The chain's firms in one prefecture-level unit (:func:`~chainmap.rules.regions.prefecture_key`).

    A list in the plan's JSON, the name last so the earlier positions keep their meaning.
    """

    code: str  # 320500; 419001 济源市 is its own; 110000 and 500000 for the municipalities
    firms: int
    certified: int  # in force
    exposure_coverage: float | None  # None: no upstream firm there
    name: str | None  # the full name, 江苏省苏州市; None for a code the table lacks


@dataclass(frozen=True, slots=True)
class Quarter:
    """A quarter of the schedule: the batches audited in it and the coverage after it."""

    quarter: str
    batches: int
    firms: int
    coverage_after: float | None


@dataclass(slots=True)
class ChainPlan:
    chain_id: str
    name: str
    as_of: date
    leaders: list[tuple[str, str]]
    sizes: dict[str, int]
    regions: list[Prefecture]  # most firms first
    products: list[tuple[str, int]]  # what the leaders buy, with how many suppliers
    firms: int
    certified: int
    segments: list[SegmentFigures]
    expiring: list[tuple[str, str, str, date]]  # uscc, name, certificate, expiry
    weak_links: list[FirmFigures]
    problems: list[Problem]
    measures: list[FirmMeasures]
    batches: list[Batch]
    batch_effects: list[tuple[float | None, float | None]]
    coverage_now: float | None
    target: float
    target_date: date
    schedule: list[Quarter] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["weak_links"] = [f.as_dict() for f in self.weak_links]
        out["batches"] = [b.as_dict() for b in self.batches]
        return out


def quarters(start: date, end: date) -> list[str]:
    """The quarters from the one after ``start`` to the one holding ``end``: ``2027Q1`` ..."""
    year, q = start.year, (start.month - 1) // 3 + 1
    found: list[str] = []
    while True:
        q += 1
        if q == 5:
            year, q = year + 1, 1
        label = f"{year}Q{q}"
        if (year, q) > (end.year, (end.month - 1) // 3 + 1):
            return found
        found.append(label)


def _schedule(
    figures: Sequence[FirmFigures],
    batches: Sequence[tuple[tuple[str, str], tuple[Any, ...]]],
    bodies: Sequence[Body],
    labels: Sequence[str],
) -> list[Quarter]:
    """Batches into quarters: each quarter every body has its capacity again; what does not fit
    waits for the next quarter."""
    left = list(batches)
    certified: set[str] = set()
    found = []
    for label in labels:
        placed = plan_batches(left, bodies) if bodies and left else []
        now = [b for b in placed if b.body_id is not None]
        taken = {b.members for b in now}
        left = [b for b in left if b[1] not in taken]
        certified.update(c.uscc for b in now for c in b.members)
        after = coverage(figures, certified) if certified else None
        found.append(Quarter(label, len(now), sum(len(b.members) for b in now), after))
    return found


def build_plan(
    graph: nx.DiGraph,
    figures: Sequence[FirmFigures],
    as_of: date,
    weights: Weights,
    batches: Sequence[tuple[tuple[str, str], tuple[Any, ...]]],
    bodies: Sequence[Body],
    rules: MeasureRules,
    *,
    target: float,
    target_date: date,
    top: int = 10,
) -> ChainPlan:
    """The plan's data for the graph's chain as of ``as_of`` (see the module docstring)."""
    chain = graph.graph["chains"][0]
    nodes = graph.nodes
    expiring_days = weights.thresholds.expiring_days
    states = {
        u: certification(nodes[u].get("certificates", ()), as_of, expiring_days) for u in graph
    }
    sizes = Counter((nodes[u].get("size") or "unknown") for u in graph)
    prefecture = {u: prefecture_key(nodes[u].get("region_code", "")) for u in graph}
    regions: dict[str, list[int]] = {}
    for u in graph:
        counts = regions.setdefault(prefecture[u], [0, 0])
        counts[0] += 1
        counts[1] += states[u].state.protected
    # the chain's exposure of each firm: the mean over its leaders, as in the segment view
    leaders = chain_leaders(graph)
    share = 1 / max(1, len(leaders))
    exposure: dict[str, float] = {}
    for f in figures:
        exposure[f.uscc] = exposure.get(f.uscc, 0.0) + f.exposure * share
    region_exposure: dict[str, list[float]] = {}
    for u, e in exposure.items():
        sums = region_exposure.setdefault(prefecture[u], [0.0, 0.0])
        sums[0] += e
        sums[1] += e if states[u].state.protected else 0.0
    bought: Counter[str] = Counter()
    for leader in leaders:
        for _, link in graph.pred[leader].items():
            for product in link.get("products") or ():
                bought[product] += 1
    best: dict[str, FirmFigures] = {}
    for f in figures:
        if f.uscc not in best or f.score > best[f.uscc].score:
            best[f.uscc] = f
    ranked = sorted(best.values(), key=lambda f: (-f.score, f.uscc))
    weak = [f for f in ranked if is_weak(f.score, weights.thresholds.min_score)][:top]
    segments = segment_view(graph, figures, as_of, weights)
    now = coverage(figures)
    problems = _problems(graph, best, segments, now, target)
    expiring = sorted(
        (
            (u, nodes[u].get("name", ""), s.certificate.cert_no, s.certificate.expires_on)
            for u, s in states.items()
            if s.state.value == "expiring" and s.certificate is not None
        ),
        key=lambda row: (row[3], row[0]),
    )
    placed = plan_batches(batches, bodies)
    labels = quarters(as_of, target_date)
    return ChainPlan(
        chain_id=chain.chain_id,
        name=chain.name,
        as_of=as_of,
        leaders=[(u, nodes[u].get("name", "")) for u in leaders],
        sizes={k: sizes.get(k, 0) for k in ("micro", "small", "medium", "large", "unknown")},
        regions=sorted(
            (
                Prefecture(
                    p, c[0], c[1], _ratio(region_exposure.get(p, [0.0, 0.0])), region_full_name(p)
                )
                for p, c in regions.items()
            ),
            key=lambda r: (-r.firms, r.code),
        ),
        products=sorted(bought.items(), key=lambda p: (-p[1], p[0])),
        firms=graph.number_of_nodes(),
        certified=sum(1 for s in states.values() if s.state.protected),
        segments=segments,
        expiring=expiring,
        weak_links=weak,
        problems=problems,
        measures=firm_measures(figures, rules),
        batches=placed,
        batch_effects=effects(figures, placed),
        coverage_now=now,
        target=target,
        target_date=target_date,
        schedule=_schedule(figures, batches, bodies, labels),
    )


def batches_for(
    figures: Sequence[FirmFigures], planning: Planning
) -> list[tuple[tuple[str, str], tuple[Candidate, ...]]]:
    """The candidates of ``figures`` cut into batches as the planning settings say."""
    found = candidates(figures, planning.audit_days.by_size(), planning.audit_days.unknown)
    return form_batches(
        found,
        planning.batches.batch_size,
        planning.batches.same_division,
        planning.batches.prefecture_digits,
    )


def plan_for(
    graph: nx.DiGraph,
    figures: Sequence[FirmFigures],
    as_of: date,
    weights: Weights,
    planning: Planning,
    bodies: Sequence[Body],
    rules: MeasureRules,
) -> ChainPlan:
    """The plan with the candidates and batches the planning settings give."""
    return build_plan(
        graph,
        figures,
        as_of,
        weights,
        batches_for(figures, planning),
        bodies,
        rules,
        target=planning.targets.coverage,
        target_date=planning.targets.by,
        top=planning.targets.top_weak_links,
    )
