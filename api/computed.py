"""What the routes compute from the data, through the cache: a chain's graph and weak-link
figures, a leader's tree (read, and analysed). Keys hold the store's generation."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

from fastapi import Response
from pydantic import BaseModel

from chainmap.access import Principal, Role
from chainmap.analysis import FirmFigures, Weights, analyse_leader, weak_links
from chainmap.graph import to_digraph
from chainmap.records import ChainRow, Subgraph
from chainmap.reports import chain_graph, leaders_to_analyse
from chainmap.store import Store

from .cache import Results

__all__ = [
    "body_names",
    "cached_json",
    "caller_figures",
    "chain_analysis",
    "chain_figures",
    "chain_rows",
    "tree_analysis",
    "tree_read",
]


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


def chain_figures(
    results: Results,
    store: Store,
    chain_id: str,
    day: date,
    weights: Weights,
    *,
    tree_of: str | None = None,
    depth: int = 0,
    leader: str | None = None,
) -> tuple[Any, list[FirmFigures]]:
    """The graph and weak-link figures answers about a chain are made of: a leader's own tree
    up to ``depth`` tiers (``tree_of``), or the chain with the figures of ``leader`` (all
    leaders when None). The graph is the cached one: copy it before changing it."""
    if tree_of is not None:
        return tree_analysis(results, store, tree_of, depth, day, weights)
    graph, figures = chain_analysis(results, store, chain_id, day, weights)
    chosen = set(leaders_to_analyse(graph, chain_id, leader))
    return graph, [f for f in figures if f.leader in chosen]


def caller_figures(
    results: Results,
    store: Store,
    caller: Principal,
    chain_id: str,
    day: date,
    weights: Weights,
    depth: int,
    *,
    leader: str | None = None,
) -> tuple[Any, list[FirmFigures]]:
    """The graph and figures a caller's answers about a chain are made of: a leader's own tree
    up to ``depth`` tiers (whatever chain), anyone else's the chain, with the figures of
    ``leader`` only when given. Raises :class:`~chainmap.errors.NotFound` for a chain without
    a leader among its firms."""
    if caller.role is Role.LEADER:
        return chain_figures(
            results, store, chain_id, day, weights, tree_of=caller.enterprise, depth=depth
        )
    return chain_figures(results, store, chain_id, day, weights, leader=leader)


def chain_rows(results: Results, store: Store) -> dict[str, ChainRow]:
    """Every chain of the store by its id, in the store's order (kept while the data stays the
    same)."""
    return results.get(
        ("chains", store.generation()), lambda: {c.chain_id: c for c in store.chains()}
    )


def body_names(results: Results, store: Store) -> dict[str, str]:
    """Each certification body's name by its id."""
    key = ("bodies", store.generation())
    return results.get(key, lambda: {b.body_id: b.name for b in store.bodies()})


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


def cached_bytes(
    results: Results,
    store: Store,
    key: Hashable,
    build: Callable[[], bytes],
    media_type: str,
) -> Response:
    """An answer other than JSON (a plan, an atlas page) kept whole while the data stays the
    same: drawing one costs tens of milliseconds, serving it again a lookup. ``key`` holds
    everything the answer depends on but the data, the caller's bounds included."""
    return Response(results.get(("bytes", store.generation(), key), build), media_type=media_type)
