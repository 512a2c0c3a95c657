"""What the weak-link commands (and the HTTP API) hand out: a chain's graph read from a store, the
analysis run on it, and the rows written as JSON, or as CSV and XLSX through
:mod:`chainmap.exports`, each table with its columns.

The glue between a store and :mod:`chainmap.analysis`, which knows nothing about stores.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import networkx as nx

from chainmap.analysis import WEAK_LINK_FIELDS, FirmFigures, chain_leaders
from chainmap.columns import Column, Kind, Table
from chainmap.errors import NotFound
from chainmap.graph import to_digraph
from chainmap.store import Store

if TYPE_CHECKING:
    from chainmap.analysis import Robustness
    from chainmap.plans import Body, Planning

__all__ = [
    "BATCH_MEMBERS",
    "ROBUSTNESS",
    "SEGMENTS",
    "STATS",
    "WEAK_LINKS",
    "WEAK_LINK_COLUMNS",
    "WHAT_IF",
    "batch_member_rows",
    "batch_rows",
    "chain_graph",
    "figures_rows",
    "json_text",
    "leaders_to_analyse",
    "robustness_rows",
    "stats_rows",
]

C = Kind.CODE

#: a weak-link list (``weak-links``), one row per (leader, firm): the weak-link record
WEAK_LINKS = Table("薄弱环节", "weak links", WEAK_LINK_FIELDS)
#: the columns of a weak-link CSV, in order
WEAK_LINK_COLUMNS = WEAK_LINKS.names

#: a chain's segments (``segments``): the fields of SegmentFigures
SEGMENTS = Table(
    "环节",
    "segments",
    (
        Column("segment_id", C, "环节代码", "segment id"),
        Column("name", Kind.TEXT, "环节名称", "segment"),
        Column("stage", Kind.TEXT, "链位", "stage", nullable=True),
        Column("firms", Kind.INT, "企业数", "firms"),
        Column("certified", Kind.INT, "有效认证企业数", "certified"),
        Column("coverage", Kind.FLOAT, "认证覆盖率", "coverage", nullable=True),
        Column("exposure", Kind.FLOAT, "采购敞口", "exposure"),
        Column(
            "exposure_coverage",
            Kind.FLOAT,
            "按敞口计的认证覆盖率",
            "coverage by exposure",
            nullable=True,
        ),
        Column("weak_links", Kind.INT, "薄弱环节数", "weak links"),
        Column("suppliers", Kind.INT, "供应企业数", "suppliers"),
        Column("purchases", Kind.INT, "采购项数", "purchases"),
        Column("single_sourced", Kind.INT, "独家供应的采购项数", "single-sourced"),
        Column("alternatives", Kind.FLOAT, "每项采购的供应企业数", "alternatives", nullable=True),
        Column("hhi", Kind.FLOAT, "集中度（HHI）", "HHI", nullable=True),
        Column("regional_hhi", Kind.FLOAT, "地区集中度（HHI）", "regional HHI", nullable=True),
    ),
)

#: joint-certification batches (``joint-cert``), one row per firm of a batch
BATCH_MEMBERS = Table(
    "联合认证批次",
    "joint certification",
    (
        Column("batch", Kind.INT, "批次", "batch"),
        Column("body_id", C, "认证机构", "certification body", nullable=True),
        Column("division", C, "行业大类代码", "division"),
        Column("division_name", Kind.TEXT, "行业大类", "division name", nullable=True),
        Column("prefecture", C, "地市代码", "prefecture"),
        Column("prefecture_name", Kind.TEXT, "地市", "prefecture name", nullable=True),
        Column("uscc", C, "统一社会信用代码", "USCC"),
        Column("name", Kind.TEXT, "企业名称", "name"),
        Column("size", Kind.TEXT, "企业规模", "size", nullable=True),
        Column("certification", Kind.TEXT, "认证状态", "certification"),
        Column("score", Kind.FLOAT, "薄弱评分", "score"),
        Column("audit_days", Kind.FLOAT, "审核人日", "audit-days"),
    ),
)

#: what each leader loses (``what-if``), one row per leader
WHAT_IF = Table(
    "断供推演",
    "what-if",
    (
        Column("leader", C, "链主统一社会信用代码", "leader USCC"),
        Column("lost_share", Kind.FLOAT, "失去的采购份额", "purchases lost"),
        Column("cut_off", Kind.LIST, "断链企业", "firms cut off"),
    ),
)

#: removal curves (``robustness``), one row per point of a leader's curves (the random runs
#: themselves only in JSON)
ROBUSTNESS = Table(
    "移除曲线",
    "removal curves",
    (
        Column("leader", C, "链主统一社会信用代码", "leader USCC"),
        Column("firms", Kind.INT, "上游企业数", "upstream firms"),
        Column("removed", Kind.INT, "移除企业数", "firms removed"),
        Column("supplied_by_score", Kind.FLOAT, "仍供应份额（按评分移除）", "supplied (by score)"),
        Column(
            "supplied_random", Kind.FLOAT, "仍供应份额（随机移除均值）", "supplied (random mean)"
        ),
        Column("r_index_by_score", Kind.FLOAT, "R 指数（按评分）", "R index (by score)"),
        Column("r_index_random", Kind.FLOAT, "R 指数（随机）", "R index (random)"),
    ),
)

#: what a store holds (``stats``), one row per kind of record
STATS = Table(
    "数据概况",
    "store contents",
    (Column("what", Kind.TEXT, "项目", "what"), Column("count", Kind.INT, "数量", "count")),
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


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def json_text(value: Any) -> str:
    """Indented JSON, Chinese kept as it is, dates as ISO text."""
    return json.dumps(value, ensure_ascii=False, indent=2, default=_json_default) + "\n"


def figures_rows(figures: Iterable[FirmFigures]) -> list[dict[str, Any]]:
    """Weak-link rows as JSON-ready mappings."""
    return [f.as_dict() for f in figures]


def batch_member_rows(batches: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The firms of :func:`batch_rows`' batches, one row each with its batch, body and group:
    the rows of :data:`BATCH_MEMBERS`."""
    return [
        {
            "batch": r["batch"],
            "body_id": r["body_id"],
            "division": r["group"][0],
            "division_name": r["division_name"],
            "prefecture": r["group"][1],
            "prefecture_name": r["prefecture_name"],
            **m,
        }
        for r in batches
        for m in r["members"]
    ]


def robustness_rows(found: Sequence[Robustness]) -> list[dict[str, Any]]:
    """The points of each leader's removal curves: the rows of :data:`ROBUSTNESS`."""
    return [
        {
            "leader": r.leader,
            "firms": r.firms,
            "removed": removed,
            "supplied_by_score": targeted,
            "supplied_random": random,
            "r_index_by_score": r.targeted.r_index,
            "r_index_random": r.random_mean.r_index,
        }
        for r in found
        for removed, targeted, random in zip(
            r.targeted.removed, r.targeted.supplied, r.random_mean.supplied, strict=True
        )
    ]


def stats_rows(counts: Mapping[str, int]) -> list[dict[str, Any]]:
    """A store's counts, one row each: the rows of :data:`STATS`."""
    return [{"what": what, "count": count} for what, count in counts.items()]
