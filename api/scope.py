"""What a caller may see, as bounds a store query takes: region prefixes, or the firms of a
leader's tree. Admins have no bounds; a regulator or analyst its regions; a leader the firms of
its own supplier tiers (up to the configured depth) and its direct customers."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from chainmap.access import Principal, Role
from chainmap.records import EnterpriseRow, FirmQuery
from chainmap.store import Store

from .cache import Results
from .computed import tree_read

__all__ = ["Bounds", "bounds_of", "leader_tree", "led_chains", "narrowed", "visible_firms"]


@dataclass(frozen=True, slots=True)
class Bounds:
    """``regions`` and ``firms`` as a query's ``within_regions`` and ``within`` (None: none)."""

    regions: tuple[str, ...] | None = None
    firms: frozenset[str] | None = None

    def admits(self, uscc: str, region_code: str) -> bool:
        """True when a firm is within the bounds."""
        if self.firms is not None and uscc not in self.firms:
            return False
        return self.regions is None or any(region_code.startswith(p) for p in self.regions)

    @property
    def key(self) -> Hashable:
        """What identifies these bounds in a cache key."""
        return (self.regions, self.firms)

    @property
    def within(self) -> tuple[str, ...] | None:
        return None if self.firms is None else tuple(sorted(self.firms))


def visible_firms(store: Store, bounds: Bounds, usccs: Iterable[str]) -> list[EnterpriseRow]:
    """The firms among ``usccs`` within ``bounds``, read by a query bounded like the search."""
    within = tuple(u for u in usccs if bounds.firms is None or u in bounds.firms)
    rows, _ = store.search_enterprises(
        FirmQuery(within=within, within_regions=bounds.regions, limit=len(within) or 1)
    )
    return rows


def leader_tree(results: Results, store: Store, leader: str, depth: int) -> frozenset[str]:
    """The leader, its suppliers up to ``depth`` tiers and its direct customers."""
    return frozenset(tree_read(results, store, leader, depth).tiers)


def led_chains(results: Results, store: Store, leader: str) -> set[str]:
    """The chains a firm leads."""
    return {row.chain_id for row in tree_read(results, store, leader, 0).leaders}


def bounds_of(caller: Principal, store: Store, depth: int, results: Results) -> Bounds:
    if caller.role is Role.ADMIN:
        return Bounds()
    if caller.role is Role.LEADER:
        assert caller.enterprise is not None
        return Bounds(firms=leader_tree(results, store, caller.enterprise, depth))
    return Bounds(regions=caller.regions)


def narrowed(
    bounds: tuple[str, ...] | None, asked: tuple[str, ...] | None
) -> tuple[str, ...] | None:
    """The region prefixes both within ``bounds`` and among ``asked`` (None: no bound); an empty
    tuple when they have none in common.

    >>> narrowed(("32",), ("3205", "34"))
    ('3205',)
    >>> narrowed(("3205",), ("32",)), narrowed(None, ("34",)), narrowed(("32",), None)
    (('3205',), ('34',), ('32',))
    """
    if asked is None or bounds is None:
        return asked if bounds is None else bounds
    common = {
        a if a.startswith(b) else b
        for a in asked
        for b in bounds
        if a.startswith(b) or b.startswith(a)
    }
    return tuple(sorted(common))
