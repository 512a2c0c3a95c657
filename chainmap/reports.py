"""What the weak-link commands (and the HTTP API) hand out: a chain's graph read from a store, the
analysis run on it, and the rows written as JSON or CSV.

The glue between a store and :mod:`chainmap.analysis`, which knows nothing about stores.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import networkx as nx

from chainmap.analysis import FirmFigures, chain_leaders
from chainmap.errors import NotFound
from chainmap.graph import to_digraph
from chainmap.store import Store

if TYPE_CHECKING:
    from chainmap.plans import Body, Planning

__all__ = [
    "WEAK_LINK_COLUMNS",
    "batch_rows",
    "chain_graph",
    "csv_text",
    "figures_rows",
    "json_text",
    "leaders_to_analyse",
]


#: the columns of a weak-link CSV, in order
WEAK_LINK_COLUMNS = (
    "leader",
    "uscc",
    "name",
    "segment",
    "region_code",
    "region_name",
    "industry_code",
    "industry_name",
    "size",
    "maturity",
    "certification",
    "cert_no",
    "cert_expires_on",
    "cert_audit_due",
    "exposure",
    "dominated_count",
    "dominated_share",
    "single_point_of_failure",
    "single_source",
    "sole_supplies",
    "largest_share",
    "concentrated",
    "concentrated_share",
    "in_loop",
    "dependence",
    "risk",
    "score",
    "reasons",
    "explanation_zh",
    "explanation_en",
)


def batch_rows(
    figures: Sequence[FirmFigures], planning: Planning, bodies: Sequence[Body]
) -> list[dict[str, Any]]:
    """Joint-certification batches of the figures' candidates, placed with the bodies, each with
    the chain's coverage before and after it: what ``joint-cert`` lists."""
    from chainmap.plans import effects, plan_batches
    from chainmap.plans.plan import batches_for

    placed = plan_batches(batches_for(figures, planning), bodies)
    changes = effects(figures, placed)
    return [
        {"batch": number, **batch.as_dict(), "coverage_before": before, "coverage_after": after}
        for number, (batch, (before, after)) in enumerate(zip(placed, changes, strict=True), 1)
    ]


def chain_graph(store: Store, chain_id: str) -> nx.DiGraph:
    """The supply graph of one chain (raises :class:`NotFound` for an unknown chain)."""
    return to_digraph(store.chain(chain_id))


def leaders_to_analyse(graph: nx.DiGraph, chain_id: str, leader: str | None) -> list[str]:
    """The chain's leaders, or the one asked for if it leads the chain."""
    leaders = chain_leaders(graph)
    if leader is None:
        if not leaders:
            raise NotFound(f"chain {chain_id!r} has no leader among its firms; nothing to analyse")
        return leaders
    if leader not in leaders:
        named = ", ".join(leaders) or "none"
        raise NotFound(f"{leader} does not lead chain {chain_id!r} (its leaders: {named})")
    return [leader]


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ";".join(map(str, value))
    if isinstance(value, float):
        return round(value, 6)
    return value


def csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    """Rows as CSV text with a header; lists joined with ``;``, floats to 6 decimals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _plain(row.get(c)) for c in columns])
    return out.getvalue()


def json_text(value: Any) -> str:
    """Indented JSON, Chinese kept as it is, dates as ISO text."""
    return json.dumps(value, ensure_ascii=False, indent=2, default=_plain) + "\n"


def figures_rows(figures: Iterable[FirmFigures]) -> list[dict[str, Any]]:
    """Weak-link rows as JSON-ready mappings."""
    return [f.as_dict() for f in figures]
