"""What the routes compute from the data, through the cache: a chain's graph and weak-link
figures, a leader's tree (read, and analysed). Keys hold the store's generation."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

from fastapi import Response
from pydantic import BaseModel

from chainmap.analysis import FirmFigures, Weights, analyse_leader, weak_links
from chainmap.graph import to_digraph
from chainmap.records import Subgraph
from chainmap.reports import chain_graph
from chainmap.store import Store

from .cache import Results

__all__ = ["cached_json", "chain_analysis", "tree_analysis", "tree_read"]


def chain_analysis(
    results: Results, store: Store, chain_id: str, day: date, weights: Weights
) -> tuple[Any, list[FirmFigures]]:
    """The chain's graph and the figures of every leader of it."""

    def compute() -> tuple[Any, list[FirmFigures]]:
        graph = chain_graph(store, chain_id)
        return graph, weak_links(graph, day, weights)

    return results.get(("chain", store.generation(), chain_id, day, weights), compute)


def tree_read(results: Results, store: Store, leader: str, depth: int) -> Subgraph:
    """A firm's supplier tiers up to ``depth`` and its direct customers, as the store reads them."""
    key = ("tiers", store.generation(), leader, depth)
    return results.get(key, lambda: store.supplier_tiers(leader, depth))


def tree_analysis(
    results: Results, store: Store, leader: str, depth: int, day: date, weights: Weights
) -> tuple[Any, list[FirmFigures]]:
    """A leader's tree as a graph, and the leader's figures computed on it."""

    def compute() -> tuple[Any, list[FirmFigures]]:
        graph = to_digraph(tree_read(results, store, leader, depth))
        return graph, analyse_leader(graph, leader, day, weights)

    return results.get(("tree", store.generation(), leader, depth, day, weights), compute)


def cached_json(
    results: Results, store: Store, key: Hashable, build: Callable[[], BaseModel]
) -> Response:
    """A JSON answer kept whole (encoded) while the data stays the same. ``key`` must hold
    everything the answer depends on but the data: the route, its parameters and the caller's
    bounds."""
    body = results.get(
        ("json", store.generation(), key), lambda: build().model_dump_json().encode("utf-8")
    )
    return Response(body, media_type="application/json")
