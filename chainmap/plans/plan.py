"""The one-chain-one-policy plan (一链一策) as data: every figure from the chain's graph, its weak-link
figures and the joint-certification schedule. Rendering (Markdown, HTML) comes on top of this.

Sections: the decision (the chain's figures against its targets, the problems that matter most,
what the plan asks of whom by when), chain profile, certification status, weak links, problem list
(问题清单, :mod:`chainmap.plans.problems`), measures by class (分类分级), joint-certification batches
quarter by quarter (:mod:`chainmap.plans.schedule`), targets and milestones, responsibilities.
Every figure of the decision keeps the firms it counts (``trace``) in the plan's JSON, and the
charts' data (``charts``) is kept for any renderer to draw.
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
from chainmap.plans.joint import Batch, Body, Candidate, candidates, coverage, effects, form_batches
from chainmap.plans.measures import FirmMeasures, MeasureRules, firm_measures
from chainmap.plans.problems import Problem, problem_list
from chainmap.plans.schedule import Quarter, quarter_end, quarters, schedule
from chainmap.plans.settings import Planning, load_planning
from chainmap.rules.regions import prefecture_key, region_full_name

__all__ = [
    "Ask",
    "ChainPlan",
    "Indicator",
    "Prefecture",
    "Problem",
    "Quarter",
    "batches_for",
    "build_plan",
    "headline",
    "plan_for",
    "quarters",
]


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
class Indicator:
    """One figure of the chain against its target: now, at the programme's end as the schedule
    has it, and the firms it counts (the trace)."""

    key: str  # coverage, certified, weak_links, single_points, expiring
    now: float
    target: float | None  # None: no target
    at_end: float
    lower_is_better: bool
    firms: tuple[str, ...]  # USCCs counted now
    left: tuple[str, ...]  # USCCs still counted at the end (for the counts)

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return (
            self.at_end <= self.target
            if self.lower_is_better
            else self.at_end >= self.target - 1e-9
        )

    @property
    def gap(self) -> float:
        """How far the end is from the target (0 when met)."""
        if self.target is None:
            return 0.0
        return max(
            0.0, self.at_end - self.target if self.lower_is_better else self.target - self.at_end
        )


@dataclass(frozen=True, slots=True)
class Ask:
    """What the plan asks of one owner: its problems, and for a body its batches."""

    kind: str  # leader, body or bureau
    key: str
    name: str
    problems: tuple[int, ...]  # positions in the problem list
    batches: int
    firms: int  # firms to audit (a body) or concerned (else)
    audit_days: float
    first: str | None  # first quarter of its audits
    last: str | None
    deadline: date  # the latest deadline of its problems; a body's: the end of its last audits
    first_deadline: date  # the earliest deadline of its problems (or audits)


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
    batches: list[Batch]  # in the order audited; those without a body wait beyond the programme
    batch_effects: list[tuple[float | None, float | None]]
    coverage_now: float | None
    target: float
    target_date: date
    schedule: list[Quarter] = field(default_factory=list)
    batch_quarters: list[str | None] = field(default_factory=list)
    ready_quarters: list[str | None] = field(default_factory=list)
    coverage_all: float | None = None  # every candidate certified
    segment_names: dict[str, str] = field(default_factory=dict)
    bodies: list[Body] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    asks: list[Ask] = field(default_factory=list)
    summary: int = 8  # problems on the first page
    levels: dict[str, float] = field(default_factory=dict)  # the level rule's thresholds
    headline: list[int] = field(default_factory=list)  # the problems on page one (positions)
    sizes_certified: dict[str, int] = field(default_factory=dict)

    @property
    def coverage_end(self) -> float | None:
        """The coverage after the schedule's last quarter (now, without a quarter)."""
        return self.schedule[-1].coverage_after if self.schedule else self.coverage_now

    def body_name(self, body_id: str | None) -> str | None:
        return next((b.name for b in self.bodies if b.body_id == body_id), body_id)

    def charts(self) -> dict[str, Any]:
        """The data of the plan's charts, for any renderer: bars of coverage (by count) by
        segment, by prefecture-level unit (the 15 with most firms) and by size class, and the
        schedule's cumulative coverage by quarter against the target."""
        sizes = [k for k, v in self.sizes.items() if v]
        return {
            "segments": [
                {"label": s.name, "firms": s.firms, "coverage": s.coverage} for s in self.segments
            ],
            "prefectures": [
                {
                    "label": r.name or r.code,
                    "code": r.code,
                    "firms": r.firms,
                    "coverage": r.certified / r.firms if r.firms else None,
                }
                for r in self.regions[:15]
            ],
            "sizes": [
                {
                    "label": k,
                    "firms": self.sizes[k],
                    "coverage": self.sizes_certified.get(k, 0) / self.sizes[k],
                }
                for k in sizes
            ],
            "schedule": {
                "start": self.coverage_now,
                "target": self.target,
                "quarters": [
                    {"label": q.quarter, "coverage": q.coverage_after, "certified": q.certified}
                    for q in self.schedule
                ],
            },
        }

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["weak_links"] = [f.as_dict() for f in self.weak_links]
        out["problems"] = [p.as_dict() for p in self.problems]
        out["batches"] = []
        for b, q, ready, (before, after) in zip(
            self.batches, self.batch_quarters, self.ready_quarters, self.batch_effects, strict=True
        ):
            row = b.as_dict()
            row.update(
                quarter=q,
                ready=ready,
                body_name=self.body_name(b.body_id) if b.body_id else None,
                coverage_before=before,
                coverage_after=after,
            )
            out["batches"].append(row)
        out["indicators"] = [
            {
                **asdict(i),
                "met": i.met,
                "gap": i.gap,
                "trace": {"now": list(i.firms), "at_end": list(i.left)},
            }
            for i in self.indicators
        ]
        for i in out["indicators"]:
            del i["firms"], i["left"]
        out["coverage_end"] = self.coverage_end
        out["charts"] = self.charts()
        return out


def _ratio(sums: list[float]) -> float | None:
    return sums[1] / sums[0] if sums[0] > 0 else None


def headline(problems: Sequence[Problem], most: int, least: int = 5) -> list[int]:
    """The problems page one shows, as positions in the list: in the list's order, those whose
    firms page one has not yet named, up to ``most``; when that gives fewer than ``least``, the
    next ones in order until it does."""
    named: set[str] = set()
    chosen: list[int] = []
    for i, p in enumerate(problems):
        firms = {u for u, _ in p.firms}
        if len(chosen) < most and not firms <= named:
            chosen.append(i)
            named |= firms
    for i in range(len(problems)):
        if len(chosen) >= min(least, most):
            break
        if i not in chosen:
            chosen.append(i)
    return sorted(chosen)


def _asks(
    problems: Sequence[Problem],
    placed: Sequence[Batch],
    batch_quarters: Sequence[str | None],
    body_names: dict[str, str],
    target_date: date,
) -> list[Ask]:
    """What each owner is asked: leaders first, then bodies, then bureaus."""
    owned: dict[tuple[str, str], list[int]] = {}
    names: dict[tuple[str, str], str] = {}
    for i, p in enumerate(problems):
        for o in p.owners:
            owned.setdefault((o.kind, o.key), []).append(i)
            names[(o.kind, o.key)] = o.name
    audits: dict[str, list[tuple[Batch, str]]] = {}
    for b, q in zip(placed, batch_quarters, strict=True):
        if b.body_id is not None and q is not None:
            audits.setdefault(b.body_id, []).append((b, q))
    for body_id in audits:
        names.setdefault(("body", body_id), body_names.get(body_id, body_id))
        owned.setdefault(("body", body_id), [])
    order = {"leader": 0, "body": 1, "bureau": 2}
    found = []
    for kind, key in sorted(owned, key=lambda k: (order[k[0]], k[1])):
        mine = owned[(kind, key)]
        done = audits.get(key, []) if kind == "body" else []
        labels = sorted(q for _, q in done)
        deadlines = [problems[i].deadline for i in mine]
        if labels:
            deadlines = [quarter_end(labels[0]), quarter_end(labels[-1])]
        firms = (
            sum(len(b.members) for b, _ in done)
            if kind == "body"
            else len({u for i in mine for u, _ in problems[i].firms})
        )
        found.append(
            Ask(
                kind=kind,
                key=key,
                name=names[(kind, key)],
                problems=tuple(mine),
                batches=len(done),
                firms=firms,
                audit_days=sum(b.audit_days for b, _ in done),
                first=labels[0] if labels else None,
                last=labels[-1] if labels else None,
                deadline=max(deadlines, default=target_date),
                first_deadline=min(deadlines, default=target_date),
            )
        )
    return found


def build_plan(
    graph: nx.DiGraph,
    figures: Sequence[FirmFigures],
    as_of: date,
    weights: Weights,
    batches: Sequence[tuple[tuple[str, str], tuple[Candidate, ...]]],
    bodies: Sequence[Body],
    rules: MeasureRules,
    *,
    target: float,
    target_date: date,
    top: int = 10,
    planning: Planning | None = None,
) -> ChainPlan:
    """The plan's data for the graph's chain as of ``as_of`` (see the module docstring);
    ``planning`` gives readiness, the other targets and the problem levels (the defaults of
    planning.toml without it)."""
    settings = planning or load_planning()
    chain = graph.graph["chains"][0]
    nodes = graph.nodes
    expiring_days = weights.thresholds.expiring_days
    states = {
        u: certification(nodes[u].get("certificates", ()), as_of, expiring_days) for u in graph
    }
    sizes = Counter((nodes[u].get("size") or "unknown") for u in graph)
    sizes_certified = Counter(
        (nodes[u].get("size") or "unknown") for u in graph if states[u].state.protected
    )
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
    min_score = weights.thresholds.min_score
    weak = [f for f in ranked if is_weak(f.score, min_score)][:top]
    segments = segment_view(graph, figures, as_of, weights)
    segment_names = {
        s.segment_id: s.name
        for s in graph.graph.get("segments", [])
        if s.chain_id == chain.chain_id
    }
    now = coverage(figures)
    expiring = sorted(
        (
            (u, nodes[u].get("name", ""), s.certificate.cert_no, s.certificate.expires_on)
            for u, s in states.items()
            if s.state.value == "expiring" and s.certificate is not None
        ),
        key=lambda row: (row[3], row[0]),
    )
    labels = quarters(as_of, target_date)
    planned = schedule(figures, batches, bodies, labels, settings.readiness.wait)
    quarter_of = planned.quarter_of()
    body_of = {
        c.uscc: b.body_id for b in planned.batches if b.body_id is not None for c in b.members
    }
    body_names = {b.body_id: b.name for b in bodies}
    leader_names = {u: nodes[u].get("name", "") or u for u in leaders}
    levels = settings.problems
    problems = problem_list(
        figures,
        settings.problem_categories(),
        exposure,
        segment_names,
        leader_names,
        body_names,
        quarter_of,
        body_of,
        labels,
        target_date,
        level1_exposure=levels.level1_exposure,
        level2_exposure=levels.level2_exposure,
        level1_quarters=levels.level1_quarters,
        level2_quarters=levels.level2_quarters,
    )
    end = planned.quarters[-1].coverage_after if planned.quarters else now
    certified_now = tuple(sorted(u for u in exposure if best[u].certification == "valid"))
    weak_now = tuple(
        sorted(
            u for u, f in best.items() if is_weak(f.score, min_score) and f.certification != "valid"
        )
    )
    spof_now = tuple(
        sorted(
            {f.uscc for f in figures if f.single_point_of_failure and f.certification != "valid"}
        )
    )
    # certificates of upstream firms expiring within the warning period: renewed when the
    # schedule re-audits the firm within the programme
    upstream_expiring = tuple(row[0] for row in expiring if row[0] in best)
    targets = settings.targets
    indicators = [
        Indicator(
            "coverage",
            now or 0.0,
            target,
            end or 0.0,
            False,
            certified_now,
            tuple(sorted(set(certified_now) | set(quarter_of))),
        ),
        Indicator(
            "weak_links",
            len(weak_now),
            targets.weak_links,
            sum(1 for u in weak_now if u not in quarter_of),
            True,
            weak_now,
            tuple(u for u in weak_now if u not in quarter_of),
        ),
        Indicator(
            "single_points",
            len(spof_now),
            targets.single_points,
            sum(1 for u in spof_now if u not in quarter_of),
            True,
            spof_now,
            tuple(u for u in spof_now if u not in quarter_of),
        ),
        Indicator(
            "expiring",
            len(upstream_expiring),
            targets.expiring,
            sum(1 for u in upstream_expiring if u not in quarter_of),
            True,
            upstream_expiring,
            tuple(u for u in upstream_expiring if u not in quarter_of),
        ),
    ]
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
        batches=planned.batches,
        batch_effects=effects(figures, planned.batches),
        coverage_now=now,
        target=target,
        target_date=target_date,
        schedule=planned.quarters,
        batch_quarters=planned.batch_quarters,
        ready_quarters=planned.ready_quarters,
        coverage_all=planned.coverage_all,
        segment_names=segment_names,
        bodies=list(bodies),
        indicators=indicators,
        asks=_asks(problems, planned.batches, planned.batch_quarters, body_names, target_date),
        summary=levels.summary,
        headline=headline(problems, levels.summary),
        levels={k: float(v) for k, v in levels.model_dump().items() if k != "summary"},
        sizes_certified={k: sizes_certified.get(k, 0) for k in sizes},
    )


def batches_for(
    figures: Sequence[FirmFigures], planning: Planning
) -> list[tuple[tuple[str, str], tuple[Candidate, ...]]]:
    """The candidates of ``figures`` cut into batches as the planning settings say."""
    found = candidates(figures, planning.audit_days.by_size(), planning.audit_days.unknown)
    # firms ready in the same quarter are batched together, so that no firm waits for another
    waves: dict[int, list[Candidate]] = {}
    for c in found:
        waves.setdefault(planning.readiness.wait(c.maturity), []).append(c)
    return [
        batch
        for wait in sorted(waves)
        for batch in form_batches(
            waves[wait],
            planning.batches.batch_size,
            planning.batches.same_division,
            planning.batches.prefecture_digits,
        )
    ]


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
        planning=planning,
    )
