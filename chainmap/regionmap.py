"""The figures of a region map (区域地图): for a province its prefecture-level units, for a
prefecture (or a municipality) its counties, each with its firms, how many hold a certificate in
force, how many are weak links and how many hold a certificate that expires soon.

:func:`region_map` is a pure function over :class:`MapFirm` rows; :func:`map_firms` makes those
rows from a chain's supply graph and its weak-link figures, and :func:`region_map_from_store`
reads every chain of a store. Every unit of the region table below the region is listed, those
without firms too (a map draws them as having no data). A firm on several chains counts once,
weak when it is weak on any of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import networkx as nx

from chainmap.analysis import CertState, Weights, certification, is_weak, weak_links
from chainmap.errors import RuleViolation
from chainmap.rules import tables
from chainmap.rules.regions import MUNICIPALITIES, prefecture_key, region_name
from chainmap.rules.regions import validate_region_prefix as _validate_prefix

__all__ = [
    "Area",
    "MapFirm",
    "RegionMap",
    "children",
    "map_firms",
    "region_map",
    "region_map_from_store",
]


@dataclass(frozen=True, slots=True)
class MapFirm:
    """One firm as a map counts it."""

    uscc: str
    region_code: str
    certified: bool
    expiring: bool
    weak: bool


@dataclass(frozen=True, slots=True)
class Area:
    """A region on the map and its figures; ``areas`` are the units below it the page drills
    down to (a province's prefecture's counties), empty at the lowest level."""

    code: str
    name: str
    firms: int = 0
    certified: int = 0
    weak: int = 0
    expiring: int = 0
    areas: tuple[Area, ...] = ()

    @property
    def coverage(self) -> float | None:
        """The share of firms with a certificate in force; None without firms."""
        return self.certified / self.firms if self.firms else None


@dataclass(frozen=True, slots=True)
class RegionMap:
    """The region (``root``, its 6-digit code) and its figures on ``as_of``."""

    root: Area
    as_of: date


def _six(prefix: str) -> str:
    return prefix.ljust(6, "0")


def children(prefix: str) -> list[str]:
    """The 6-digit codes of the units a map of ``prefix`` draws, in code order: a province's
    prefecture-level units (its county-level cities under the province, ``PP90XX``, among them), a
    municipality's or a prefecture's counties. Rows that only group counties are left out.

    >>> children("3205")[:3]
    ['320505', '320506', '320507']
    """
    prefix = _validate_prefix(prefix)
    if len(prefix) == 6:
        raise RuleViolation(
            "region_level",
            f"region {prefix} is a county and has no units below it on a map; give its prefecture",
            zh=f"行政区划代码 {prefix} 是区县，地图上没有下级单位；请给出其所属地市",
        )
    units = tables.regions()
    found = []
    for code, unit in units.items():
        if unit.kind != "admin" or not code.startswith(prefix) or code == _six(prefix):
            continue
        by_county = len(prefix) == 4 or prefix in MUNICIPALITIES
        if by_county:
            if unit.level == "county":
                found.append(code)
        elif unit.level == "prefecture" or (unit.level == "county" and code[2:4] == "90"):
            found.append(code)
    return sorted(found)


def _unit_of(region_code: str, prefix: str) -> str:
    """The unit one level below ``prefix`` a firm's region falls in."""
    if len(prefix) == 4 or prefix in MUNICIPALITIES:
        return region_code[:6]
    return prefecture_key(region_code)


def _area(code: str, rows: list[MapFirm], below: tuple[Area, ...] = ()) -> Area:
    return Area(
        code=code,
        name=region_name(code) or code,
        firms=len(rows),
        certified=sum(r.certified for r in rows),
        weak=sum(r.weak for r in rows),
        expiring=sum(r.expiring for r in rows),
        areas=below,
    )


def _areas(prefix: str, rows: list[MapFirm], depth: int) -> tuple[Area, ...]:
    """The units below ``prefix``: those of :func:`children`, and the statistical units of the
    table (开发区, 高新区 ...) that firms are registered in."""
    grouped: dict[str, list[MapFirm]] = {code: [] for code in children(prefix)}
    units = tables.regions()
    for row in rows:
        unit = _unit_of(row.region_code, prefix)
        known = units.get(unit)
        if unit not in grouped and known is not None and known.kind == "stat":
            grouped[unit] = []
        if unit in grouped:
            grouped[unit].append(row)
    found = []
    for code in sorted(grouped):
        below: tuple[Area, ...] = ()
        if depth > 1 and code[4:] == "00":  # a prefecture, not a county-level city
            below = _areas(code[:4], grouped[code], depth - 1)
        found.append(_area(code, grouped[code], below))
    return tuple(found)


def region_map(firms: Iterable[MapFirm], prefix: str, as_of: date) -> RegionMap:
    """The map of the region ``prefix`` (2 or 4 digits): its units with their figures, and for
    a province each prefecture's counties too. Firms outside the region are left out; a firm
    given twice (on two chains) counts once, certified, expiring or weak if any row says so."""
    prefix = _validate_prefix(prefix)
    merged: dict[str, MapFirm] = {}
    for firm in firms:
        if not firm.region_code.startswith(prefix):
            continue
        seen = merged.get(firm.uscc)
        if seen is not None:
            firm = MapFirm(
                firm.uscc,
                seen.region_code,
                seen.certified or firm.certified,
                seen.expiring or firm.expiring,
                seen.weak or firm.weak,
            )
        merged[firm.uscc] = firm
    rows = [merged[u] for u in sorted(merged)]
    depth = 2 if len(prefix) == 2 and prefix not in MUNICIPALITIES else 1
    root = _area(_six(prefix), rows, _areas(prefix, rows, depth))
    return RegionMap(root=root, as_of=as_of)


def map_firms(graph: nx.DiGraph, weak: Iterable[str], as_of: date, days: int) -> list[MapFirm]:
    """The firms of a chain's supply graph as map rows; ``weak`` are the USCCs that are weak
    links, ``days`` the window in which a certificate counts as expiring."""
    weak_set = set(weak)
    rows = []
    for uscc, attributes in graph.nodes(data=True):
        state = certification(attributes.get("certificates", ()), as_of, days).state
        rows.append(
            MapFirm(
                uscc=uscc,
                region_code=attributes.get("region_code", "") or "",
                certified=state.protected,
                expiring=state is CertState.EXPIRING,
                weak=uscc in weak_set,
            )
        )
    return rows


def region_map_from_store(store: object, prefix: str, as_of: date, weights: Weights) -> RegionMap:
    """Read every chain of ``store`` (a :class:`chainmap.store.Store`), analyse its weak links
    and map the region ``prefix``."""
    from chainmap.graph import to_digraph
    from chainmap.store import Store

    assert isinstance(store, Store)
    prefix = _validate_prefix(prefix)
    days = weights.thresholds.expiring_days
    floor = weights.thresholds.min_score
    rows: list[MapFirm] = []
    for chain in store.chains():
        graph = to_digraph(store.chain(chain.chain_id))
        weak = {f.uscc for f in weak_links(graph, as_of, weights) if is_weak(f.score, floor)}
        rows.extend(
            r for r in map_firms(graph, weak, as_of, days) if r.region_code.startswith(prefix)
        )
    return region_map(rows, prefix, as_of)
