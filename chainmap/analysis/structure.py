"""Where the shape of the supply graph makes a leader depend on one firm.

- Dominators (Cooper, Harvey and Kennedy 2001, "A Simple, Fast Dominance Algorithm"): firm v
  dominates firm w when every supply path from w to the leader passes through v. The firms v
  dominates are its descendants in the dominator tree; v is a single point of failure when it
  dominates at least one firm.
- Single sourcing: a customer that buys a product from one supplier only.
- Concentration: the Herfindahl-Hirschman index of a customer's purchase shares, 0 to 10,000.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from chainmap.analysis.upstream import Upstream

__all__ = ["Dominance", "dominance", "hhi", "single_sourced"]


@dataclass(frozen=True, slots=True)
class Dominance:
    """``idom[v]``: v's immediate dominator (the leader's is itself); ``dominated[v]``: how many
    firms v dominates; ``from_dominated[v]``: the fraction of v's purchases that comes from
    suppliers it dominates (all of whose supplies reach the leader through v)."""

    idom: tuple[int, ...]
    dominated: tuple[int, ...]
    from_dominated: tuple[float, ...]


def dominance(up: Upstream) -> Dominance:
    """Immediate dominators of every firm of ``up`` towards its leader, and their subtree sizes.

    The iterative algorithm of Cooper, Harvey and Kennedy over the reversed supply graph (from
    the leader to its suppliers), on firms numbered in reverse postorder.
    """
    n = len(up)
    # reverse postorder of a depth-first walk from the leader over supplier links
    post: list[int] = []
    seen = [False] * n
    seen[0] = True
    work = [(0, 0)]
    while work:
        v, i = work[-1]
        links = up.suppliers[v]
        if i < len(links):
            work[-1] = (v, i + 1)
            u = links[i][0]
            if not seen[u]:
                seen[u] = True
                work.append((u, 0))
            continue
        work.pop()
        post.append(v)
    order = post[::-1]
    rank = [0] * n
    for r, v in enumerate(order):
        rank[v] = r
    idom = [-1] * n
    idom[0] = 0
    changed = True
    while changed:
        changed = False
        for v in order[1:]:
            new = -1
            for c in up.customers[v]:  # predecessors in the reversed graph
                if idom[c] == -1:
                    continue
                if new == -1:
                    new = c
                    continue
                a, b = c, new
                while a != b:
                    while rank[a] > rank[b]:
                        a = idom[a]
                    while rank[b] > rank[a]:
                        b = idom[b]
                new = a
            if new != idom[v]:
                idom[v] = new
                changed = True
    size = [1] * n
    for v in reversed(order[1:]):  # a firm comes after its dominator in reverse postorder
        size[idom[v]] += size[v]
    from_dominated = [0.0] * n
    for v in range(n):
        for u, w in up.suppliers[v]:
            if u != 0 and idom[u] == v:  # a direct supplier is dominated by v only as its idom
                from_dominated[v] += w
    return Dominance(
        idom=tuple(idom),
        dominated=tuple(s - 1 for s in size),
        from_dominated=tuple(from_dominated),
    )


def single_sourced(graph: nx.DiGraph, firms: set[str]) -> dict[str, list[tuple[str, str]]]:
    """Single-sourced purchases among ``firms``: supplier -> [(customer, product), ...].

    A customer's purchases are grouped by product (links that name none form one group ""); a
    group with one supplier is single-sourced.
    """
    sole: dict[str, list[tuple[str, str]]] = defaultdict(list)
    pred = graph._pred  # networkx's own adjacency dicts: no view object per look-up
    for customer in sorted(firms):
        by_product: dict[str, list[str]] = defaultdict(list)
        for supplier, link in pred[customer].items():
            if supplier == customer or supplier not in firms:
                continue
            for product in link.get("products") or ("",):
                by_product[product].append(supplier)
        for product in sorted(by_product):
            sources = by_product[product]
            if len(sources) == 1:
                sole[sources[0]].append((customer, product))
    return dict(sole)


def hhi(shares: list[float]) -> float:
    """Herfindahl-Hirschman index of fractions that add up to 1: sum of squared percentages.

    >>> hhi([0.5, 0.5])
    5000.0
    >>> hhi([1.0])
    10000.0
    """
    return sum((100.0 * s) ** 2 for s in shares)
