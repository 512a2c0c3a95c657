"""The chain as a whole (产业链图谱): a box per segment, upstream to downstream, with its firms,
certification coverage and weak links, and the supply links between segments.

This is the default view of a chain. A segment's box shows its figures; pointing at it or
clicking it lists its weakest firms in the side panel; its firms drawn one by one are the
firm-level atlas of that segment (``chainmap atlas --chain ID --segment SEG``), and the whole
chain's firms the firm-level chain atlas (``--firms``).
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import networkx as nx

from chainmap.analysis import (
    FirmFigures,
    Weights,
    certification,
    chain_leaders,
    flow_order,
    is_weak,
)

from .atlas import Atlas, Node, Words, coverage_group, gc_paused, words
from .firms import counted_links, links_among, ring_width

__all__ = ["segment_atlas"]

#: label size of the boxes (canvas units); a box is BOX_WIDTH wide, columns PITCH apart, boxes
#: in a column ROW apart; a stage holding more than PER_COLUMN segments wraps into a second column
FONT = 16
BOX_WIDTH = 12 * FONT
PITCH = 16 * FONT
ROW = 8 * FONT
PER_COLUMN = 6
#: the weakest firms a segment's details list, and the firms its list shows when clicked
TOP = 8
LISTED = 100

_STAGES = ("upstream", "midstream", "downstream")
_FIELDS = [
    "f_segment",
    "f_stage",
    "f_firms",
    "f_certified",
    "f_coverage",
    "f_exposure_coverage",
    "f_weak",
    "f_leaders",
    "f_top",
    "f_open",
]


@dataclass(frozen=True, slots=True)
class _Segment:
    """What a segment's box shows."""

    segment_id: str
    name: str
    stage: str | None
    firms: int
    certified: int
    coverage: float | None
    exposure_coverage: float | None
    weak_links: int


def _figures(
    graph: nx.DiGraph, figures: Sequence[FirmFigures], as_of: date, weights: Weights
) -> tuple[
    list[_Segment],
    dict[str, list[str]],
    dict[str, tuple[str, ...]],
    dict[str, float],
    dict[str, str],
]:
    """The segments with firms, in the order goods flow, with their figures; each segment's
    firms; each firm's segments; each firm's highest score; each firm's certificate state. One
    pass over the firms (the
    per-segment analysis of :func:`chainmap.analysis.segment_view` also counts purchases, which
    takes seconds at 100,000 firms and is not drawn here). A firm's exposure is the mean of its
    exposure to each leader, as in ``segment_view``."""
    chain_ids = {c.chain_id for c in graph.graph.get("chains", [])}
    leaders = max(1, len(chain_leaders(graph)))
    exposure: dict[str, float] = defaultdict(float)
    best: dict[str, float] = {}
    for f in figures:
        if f.uscc in graph:
            exposure[f.uscc] += f.exposure / leaders
            if f.score > best.get(f.uscc, -1.0):
                best[f.uscc] = f.score
    days = weights.thresholds.expiring_days
    min_score = weights.thresholds.min_score
    members: dict[str, list[str]] = defaultdict(list)
    segment_of: dict[str, tuple[str, ...]] = {}
    protected: dict[str, bool] = {}
    states: dict[str, str] = {}
    for uscc, attrs in graph.nodes(data=True):
        mine = tuple(dict.fromkeys(s for c, s in attrs.get("segments", ()) if c in chain_ids))
        segment_of[uscc] = mine
        for segment_id in mine:
            members[segment_id].append(uscc)
        if mine:
            state = certification(attrs.get("certificates", ()), as_of, days).state
            protected[uscc] = state.protected
            states[uscc] = state.value
    found: list[_Segment] = []
    for seg in flow_order(graph, chain_ids):
        inside = members.get(seg.segment_id, [])
        if not inside:
            continue
        certified = sum(1 for u in inside if protected[u])
        total = sum(exposure.get(u, 0.0) for u in inside)
        covered = sum(exposure.get(u, 0.0) for u in inside if protected[u])
        found.append(
            _Segment(
                segment_id=seg.segment_id,
                name=seg.name,
                stage=seg.stage,
                firms=len(inside),
                certified=certified,
                coverage=certified / len(inside),
                exposure_coverage=covered / total if total > 0 else None,
                weak_links=sum(1 for u in inside if u in best and is_weak(best[u], min_score)),
            )
        )
    return found, members, segment_of, best, states


def _stage(w: Words, stage: str | None) -> str:
    return w(f"stage_{stage}" if stage in _STAGES else "stage_other")


@gc_paused()
def segment_atlas(
    graph: nx.DiGraph,
    figures: Sequence[FirmFigures],
    as_of: date,
    weights: Weights,
    *,
    lang: str = "zh",
    industry: str | None = None,
) -> Atlas:
    """The chain's segments as boxes in columns by stage (upstream, midstream, downstream), in
    the order goods flow within each, coloured by coverage, ringed when they hold weak links
    (the ring as wide as their highest score), linked by the supply links between their firms.

    ``figures`` are the chain's weak-link figures; ``industry`` keeps firms whose GB/T 4754
    code starts with it (and the leaders)."""
    w = words(lang)
    chain = graph.graph["chains"][0]
    leaders = chain_leaders(graph)
    if industry:
        kept = [
            u
            for u, a in graph.nodes(data=True)
            if u in leaders or a.get("industry_code", "").startswith(industry)
        ]
        graph = graph.subgraph(kept)
    firms = list(graph.nodes)
    min_score = weights.thresholds.min_score
    segments, members, segment_of, best, states = _figures(graph, figures, as_of, weights)
    lists: dict[str, tuple[str, list[list[str]]]] = {}
    chain_id = chain.chain_id

    columns: list[tuple[str, list[str]]] = []  # (header, segment ids) left to right
    for stage in (*_STAGES, None):
        ids = [s.segment_id for s in segments if (s.stage if s.stage in _STAGES else None) == stage]
        for start in range(0, len(ids), PER_COLUMN):
            columns.append(
                (_stage(w, stage) if start == 0 else "", ids[start : start + PER_COLUMN])
            )
    tallest = max((len(ids) for _, ids in columns), default=0)
    position: dict[str, tuple[float, float]] = {}
    nodes: list[Node] = []
    for i, (header, ids) in enumerate(columns):
        x = i * PITCH
        top = -(len(ids) - 1) * ROW / 2
        for j, segment_id in enumerate(ids):
            position[segment_id] = (x, top + j * ROW)
        if header:
            nodes.append(
                {
                    "id": f"header:{i}",
                    "label": header,
                    "x": x,
                    "y": -(tallest - 1) * ROW / 2 - ROW * 0.75,
                    "group": "header",
                    "font": {"size": round(FONT * 1.25)},
                    "k": "header",
                }
            )
    nodes_of = graph.nodes

    def name(uscc: str) -> str:
        return str(nodes_of[uscc].get("name", uscc))

    for s in segments:
        inside = members.get(s.segment_id, [])
        weak = [u for u in inside if u in best and is_weak(best[u], min_score)]
        weak.sort(key=lambda u: (-best[u], u))
        here = [name(u) for u in inside if u in leaders]
        lines = [
            s.name,
            w("box_firms", firms=s.firms, coverage=w.percent(s.coverage)),
            w("box_weak", weak=s.weak_links),
        ]
        if here:
            lines.append(w("box_leader"))
        at = position[s.segment_id]
        node: Node = {
            "id": f"segment:{s.segment_id}",
            "label": "\n".join(lines),
            "x": at[0],
            "y": at[1],
            "shape": "box",
            "group": coverage_group(s.coverage),
            "font": {"size": FONT, "color": "#102027", "multi": False},
            "widthConstraint": {"minimum": BOX_WIDTH, "maximum": BOX_WIDTH},
            "margin": 8,
            "k": "chainsegment",
            "d": [
                f"{s.name}（{s.segment_id}）",
                _stage(w, s.stage),
                f"{s.firms:,}",
                f"{s.certified:,}",
                w.percent(s.coverage),
                w.percent(s.exposure_coverage),
                f"{s.weak_links:,}",
                "、".join(here) or "—",
                "；".join(f"{name(u)}（{best[u]:.3f}）" for u in weak[:TOP]) or "—",
                w("open_segment", chain=chain_id, segment=s.segment_id),
            ],
        }
        node["full"] = s.name  # the heading of its details, not the whole label
        listed = heapq.nsmallest(LISTED, inside, key=lambda u: (-best.get(u, 0.0), u))
        lists[node["id"]] = (
            w("segment_firms", shown=len(listed), firms=len(inside)),
            [
                [
                    name(u),
                    w.state(states[u]),
                    f"{best[u]:.3f}" if u in best else "—",
                ]
                for u in listed
            ],
        )
        if weak:
            node["ring"] = ring_width(best[weak[0]])
        nodes.append(node)

    drawn = {s.segment_id for s in segments}
    pairs: Counter[tuple[str, str]] = Counter()
    for supplier, customers in graph.adj.items():  # the adjacency: an edge view costs more
        mine = segment_of[supplier]
        if not mine:
            continue
        for customer in customers:
            for b in segment_of[customer]:
                for a in mine:
                    if a != b:
                        pairs[(a, b)] += 1
    links: Counter[tuple[str, str]] = Counter(
        {
            (f"segment:{a}", f"segment:{b}"): n
            for (a, b), n in pairs.items()
            if a in drawn and b in drawn
        }
    )
    edges = counted_links(links)
    for edge in edges:
        edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.12}
    loose = sum(1 for u in firms if not segment_of[u])
    notes = [w("layout_segments"), w("weak_rule_segments", score=min_score)]
    notes.append(w("open_firms", chain=chain_id))
    if loose:
        notes.append(w("loose_firms", n=loose))
    if not segments:
        notes.insert(0, w("no_firms"))
    parts = [
        w("as_of", day=as_of.isoformat()),
        w("firms_links", firms=len(firms), links=links_among(graph, firms)),
        w("segments_count", n=len(segments)),
    ]
    if industry:
        parts.append(w("industry_filter", code=industry))
    return Atlas(
        kind="chain",
        lang=w.lang,
        title=w("chain_title", name=chain.name, id=chain_id),
        subtitle=" · ".join(parts),
        nodes=nodes,
        edges=edges,
        fields={
            "chainsegment": [w(k) for k in _FIELDS],
            "grouplink": [w("f_links")],
        },
        legend=[
            ("legend-head", w("colour_coverage")),
            *w.legend_coverage(),
            ("g-weak", w("weak_segment")),
        ],
        notes=notes,
        aggregated=True,
        lists=lists,
    )
