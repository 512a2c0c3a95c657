"""The chain as a whole (产业链图谱): a box per segment, upstream to downstream, with its firms,
certification coverage and weak links, and the supply links between segments.

This is the default view of a chain. A segment's box shows its figures; pointing at it or
clicking it lists its weakest firms in the side panel; its firms drawn one by one are the
firm-level atlas of that segment (``chainmap atlas --chain ID --segment SEG``), and the whole
chain's firms the firm-level chain atlas (``--firms``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

import networkx as nx

from chainmap.analysis import FirmFigures, Weights, chain_leaders, is_weak, segment_view

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
#: the weakest firms a segment's details list
TOP = 8

_STAGES = ("upstream", "midstream", "downstream")
_FIELDS = [
    "f_segment",
    "f_stage",
    "f_firms",
    "f_certified",
    "f_coverage",
    "f_exposure_coverage",
    "f_weak",
    "f_single_sourced",
    "f_leaders",
    "f_top",
    "f_open",
]


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
    best: dict[str, float] = {}
    for f in figures:
        if f.uscc in graph and f.score > best.get(f.uscc, -1.0):
            best[f.uscc] = f.score
    segments = [s for s in segment_view(graph, figures, as_of, weights) if s.firms]
    chain_id = chain.chain_id
    members: dict[str, list[str]] = defaultdict(list)
    for uscc, attrs in graph.nodes(data=True):
        for c, s in dict.fromkeys(attrs.get("segments", ())):
            if c == chain_id:
                members[s].append(uscc)

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
    names = {u: graph.nodes[u].get("name", u) for u in firms}
    for s in segments:
        inside = members.get(s.segment_id, [])
        weak = [u for u in inside if u in best and is_weak(best[u], min_score)]
        weak.sort(key=lambda u: (-best[u], u))
        here = [names[u] for u in inside if u in leaders]
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
                f"{s.single_sourced:,} / {s.purchases:,}",
                "、".join(here) or "—",
                "；".join(f"{names[u]}（{best[u]:.3f}）" for u in weak[:TOP]) or "—",
                w("open_segment", chain=chain_id, segment=s.segment_id),
            ],
        }
        node["full"] = s.name  # the heading of its details, not the whole label
        if weak:
            node["ring"] = ring_width(best[weak[0]])
        nodes.append(node)

    segment_of: dict[str, list[str]] = {
        u: [s for c, s in dict.fromkeys(graph.nodes[u].get("segments", ())) if c == chain_id]
        for u in firms
    }
    drawn = {s.segment_id for s in segments}
    links: Counter[tuple[str, str]] = Counter()
    for supplier, customer in graph.edges():
        for a in segment_of[supplier]:
            for b in segment_of[customer]:
                if a != b and a in drawn and b in drawn:
                    links[(f"segment:{a}", f"segment:{b}")] += 1
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
    )
