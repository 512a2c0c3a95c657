"""A leader's upstream supply graph as integer-indexed lists: the shape every measure walks.

Built once per leader from the networkx graph (edges supplier -> customer), so the measures run
over plain lists instead of networkx views. Firms are numbered in breadth-first order from the
leader (number 0), suppliers taken in USCC order, so every result comes out in the same order
for the same data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from chainmap.errors import NotFound

__all__ = ["Upstream", "normalised_shares", "upstream"]


@dataclass(frozen=True, slots=True)
class Upstream:
    """The firms whose supplies reach ``leader`` (the leader is firm 0) and the links among them.

    ``suppliers[i]`` lists ``(j, w)``: firm j supplies firm i and carries the fraction w of firm
    i's purchases (shares normalised per customer, see :func:`normalised_shares`).
    ``customers[j]`` lists the firms of this graph that firm j supplies.
    """

    leader: str
    firms: tuple[str, ...]
    index: Mapping[str, int]
    suppliers: tuple[tuple[tuple[int, float], ...], ...]
    customers: tuple[tuple[int, ...], ...]

    def __len__(self) -> int:
        return len(self.firms)


def normalised_shares(shares: list[float | None]) -> list[float]:
    """Each supplier's fraction of one customer's purchases.

    A link without a share weighs the mean of the customer's known shares (1 when none is known,
    so no shares at all means an equal split); the weights are then divided by their sum. Shares
    of several products between the same two firms were already added up (products pooled).

    >>> [round(w, 6) for w in normalised_shares([0.6, 0.2])]
    [0.75, 0.25]
    >>> normalised_shares([None, None, None, None])
    [0.25, 0.25, 0.25, 0.25]
    >>> normalised_shares([0.5, None])
    [0.5, 0.5]
    """
    if not shares:
        return []
    known = [s for s in shares if s is not None and s > 0]
    fill = sum(known) / len(known) if known else 1.0
    weights = [fill if s is None else max(s, 0.0) for s in shares]
    total = sum(weights)
    if total <= 0:  # every share given as 0: nothing to go by but an equal split
        return [1.0 / len(shares)] * len(shares)
    return [w / total for w in weights]


def upstream(graph: nx.DiGraph, leader: str) -> Upstream:
    """The leader's upstream graph: every firm with a supply path to ``leader``.

    Raises :class:`NotFound` when the leader is not a firm of the graph.
    """
    if leader not in graph:
        raise NotFound(f"enterprise {leader} is not in this chain's supply graph")
    # networkx's own adjacency dicts (what its algorithms walk): no view object per look-up
    pred: Mapping[str, Mapping[str, Any]] = graph._pred
    firms = [leader]
    index = {leader: 0}
    suppliers: list[tuple[tuple[int, float], ...]] = []
    customers: list[list[int]] = [[]]
    at = 0
    while at < len(firms):  # breadth first; firms grows as suppliers are found
        links = pred[firms[at]]
        names = sorted(n for n in links if n != firms[at])  # supplying itself adds nothing
        weights = normalised_shares([links[n].get("share") for n in names])
        row = []
        for name, weight in zip(names, weights, strict=True):
            j = index.get(name)
            if j is None:
                j = index[name] = len(firms)
                firms.append(name)
                customers.append([])
            row.append((j, weight))
            customers[j].append(at)
        suppliers.append(tuple(row))
        at += 1
    return Upstream(
        leader=leader,
        firms=tuple(firms),
        index=index,
        suppliers=tuple(suppliers),
        customers=tuple(tuple(c) for c in customers),
    )
