"""What the leaders of a chain lose if some firms stop supplying, as far as the caller may see:
what ``GET /chains/{id}/what-if`` answers and the console's firm page shows ("if this firm
stopped"). The loss is computed on the whole chain (a leader's purchases run through firms
anywhere); firms the caller may not see cannot be named, and firms cut off are listed only when
the caller may see them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from chainmap.analysis import Weights, WhatIf, what_if
from chainmap.store import Store

from .cache import Results
from .computed import chain_analysis
from .errors import missing
from .scope import Bounds

__all__ = ["chain_what_if", "visible_nodes"]


def visible_nodes(bounds: Bounds, graph: Any) -> set[str]:
    """The firms of the graph within ``bounds``."""
    return {u for u, a in graph.nodes(data=True) if bounds.admits(u, a.get("region_code", ""))}


def chain_what_if(
    store: Store,
    results: Results,
    bounds: Bounds,
    weights: Weights,
    chain_id: str,
    fail: Sequence[str],
) -> tuple[Any, list[WhatIf]]:
    """The chain's graph (the cached one: copy it before changing it) and, for each of its
    leaders, the share of its purchases lost if ``fail`` stop supplying and the firms within
    ``bounds`` cut off. A failed firm outside ``bounds`` is not found (404), like one that is
    not a firm of the chain."""
    graph, _figures = chain_analysis(results, store, chain_id, date.today(), weights)
    visible = visible_nodes(bounds, graph)
    hidden = [u for u in fail if u not in visible]
    if hidden:
        raise missing("firms", ", ".join(hidden))
    return graph, [
        WhatIf(w.leader, w.lost_share, [u for u in w.cut_off if u in visible])
        for w in what_if(graph, list(fail))
    ]
