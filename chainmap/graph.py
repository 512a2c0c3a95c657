"""Store records -> networkx DiGraph: the only bridge between stores and analysis.

Nodes are firms keyed by USCC; edges run supplier -> customer. Several products between the same
two firms pool into one edge: ``products`` lists them, ``share`` adds their known shares (``None``
when no share is known) and ``annual_value`` adds their values.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from chainmap.records import CertificateRow, Subgraph

__all__ = ["to_digraph"]


def to_digraph(sub: Subgraph) -> nx.DiGraph:
    """Build the supply graph of a store read.

    Node attributes: ``name``, ``region_code``, ``industry_code``, ``size``, ``maturity``,
    ``flags``, ``segments`` (``(chain_id, segment_id)`` pairs), ``certificates`` (records, by
    number), ``leader`` (True for a chain leader) and ``tier`` for supplier-tier reads.
    Graph attributes: ``chains``, ``leaders`` (USCCs), ``segments`` and ``feeds``.

    Examples
    --------
    >>> from chainmap.records import EnterpriseRow, SupplyRow
    >>> firm = lambda u: EnterpriseRow(u, u, "320583", "C3670", None, None, None, None, None, None, "")
    >>> g = to_digraph(Subgraph(enterprises=[firm("A"), firm("B")],
    ...                         supply=[SupplyRow("A", "B", "电池", 0.5, None)]))
    >>> g.edges["A", "B"]["share"], g.edges["A", "B"]["products"]
    (0.5, ('电池',))
    """
    certificates: dict[str, list[CertificateRow]] = defaultdict(list)
    for cert in sub.certificates:
        certificates[cert.uscc].append(cert)
    segments: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for member in sub.members:
        segments[member.uscc].append((member.chain_id, member.segment_id))
    leaders = sorted({leader.uscc for leader in sub.leaders})
    leader_set = set(leaders)

    graph = nx.DiGraph(
        chains=list(sub.chains),
        leaders=leaders,
        segments=list(sub.segments),
        feeds=list(sub.feeds),
    )
    graph.add_nodes_from(
        (
            e.uscc,
            {
                "name": e.name,
                "region_code": e.region_code,
                "industry_code": e.industry_code,
                "size": e.size,
                "maturity": e.maturity,
                "flags": e.flags,
                "segments": segments.get(e.uscc, []),
                "certificates": certificates.get(e.uscc, []),
                "leader": e.uscc in leader_set,
                "tier": sub.tiers.get(e.uscc),
            },
        )
        for e in sub.enterprises
    )
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for link in sub.supply:
        edge = edges.get((link.supplier, link.customer))
        if edge is None:
            edges[(link.supplier, link.customer)] = {
                "products": (link.product,) if link.product else (),
                "share": link.share,
                "annual_value": link.annual_value,
            }
            continue
        if link.product:
            edge["products"] = (*edge["products"], link.product)
        if link.share is not None:
            edge["share"] = (edge["share"] or 0.0) + link.share
        if link.annual_value is not None:
            edge["annual_value"] = (edge["annual_value"] or 0.0) + link.annual_value
    graph.add_edges_from((s, c, attrs) for (s, c), attrs in edges.items())
    return graph
