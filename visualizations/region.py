"""The region atlas: the chains present in a region, a node per (chain, segment) with its firm
count and certification coverage, the supply links between segments, and a region x segment
coverage table beside it."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date

import networkx as nx

from chainmap.analysis import Weights, certification, flow_order
from chainmap.rules.regions import prefecture_key, region_name

from .atlas import (
    Atlas,
    CoverageTable,
    Node,
    Words,
    coverage_group,
    gc_paused,
    short_name,
    words,
)
from .firms import LARGE, SMALL, counted_links, links_among

__all__ = ["region_atlas"]

_SEGMENT_FIELDS = ["f_chain", "f_segment", "f_firms", "f_certified", "f_coverage"]
#: A chain is a header over rows of up to _PER_ROW segments in flow order, so that some fifty
#: segments of a province's chains fit a screen with names at least 11 px high: labels of
#: _FONT canvas units, _STEP apart (a name of up to ten characters), rows _ROW
#: apart (a node and its label), and _HEADER_GAP from a chain's header to its first row.
_FONT = {"size": 22}
_PER_ROW = 7
_STEP, _ROW, _HEADER_GAP = 231.0, 90.0, 60.0


def _place(prefix: str, w: Words) -> str:
    """The region an atlas is of, by its own name with the code beside (苏州市（3205）); the code
    alone when the table does not know it (never the province in its place)."""
    name = region_name(prefix)
    if not name:
        return prefix
    return f"{name}（{prefix}）" if w.lang == "zh" else f"{name} ({prefix})"


def _sub_region(code: str, prefix: str) -> str:
    """The region one level below ``prefix`` a firm sits in: below a province its prefecture-level
    unit (a county-level city under the province counts as one), below a prefecture its county."""
    return prefecture_key(code) if len(prefix) <= 2 else code[:6]


@gc_paused()
def region_atlas(
    graph: nx.DiGraph,
    prefix: str,
    as_of: date,
    weights: Weights,
    *,
    lang: str = "zh",
    industry: str | None = None,
) -> Atlas:
    """The region's chains, segment by segment. ``graph`` is a region read
    (:meth:`chainmap.store.Store.region`): the firms located under ``prefix`` and their links."""
    w = words(lang)
    days = weights.thresholds.expiring_days
    firms = [
        u
        for u, a in graph.nodes(data=True)
        if industry is None or a.get("industry_code", "").startswith(industry)
    ]
    protected = {
        u: certification(graph.nodes[u].get("certificates", ()), as_of, days).state.protected
        for u in firms
    }
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for uscc in firms:
        for chain_segment in dict.fromkeys(graph.nodes[uscc].get("segments", ())):
            members[chain_segment].append(uscc)
    chains = sorted(
        (c for c in graph.graph.get("chains", []) if any(k[0] == c.chain_id for k in members)),
        key=lambda c: c.chain_id,
    )
    nodes: list[Node] = []
    heaviest = max((len(m) for m in members.values()), default=1)
    table_columns: list[tuple[str, str]] = []
    column_names: list[str] = []
    y = 0.0
    for chain in chains:
        order = [
            s
            for s in flow_order(graph, {chain.chain_id})
            if (chain.chain_id, s.segment_id) in members
        ]
        shown = min(len(order), _PER_ROW)
        nodes.append(
            {
                "id": f"header:{chain.chain_id}",
                "label": chain.name,
                "x": (shown - 1) * _STEP / 2,
                "y": y,
                "group": "header",
                "font": _FONT,
                "k": "header",
            }
        )
        y += _HEADER_GAP
        for i, segment in enumerate(order):
            key = (chain.chain_id, segment.segment_id)
            group = members[key]
            certified = sum(protected[u] for u in group)
            coverage = certified / len(group)
            table_columns.append(key)
            column_names.append(segment.name)
            row, column = divmod(i, _PER_ROW)
            nodes.append(
                {
                    "id": f"segment:{chain.chain_id}:{segment.segment_id}",
                    "label": short_name(segment.name),  # its firms on hover and in the table
                    "x": column * _STEP,
                    "y": y + row * _ROW,
                    "group": coverage_group(coverage),
                    "shape": "square",
                    "size": round(SMALL + (LARGE - SMALL) * math.sqrt(len(group) / heaviest), 1),
                    "font": _FONT,
                    "k": "segment",
                    "d": [
                        f"{chain.name}（{chain.chain_id}）",
                        segment.name,
                        str(len(group)),
                        str(certified),
                        w.percent(coverage),
                    ],
                }
            )
        y += math.ceil(len(order) / _PER_ROW) * _ROW
    segments_of: dict[str, list[tuple[str, str]]] = {
        u: list(dict.fromkeys(graph.nodes[u].get("segments", ()))) for u in firms
    }
    links: Counter[tuple[str, str]] = Counter()
    for s, c in graph.subgraph(firms).edges():
        for chain_id, a in segments_of[s]:
            for other, b in segments_of[c]:
                if chain_id == other and a != b:
                    links[(f"segment:{chain_id}:{a}", f"segment:{chain_id}:{b}")] += 1
    edges = counted_links(links)
    place = _place(prefix, w)
    subtitle = " · ".join(
        [
            w("as_of", day=as_of.isoformat()),
            w("firms_links", firms=len(firms), links=links_among(graph, firms)),
            *([w("industry_filter", code=industry)] if industry else []),
        ]
    )
    notes = [w("layout_region")]
    if not firms:
        notes.insert(0, w("no_firms"))
    return Atlas(
        kind="region",
        lang=w.lang,
        title=w("region_title", name=place),
        subtitle=subtitle,
        nodes=nodes,
        edges=edges,
        fields={
            "segment": [w(k) for k in _SEGMENT_FIELDS],
            "grouplink": [w("f_links")],
        },
        legend=[("legend-head", w("colour_coverage")), *w.legend_coverage()],
        notes=notes,
        table=_coverage_table(
            firms, graph, prefix, members, table_columns, column_names, protected, w
        ),
        aggregated=True,
    )


def _coverage_table(
    firms: list[str],
    graph: nx.DiGraph,
    prefix: str,
    members: dict[tuple[str, str], list[str]],
    keys: list[tuple[str, str]],
    names: list[str],
    protected: dict[str, bool],
    w: Words,
) -> CoverageTable:
    regions = sorted({_sub_region(graph.nodes[u].get("region_code", ""), prefix) for u in firms})
    counts: dict[tuple[str, tuple[str, str]], list[int]] = defaultdict(lambda: [0, 0])
    for key in keys:
        for uscc in members[key]:
            cell = counts[(_sub_region(graph.nodes[uscc].get("region_code", ""), prefix), key)]
            cell[0] += protected[uscc]
            cell[1] += 1
    rows: list[tuple[str, list[str]]] = []
    for region in regions:
        cells = []
        for key in keys:
            certified, total = counts.get((region, key), (0, 0))
            cells.append(f"{certified}/{total}（{100 * certified / total:.0f}%）" if total else "—")
        rows.append((w.region(region), cells))
    totals = []
    for key in keys:
        group = members[key]
        certified = sum(protected[u] for u in group)
        totals.append(f"{certified}/{len(group)}（{100 * certified / len(group):.0f}%）")
    rows.append((w("region_total"), totals))
    spans: list[tuple[str, int]] = []
    for chain_id, _ in keys:
        if spans and spans[-1][0] == chain_id:
            spans[-1] = (chain_id, spans[-1][1] + 1)
        else:
            spans.append((chain_id, 1))
    chain_names = {c.chain_id: c.name for c in graph.graph.get("chains", [])}
    return CoverageTable(
        caption=w("coverage_caption"),
        spans=[(chain_names.get(c, c), n) for c, n in spans],
        columns=names,
        rows=rows,
    )
