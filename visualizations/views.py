"""The chain, leader and enterprise atlases, built from a graph and the analysis run on it.

Builders are pure: they take the graph a store read produced (:func:`chainmap.graph.to_digraph`)
and figures from :mod:`chainmap.analysis`, and return an :class:`Atlas`; nothing here opens a
store or writes a file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import networkx as nx

from chainmap.analysis import (
    FirmFigures,
    Weights,
    analyse_leader,
    certification,
    chain_leaders,
    flow_order,
    is_weak,
    normalised_shares,
)
from chainmap.analysis.certification import CertState
from chainmap.errors import NotFound

from .atlas import STATE_COLOURS, Atlas, Node, Words, gc_paused, short_name, words
from .firms import (
    FIRM_FIELDS,
    GROUP_FIELDS,
    GROUP_LINK_FIELDS,
    LINK_FIELDS,
    PLAIN_FIELDS,
    Facts,
    FirmColumns,
    links_among,
    place,
)
from .layout import FONT, ROW

__all__ = ["NODE_CAP", "chain_atlas", "enterprise_atlas", "leader_atlas"]

#: above this many firms an atlas shows groups instead of firms (unless told not to)
NODE_CAP = 2000


def _best(figures: Iterable[FirmFigures]) -> dict[str, FirmFigures]:
    """Each firm's highest-scoring figures over the leaders (higher exposure breaking ties)."""
    best: dict[str, FirmFigures] = {}
    for f in figures:
        seen = best.get(f.uscc)
        if seen is None or (f.score, f.exposure) > (seen.score, seen.exposure):
            best[f.uscc] = f
    return best


def _facts(
    graph: nx.DiGraph,
    firms: Iterable[str],
    figures: Sequence[FirmFigures],
    as_of: date,
    weights: Weights,
) -> dict[str, Facts]:
    """What each firm shows: the figures of its highest score (towards that leader), sized by
    its largest exposure towards any leader."""
    best = _best(figures)
    exposure: dict[str, float] = {}
    for f in figures:
        exposure[f.uscc] = max(exposure.get(f.uscc, 0.0), f.exposure)
    days = weights.thresholds.expiring_days
    facts: dict[str, Facts] = {}
    for uscc in firms:
        figure = best.get(uscc)
        facts[uscc] = Facts(
            certification=certification(graph.nodes[uscc].get("certificates", ()), as_of, days),
            figure=figure,
            weight=exposure.get(uscc, 0.0),
            weak=figure is not None and is_weak(figure.score, weights.thresholds.min_score),
        )
    return facts


def _keep(graph: nx.DiGraph, industry: str | None, always: Iterable[str]) -> list[str]:
    """The graph's firms in the industry (a GB/T 4754 code prefix), plus ``always``."""
    pinned = set(always)
    return [
        u
        for u, attrs in graph.nodes(data=True)
        if industry is None or u in pinned or attrs.get("industry_code", "").startswith(industry)
    ]


def _exposure_note(graph: nx.DiGraph, w: Words, several: bool) -> Callable[[FirmFigures], str]:
    def note(f: FirmFigures) -> str:
        text = w.percent(f.exposure)
        if several:
            text += w("to_leader", name=graph.nodes[f.leader].get("name", f.leader))
        return text

    return note


def _subtitle(w: Words, as_of: date, firms: int, links: int, industry: str | None) -> str:
    parts = [w("as_of", day=as_of.isoformat()), w("firms_links", firms=firms, links=links)]
    if industry:
        parts.append(w("industry_filter", code=industry))
    return " · ".join(parts)


def _legend(w: Words, aggregated: bool, analysed: bool) -> list[tuple[str, str]]:
    head = ("legend-head", w("colour_coverage" if aggregated else "colour_states"))
    legend = [head, *(w.legend_coverage() if aggregated else w.legend_states())]
    if analysed:
        legend.append(("g-leader", w("leader")))
        legend.append(("g-weak", w("weak")))
    return legend


def _fields(w: Words, **extra: Sequence[str]) -> dict[str, list[str]]:
    fields = {
        "firm": FIRM_FIELDS,
        "plainfirm": FIRM_FIELDS[:PLAIN_FIELDS],
        "group": GROUP_FIELDS,
        "link": LINK_FIELDS,
        "grouplink": GROUP_LINK_FIELDS,
        **extra,
    }
    return {kind: [w(key) for key in keys] for kind, keys in fields.items()}


@dataclass(frozen=True, slots=True)
class _Shown:
    """How an atlas is drawn, whatever its view: words, bodies' names, filters and the day."""

    w: Words
    as_of: date
    weights: Weights
    bodies: Mapping[str, str]
    industry: str | None
    cap: int | None


def _finish(
    shown: _Shown,
    kind: str,
    title: str,
    graph: nx.DiGraph,
    firms: Sequence[str],
    view: FirmColumns,
    notes: list[str],
    by: str,
    *,
    analysed: bool = True,
    extra_nodes: Sequence[Node] = (),
    extra_fields: Mapping[str, Sequence[str]] | None = None,
) -> Atlas:
    """Nodes and edges of the firms as ``view`` arranges them (grouped ``by`` above the cap),
    with the subtitle, notes, legend and detail fields every firm atlas has."""
    w, cap = shown.w, shown.cap
    nodes, edges, groups = place(graph, firms, view, w, shown.bodies, cap=cap)
    if groups is not None:
        notes.insert(0, w("aggregated", firms=len(firms), cap=cap, groups=groups, by=w(by)))
    if analysed:
        notes.append(w("weak_rule", score=shown.weights.thresholds.min_score))
    if not firms:
        notes.insert(0, w("no_firms"))
    nodes.extend(extra_nodes)
    return Atlas(
        kind=kind,
        lang=w.lang,
        title=title,
        subtitle=_subtitle(w, shown.as_of, len(firms), links_among(graph, firms), shown.industry),
        nodes=nodes,
        edges=edges,
        fields=_fields(w, **(extra_fields or {})),
        legend=_legend(w, groups is not None, analysed),
        notes=notes,
        aggregated=groups is not None,
    )


def _segment_names(graph: nx.DiGraph) -> dict[tuple[str, str], str]:
    return {(s.chain_id, s.segment_id): s.name for s in graph.graph.get("segments", [])}


@gc_paused()
def chain_atlas(
    graph: nx.DiGraph,
    figures: Sequence[FirmFigures],
    as_of: date,
    weights: Weights,
    *,
    lang: str = "zh",
    bodies: Mapping[str, str] | None = None,
    industry: str | None = None,
    cap: int | None = NODE_CAP,
    segment: str | None = None,
) -> Atlas:
    """A chain's firms, a column per segment in the order goods flow, leaders marked.

    ``figures`` are the chain's weak-link figures (:func:`chainmap.analysis.weak_links`);
    ``industry`` keeps firms whose industry code starts with it (and the leaders); ``cap`` is
    the number of firms above which segment x region groups are drawn (``None``: never);
    ``segment`` (a segment id) keeps that segment's firms only.
    """
    w = words(lang)
    chain = graph.graph["chains"][0]
    chain_ids = {c.chain_id for c in graph.graph.get("chains", [])}
    leaders = chain_leaders(graph)
    firms = _keep(graph, industry, leaders)
    title = w("chain_title", name=chain.name, id=chain.chain_id)
    if segment is not None:
        names = {s.segment_id: s.name for s in flow_order(graph, chain_ids)}
        if segment not in names:
            raise NotFound(f"segment {segment} not found in chain {chain.chain_id}")
        firms = [
            u
            for u in firms
            if any(s == segment for c, s in graph.nodes[u].get("segments", ()) if c in chain_ids)
        ]
        title = w("segment_title", chain=chain.name, name=names[segment], id=segment)
    segments = flow_order(graph, chain_ids)
    rank = {s.segment_id: i for i, s in enumerate(segments)}
    labels = [s.name for s in segments] + [w("no_segment")]
    column_of: dict[str, int] = {}
    for uscc in firms:
        mine = [rank[s] for c, s in graph.nodes[uscc].get("segments", ()) if c in chain_ids]
        column_of[uscc] = min(mine) if mine else len(segments)
    if not any(column == len(segments) for column in column_of.values()):
        labels.pop()
    view = FirmColumns(
        labels=labels,
        column_of=column_of,
        facts=_facts(graph, firms, figures, as_of, weights),
        pinned=frozenset(leaders),
        segment_names=_segment_names(graph),
        exposure_note=_exposure_note(graph, w, len(leaders) > 1),
    )
    shown = _Shown(w, as_of, weights, bodies or {}, industry, cap)
    return _finish(
        shown, "chain", title, graph, firms, view, [w("layout_chain")], "by_segment_region"
    )


@gc_paused()
def leader_atlas(
    graph: nx.DiGraph,
    leader: str,
    depth: int,
    as_of: date,
    weights: Weights,
    *,
    lang: str = "zh",
    bodies: Mapping[str, str] | None = None,
    industry: str | None = None,
    cap: int | None = NODE_CAP,
) -> Atlas:
    """A leader's supplier tiers (deepest on the left) and its direct customers.

    ``graph`` is a supplier-tier read (:meth:`chainmap.store.Store.supplier_tiers`), so each
    firm has a ``tier``: 1, 2, ... for suppliers, -1 for direct customers. Exposure and weak
    links are computed on this tree, with the leader's figures only.
    """
    if leader not in graph:
        raise NotFound(f"enterprise {leader} not found")
    w = words(lang)
    figures = analyse_leader(graph, leader, as_of, weights)
    firms = _keep(graph, industry, [leader])
    deepest = max([depth, *(graph.nodes[u].get("tier") or 0 for u in firms)])
    labels = [w("tier", n=n) for n in range(deepest, 0, -1)]
    labels += [short_name(graph.nodes[leader].get("name", leader)), w("customers")]
    column_of: dict[str, int] = {}
    for uscc in firms:
        tier = graph.nodes[uscc].get("tier")
        if uscc == leader:
            column_of[uscc] = deepest
        elif tier is not None and tier < 0:
            column_of[uscc] = deepest + 1
        else:
            column_of[uscc] = deepest - (tier or 1)
    view = FirmColumns(
        labels=labels,
        column_of=column_of,
        facts=_facts(graph, firms, figures, as_of, weights),
        pinned=frozenset([leader]),
        segment_names=_segment_names(graph),
        exposure_note=_exposure_note(graph, w, False),
    )
    name = graph.nodes[leader].get("name", leader)
    shown = _Shown(w, as_of, weights, bodies or {}, industry, cap)
    title = w("leader_title", name=f"{name}（{leader}）" if lang == "zh" else f"{name} ({leader})")
    notes = [w("layout_leader", depth=deepest)]
    return _finish(shown, "leader", title, graph, firms, view, notes, "by_tier_region")


_CERT_FIELDS = ["f_cert", "f_standard", "f_body", "f_status", "f_issued", "f_expires", "f_scope"]


@gc_paused()
def enterprise_atlas(
    graph: nx.DiGraph,
    uscc: str,
    as_of: date,
    weights: Weights,
    *,
    lang: str = "zh",
    bodies: Mapping[str, str] | None = None,
    industry: str | None = None,
    cap: int | None = NODE_CAP,
) -> Atlas:
    """One firm between its direct suppliers and direct customers, its certificates below it.

    ``graph`` is a one-tier read around the firm (:meth:`Store.supplier_tiers` with depth 1).
    A supplier's size is its share of the firm's purchases; a customer's, the firm's share of
    that customer's purchases (shares as the analysis normalises them).
    """
    if uscc not in graph:
        raise NotFound(f"enterprise {uscc} not found")
    w = words(lang)
    bodies = bodies or {}
    firms = _keep(graph, industry, [uscc])
    days = weights.thresholds.expiring_days
    weight: dict[str, float] = {}
    for customer in [uscc, *graph.successors(uscc)]:
        suppliers = list(graph.predecessors(customer))
        shares = normalised_shares([graph.edges[s, customer].get("share") for s in suppliers])
        for s, share in zip(suppliers, shares, strict=True):
            if customer == uscc:
                weight[s] = share
            elif s == uscc:
                weight[customer] = share
    column_of: dict[str, int] = {}
    for firm in firms:
        tier = graph.nodes[firm].get("tier")
        column_of[firm] = 1 if firm == uscc else (2 if tier is not None and tier < 0 else 0)
    facts = {
        firm: Facts(
            certification=certification(graph.nodes[firm].get("certificates", ()), as_of, days),
            figure=None,
            weight=weight.get(firm, 0.0),
            weak=False,
        )
        for firm in firms
    }
    name = graph.nodes[uscc].get("name", uscc)
    view = FirmColumns(
        labels=[w("suppliers"), short_name(name), w("customers")],
        column_of=column_of,
        facts=facts,
        pinned=frozenset([uscc]),
        segment_names=_segment_names(graph),
        exposure_note=lambda f: "—",
        analysed=False,
    )
    certificates = _certificate_nodes(graph, uscc, as_of, days, w, bodies)
    shown = _Shown(w, as_of, weights, bodies, industry, cap)
    title = w("enterprise_title", name=f"{name}（{uscc}）" if lang == "zh" else f"{name} ({uscc})")
    atlas = _finish(
        shown,
        "enterprise",
        title,
        graph,
        firms,
        view,
        [w("layout_enterprise")],
        "by_side_region",
        analysed=False,
        extra_nodes=certificates,
        extra_fields={"certificate": _CERT_FIELDS},
    )
    atlas.legend.append(("g-certificate", w("certificate")))
    focal = next(n for n in atlas.nodes if n["id"] == uscc)
    font = focal.get("font", {"size": FONT})
    for i, cert in enumerate(certificates):
        cert["x"] = focal["x"] + (i - (len(certificates) - 1) / 2) * 18 * font["size"]
        cert["y"] = focal["y"] + 3 * ROW
        cert["font"] = font
        atlas.edges.append({"from": uscc, "to": cert["id"], "dashes": True})
    return atlas


def _certificate_nodes(
    graph: nx.DiGraph, uscc: str, as_of: date, days: int, w: Words, bodies: Mapping[str, str]
) -> list[Node]:
    nodes: list[Node] = []
    for cert in sorted(graph.nodes[uscc].get("certificates", ()), key=lambda c: c.issued_on):
        state = certification([cert], as_of, days).state
        if state is CertState.NONE:  # issued after the as-of date
            continue
        nodes.append(
            {
                "id": f"certificate:{cert.cert_no}",
                "label": cert.cert_no,
                "shape": "box",
                "group": state.value,
                "color": {"background": STATE_COLOURS[state][0], "border": "#263238"},
                "k": "certificate",
                "d": [
                    cert.cert_no,
                    f"{cert.standard}-{cert.standard_version}"
                    if cert.standard_version
                    else cert.standard,
                    bodies.get(cert.body_id, cert.body_id),
                    w.state(state),
                    cert.issued_on.isoformat(),
                    cert.expires_on.isoformat(),
                    cert.scope or "—",
                ],
            }
        )
    return nodes
