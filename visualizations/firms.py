"""Firm atlases laid out as columns: a node per firm, or segment x region groups above the cap.

The chain, leader and enterprise atlases differ only in how firms fall into columns and what
sizes them; this module turns that into nodes and edges, one firm or one group at a time.
Node and edge dicts are built directly (pyvis's ``add_node`` checks every earlier node, which
makes a 20,000-firm atlas take tens of seconds).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from chainmap.analysis.certification import Certification
from chainmap.analysis.weak_links import FirmFigures
from chainmap.rules.regions import prefecture_key

from .atlas import (
    LEADER_COLOUR,
    Edge,
    Node,
    Words,
    coverage_group,
    short_name,
)
from .layout import FONT, GAP, ROW, ColumnLayout, columns

__all__ = [
    "FIRM_FIELDS",
    "GROUP_FIELDS",
    "LINK_FIELDS",
    "Facts",
    "FirmColumns",
    "counted_links",
    "links_among",
    "place",
    "ring_width",
]

FIRM_FIELDS = [
    "f_name",
    "f_uscc",
    "f_region",
    "f_industry",
    "f_size",
    "f_segment",
    "f_cert",
    "f_body",
    "f_status",
    "f_expires",
    "f_exposure",
    "f_score",
    "f_reasons",
]
#: the fields of a firm without figures: all but exposure, score and reasons
PLAIN_FIELDS = len(FIRM_FIELDS) - 3
GROUP_FIELDS = [
    "f_segment",
    "f_region",
    "f_firms",
    "f_certified",
    "f_coverage",
    "f_weak",
    "f_exposure",
    "f_top",
]
LINK_FIELDS = ["f_products", "f_share", "f_value"]
GROUP_LINK_FIELDS = ["f_links"]

#: the narrowest drawing an atlas is fitted to (a 1280 px window beside the side panel)
NARROW = 900
#: node sizes: a firm of no weight, a firm of full weight, a pinned firm (leader, focal firm)
SMALL, LARGE, PINNED = 7.0, 24.0, 26.0
#: width of a weak link's ring at a score of 0 and of 1
RING_MIN, RING_MAX = 2.0, 8.0


@dataclass(frozen=True, slots=True)
class Facts:
    """What an atlas shows of one firm: its certification, its figures and how big to draw it."""

    certification: Certification
    figure: FirmFigures | None  # its highest-scoring figures, when it was analysed
    weight: float  # in [0, 1]: sizes the node (exposure, or a share of purchases)
    weak: bool


@dataclass(frozen=True, slots=True)
class FirmColumns:
    """How a view arranges firms: column labels in order, each firm's column and its facts."""

    labels: list[str]
    column_of: dict[str, int]
    facts: dict[str, Facts]
    pinned: frozenset[str]  # drawn as themselves even when the rest is grouped
    segment_names: dict[tuple[str, str], str]  # (chain id, segment id) -> name, for details
    exposure_note: Callable[[FirmFigures], str]  # "62.5% (to leader X)"
    analysed: bool = True  # False: no exposure, score or reasons to show (kind "plainfirm")


def links_among(graph: nx.DiGraph, firms: Sequence[str]) -> int:
    """Supply links between the given firms (a subgraph view would cost a lookup per edge)."""
    if len(firms) == graph.number_of_nodes():
        return int(graph.number_of_edges())
    shown = set(firms)
    succ = graph._succ
    return sum(1 for s in shown for c in succ[s] if c in shown)


def _size(weight: float) -> float:
    return SMALL + (LARGE - SMALL) * math.sqrt(max(0.0, min(1.0, weight)))


def _firm_node(
    graph: nx.DiGraph,
    uscc: str,
    view: FirmColumns,
    w: Words,
    bodies: Mapping[str, str],
    xy: tuple[float, float],
) -> Node:
    attrs = graph.nodes[uscc]
    facts = view.facts[uscc]
    cert = facts.certification
    figure = facts.figure
    number, body, expires = w.certificate_fields(cert.certificate, bodies)
    segments = [view.segment_names.get(pair, pair[1]) for pair in attrs.get("segments", ())]
    name = attrs.get("name", "") or uscc
    label = short_name(name)
    node: Node = {
        "id": uscc,
        "label": label,
        "x": xy[0],
        "y": xy[1],
        "group": cert.state.value,
        "size": PINNED if uscc in view.pinned else round(_size(facts.weight), 1),
        "k": "firm",
        "d": [
            attrs.get("name", ""),
            uscc,
            w.region(attrs.get("region_code", "")),
            attrs.get("industry_code", ""),
            w.size(attrs.get("size")),
            "、".join(dict.fromkeys(segments)) or "—",
            number,
            body,
            w.state(cert.state),
            expires,
            view.exposure_note(figure) if figure else "—",
            f"{figure.score:.3f}" if figure else "—",
            (figure.explanation_zh if w.lang == "zh" else figure.explanation_en)
            if figure and figure.reasons
            else "—",
        ],
    }
    if label != name:
        node["full"] = name  # shown on hover, and found by the search box
    if not view.analysed:
        node["k"], node["d"] = "plainfirm", node["d"][:PLAIN_FIELDS]
    if uscc in view.pinned and attrs.get("leader"):
        node["shape"] = "star"
        node["color"] = {"background": LEADER_COLOUR[0], "border": LEADER_COLOUR[1]}
    if facts.weak and figure is not None:
        node["ring"] = ring_width(figure.score)
    return node


def ring_width(score: float) -> float:
    """Width of the ring a weak link wears: 2 at a score of 0, 8 at 1 or more. The ring sits
    outside the node, so its fill and border keep the certification state's colours."""
    return round(RING_MIN + (RING_MAX - RING_MIN) * max(0.0, min(1.0, score)), 1)


def _link(supplier: str, customer: str, data: Mapping[str, Any]) -> Edge:
    """A supply link; its details stay raw (products, share, annual value) until the page
    formats them, which it skips when it strokes the links itself."""
    share = data.get("share")
    if share is None:
        return {
            "from": supplier,
            "to": customer,
            "dashes": True,
            "k": "link",
            "d": (data.get("products"), None, data.get("annual_value")),
        }
    return {
        "from": supplier,
        "to": customer,
        "width": round(0.6 + 5 * min(1.0, share), 2),
        "k": "link",
        "d": (data.get("products"), share, data.get("annual_value")),
    }


def _order(view: FirmColumns) -> Callable[[str], tuple[int, float, float, str]]:
    def key(uscc: str) -> tuple[int, float, float, str]:
        facts = view.facts[uscc]
        score = facts.figure.score if facts.figure else 0.0
        return (uscc not in view.pinned, -score, -facts.weight, uscc)

    return key


def header_size(span: float) -> int:
    """Font size of column headers on an atlas ``span`` wide (about 1/60 of it, at least 22)."""
    return max(22, round(span / 60))


def _headers(labels: Sequence[str], laid: ColumnLayout) -> list[Node]:
    """A header over each column, as large as the atlas is wide but no wider than its column
    (a Chinese character is about as wide as the font is large)."""
    headers: list[Node] = []
    size = header_size(laid.span)
    # at least 12 px on a drawing some 900 px wide fitted to the whole atlas
    readable = max(14, math.ceil(12.5 * (laid.span + laid.sub) / NARROW))
    top = min((column.top for column in laid.columns), default=0.0)
    for i, (label, column) in enumerate(zip(labels, laid.columns, strict=True)):
        room = (column.width + laid.sub + GAP * 0.8) / max(1, len(label))
        fitted = max(readable, min(size, round(room)))
        headers.append(
            {
                "id": f"header:{i}",
                "label": label,
                "x": column.x,
                "y": top - ROW - 1.5 * fitted,
                "group": "header",
                "font": {"size": fitted},
                "k": "header",
            }
        )
    return headers


def place(
    graph: nx.DiGraph,
    firms: Sequence[str],
    view: FirmColumns,
    w: Words,
    bodies: Mapping[str, str],
    *,
    cap: int | None,
) -> tuple[list[Node], list[Edge], int | None]:
    """Nodes and edges of ``firms`` arranged by ``view``; above ``cap`` firms, groups of
    (column, region) instead, with the number of groups returned (``None`` when not grouped).
    A sparse atlas's firms carry a larger font (``font``), readable when fitted to a screen."""
    if cap is not None and len(firms) > cap:
        return _grouped(graph, firms, view, w, cap)
    by_column: list[list[str]] = [[] for _ in view.labels]
    for uscc in firms:
        by_column[view.column_of[uscc]].append(uscc)
    key = _order(view)
    for members in by_column:
        members.sort(key=key)
    kept = [i for i, members in enumerate(by_column) if members]  # no empty column is drawn
    laid = columns([by_column[i] for i in kept])
    nodes = [_firm_node(graph, u, view, w, bodies, laid.positions[u]) for u in firms]
    if laid.font != FONT:
        font = {"size": laid.font}
        for node in nodes:
            node["font"] = font
    nodes.extend(_headers([view.labels[i] for i in kept], laid))
    shown = set(firms)
    succ = graph._succ  # the adjacency itself: an edge view costs a lookup per edge
    edges = [_link(s, c, data) for s in firms for c, data in succ[s].items() if c in shown]
    return nodes, edges, None


def _region_key(code: str, digits: int) -> str:
    """A firm's group region: its prefecture-level unit (digits 4) or its province (2)."""
    if not code:
        return "?"
    return prefecture_key(code) if digits == 4 else code[:2]


def _grouped(
    graph: nx.DiGraph, firms: Sequence[str], view: FirmColumns, w: Words, cap: int
) -> tuple[list[Node], list[Edge], int]:
    """Firms as (column, region) groups: prefectures, or provinces when prefectures give more
    groups than the cap. Pinned firms stay single nodes."""
    loose = [u for u in firms if u not in view.pinned]
    codes = {u: graph.nodes[u].get("region_code", "") for u in loose}
    digits = 4
    if len({(view.column_of[u], _region_key(codes[u], 4)) for u in loose}) > cap:
        digits = 2
    members: dict[tuple[int, str], list[str]] = defaultdict(list)
    group_of: dict[str, str] = {}
    for uscc in loose:
        key = (view.column_of[uscc], _region_key(codes[uscc], digits))
        members[key].append(uscc)
    group_ids: dict[tuple[int, str], str] = {}
    for column, region in members:
        gid = f"group:{column}:{region}"
        group_ids[(column, region)] = gid
        for uscc in members[(column, region)]:
            group_of[uscc] = gid
    for uscc in firms:
        if uscc in view.pinned:
            group_of[uscc] = uscc
    exposure = {key: sum(view.facts[u].weight for u in m) for key, m in members.items()}
    heaviest = max(exposure.values(), default=0.0) or 1.0

    by_column: list[list[tuple[int, str] | str]] = [[] for _ in view.labels]
    for uscc in firms:
        if uscc in view.pinned:
            by_column[view.column_of[uscc]].append(uscc)
    for key in sorted(members, key=lambda k: (-exposure[k], k)):
        by_column[key[0]].append(key)
    kept = [i for i, column in enumerate(by_column) if column]
    laid = columns([by_column[i] for i in kept])
    nodes: list[Node] = []
    for uscc in firms:
        if uscc in view.pinned:
            nodes.append(_firm_node(graph, uscc, view, w, {}, laid.positions[uscc]))
    for key, group in members.items():
        facts = [view.facts[u] for u in group]
        certified = sum(1 for f in facts if f.certification.state.protected)
        weak = [u for u in group if view.facts[u].weak]
        top = sorted(
            (u for u in group if view.facts[u].figure is not None),
            key=lambda u: -view.facts[u].figure.score,  # type: ignore[union-attr]
        )[:3]
        coverage = certified / len(group)
        x, y = laid.positions[key]
        node: Node = {
            "id": group_ids[key],
            # the column's header names the segment or tier: the label is the place and count
            "label": f"{w.region_short(key[1])}（{len(group)}）",
            "x": round(x, 1),
            "y": round(y, 1),
            "group": coverage_group(coverage),
            "shape": "square",
            "size": round(_size(exposure[key] / heaviest), 1),
            "k": "group",
            "d": [
                view.labels[key[0]],
                w.region(key[1]),
                str(len(group)),
                str(certified),
                w.percent(coverage),
                str(len(weak)),
                f"{exposure[key]:.3f}",
                "；".join(graph.nodes[u].get("name", "") for u in top) or "—",
            ],
        }
        if weak:
            scores = [view.facts[u].figure for u in weak]
            node["ring"] = ring_width(max(f.score for f in scores if f is not None))
        nodes.append(node)
    nodes.extend(_headers([view.labels[i] for i in kept], laid))
    links: Counter[tuple[str, str]] = Counter()
    for s, c in graph.edges():
        gs, gc = group_of.get(s), group_of.get(c)
        if gs is not None and gc is not None and gs != gc:
            links[(gs, gc)] += 1
    return nodes, counted_links(links), len(members)


def counted_links(links: Counter[tuple[str, str]]) -> list[Edge]:
    """Links between groups, as wide as the log of the supply links they stand for."""
    return [
        {
            "from": s,
            "to": c,
            "width": round(0.6 + math.log1p(n), 2),
            "k": "grouplink",
            "d": [str(n)],
        }
        for (s, c), n in sorted(links.items())
    ]
