"""The weak-link analysis on 38 real supply-chain topologies (Willems 2008), checked and timed.

    python bench/check_willems.py --data ../shared/data/willems2008

Data: Sean P. Willems, "Data Set - Real-World Multi-Echelon Supply Chains Used for Inventory
Optimization", Manufacturing & Service Operations Management 10(1):19-23, 2008 (38 chains as
``NN_stages.csv`` / ``NN_links.csv``, arcs ``source`` -> ``destination``). The data are not part
of chainmap; this check runs only where a copy is at hand.

The stages are real shapes, not firms with shares or certificates: every link gets an equal split
and no stage holds a certificate. Each chain's demand ends (stages without a customer) are joined
to one added leader, so the whole chain is upstream of it. For each chain the check asserts:

- the exposure reaching the chain's sources (stages without a supplier) adds up to 1;
- chainmap's immediate dominators equal networkx's ``immediate_dominators`` on the reversed graph;
- losing one stage loses exactly its exposure (``lost_share``), for up to 25 stages;

and reports stages, arcs, single points of failure, the largest exposure and the analysis time.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path
from typing import Any

import networkx as nx

from chainmap.analysis import analyse_leader, components, dominance, exposure, load_weights
from chainmap.analysis.flow import lost_share
from chainmap.analysis.upstream import upstream
from chainmap.samples import REFERENCE_DATE

LEADER = "DEMAND"


def _graph(links: Path) -> nx.DiGraph:
    graph = nx.DiGraph(leaders=[LEADER])
    with links.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            graph.add_edge(row["source"], row["destination"], share=None, products=())
    ends = [v for v in graph if graph.out_degree(v) == 0]
    graph.add_edges_from((v, LEADER, {"share": None, "products": ()}) for v in ends)
    for v, attrs in graph.nodes(data=True):
        attrs.update(name=v, region_code="", industry_code="", certificates=[], segments=[])
    return graph


def check(links: Path) -> dict[str, Any]:
    graph = _graph(links)
    weights = load_weights()
    began = time.perf_counter()
    figures = analyse_leader(graph, LEADER, REFERENCE_DATE, weights)
    seconds = time.perf_counter() - began

    up = upstream(graph, LEADER)
    loops = components(up)
    flow = exposure(up, loops)
    sources = [i for i in range(len(up)) if not up.suppliers[i]]
    total = sum(flow[i] for i in sources)
    assert abs(total - 1.0) < 1e-9, f"{links.name}: exposure at the sources adds to {total}"
    dom = dominance(up)
    reference = nx.immediate_dominators(graph.reverse(copy=True), LEADER)
    for i in range(1, len(up)):
        expected = reference[up.firms[i]]
        assert up.firms[dom.idom[i]] == expected, f"{links.name}: idom of {up.firms[i]}"
    step = max(1, (len(up) - 1) // 25)
    for i in range(1, len(up), step):
        lost = lost_share(up, [i], loops)
        assert abs(lost - flow[i]) < 1e-9, f"{links.name}: losing {up.firms[i]}"
    return {
        "chain": links.name.split("_")[0],
        "stages": graph.number_of_nodes() - 1,
        "arcs": graph.number_of_edges() - len(graph.pred[LEADER]),
        "single_points_of_failure": sum(1 for f in figures if f.single_point_of_failure),
        "largest_exposure": round(max(f.exposure for f in figures), 4),
        "analysis_seconds": round(seconds, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/willems2008"))
    args = parser.parse_args()
    files = sorted(args.data.glob("*_links.csv"))
    if not files:
        sys.exit(f"no NN_links.csv files in {args.data}; pass --data FOLDER")
    rows = [check(f) for f in files]
    print(json.dumps(rows, indent=1))
    print(
        f"{len(rows)} chains checked: {sum(r['stages'] for r in rows):,} stages, "
        f"{sum(r['arcs'] for r in rows):,} arcs, analysis "
        f"{sum(r['analysis_seconds'] for r in rows):.2f} s in all",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
