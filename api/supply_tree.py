"""A leader's supply tree as its console page shows it: the supplier tiers and direct customers
with their certificates (``GET /leaders/{uscc}/tiers``), the calendar of certificates ending
month by month, the weak links of the tree (``GET /chains/{id}/weak-links``) and the batches of
its chains (``GET /chains/{id}/batches``), each as the caller may see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chainmap.access import Principal, Role
from chainmap.analysis import CertState, FirmFigures, Weights, select
from chainmap.config import Settings
from chainmap.errors import NotFound
from chainmap.records import ChainRow
from chainmap.store import Store

from .cache import Results
from .computed import caller_figures
from .deps import PlanChain
from .overview import visible_chains
from .permissions import Permission, PlanReach, grants, plan_reach
from .routes.leaders import leader_tiers
from .routes.pages import chain_batches
from .schemas import Tier, Tiers
from .scope import Bounds, led_chains

__all__ = [
    "CALENDAR_MONTHS",
    "LAPSED",
    "TOP_WEAK_LINKS",
    "ChainBatches",
    "ExpiryCalendar",
    "LeaderView",
    "Month",
    "TreeWeakLinks",
    "expiry_calendar",
    "leader_batches",
    "leader_view",
    "tree_weak_links",
]

#: the months the expiry calendar covers, the current one first
CALENDAR_MONTHS = 12
#: the states of a firm whose certificate has lapsed (it had one; none is in force)
LAPSED = frozenset(
    {CertState.SUSPENDED, CertState.EXPIRED, CertState.CANCELLED, CertState.WITHDRAWN}
)
#: the weak links the page lists; the chain's own table has them all
TOP_WEAK_LINKS = 20


@dataclass(frozen=True, slots=True)
class Month:
    """A calendar month and the firms whose certificate in force ends in it, soonest first."""

    start: date  # the month's first day
    firms: list[Tier]


@dataclass(frozen=True, slots=True)
class ExpiryCalendar:
    """Certificates in force ending month by month from the day's month on, each firm counted
    once by the certificate deciding its state (the one in force that ends last); and the firms
    whose certificate has lapsed (suspended, expired, cancelled or withdrawn, none in force)."""

    day: date
    months: list[Month]
    later: int  # firms whose certificate in force ends after the calendar's last month
    lapsed: list[Tier]


def _month(day: date, ahead: int) -> date:
    index = day.year * 12 + day.month - 1 + ahead
    return date(index // 12, index % 12 + 1, 1)


def expiry_calendar(tiers: Tiers, months: int = CALENDAR_MONTHS) -> ExpiryCalendar:
    """The expiry calendar of the firms of ``tiers`` on their day."""
    day = tiers.as_of
    starts = [_month(day, i) for i in range(months)]
    end = _month(day, months)
    by_month: dict[date, list[Tier]] = {start: [] for start in starts}
    later = 0
    lapsed: list[Tier] = []
    for firm in tiers.firms:
        found = firm.certification
        state = CertState(found.state)
        if state.protected and found.certificate is not None:
            expires = found.certificate.expires_on
            if expires >= end:
                later += 1
            else:
                by_month[date(expires.year, expires.month, 1)].append(firm)
        elif state in LAPSED:
            lapsed.append(firm)
    for listed in by_month.values():
        listed.sort(key=_expiry)
    lapsed.sort(key=lambda f: (f.tier < 0, f.tier, f.uscc))
    return ExpiryCalendar(
        day=day, months=[Month(s, by_month[s]) for s in starts], later=later, lapsed=lapsed
    )


def _expiry(firm: Tier) -> tuple[date, str]:
    cert = firm.certification.certificate
    assert cert is not None
    return cert.expires_on, firm.uscc


@dataclass(frozen=True, slots=True)
class TreeWeakLinks:
    """The weak links of a leader's tree within the caller's bounds, best score first: how many,
    the first :data:`TOP_WEAK_LINKS`, and the leader's chains whose tables list them all."""

    chains: list[ChainRow]
    total: int
    top: list[FirmFigures]


def tree_weak_links(
    caller: Principal,
    store: Store,
    results: Results,
    settings: Settings,
    bounds: Bounds,
    weights: Weights,
    leader: str,
    day: date,
    top: int = TOP_WEAK_LINKS,
) -> TreeWeakLinks | None:
    """The weak links towards ``leader`` as its chains' weak-link tables give them to the
    caller: a leader's on its own tree, anyone else's on each chain it leads (a firm on two of
    them once, at its higher score). None for a role that may not read weak links."""
    if not grants(caller.role, Permission.WEAK_LINKS):
        return None
    led = led_chains(results, store, leader)
    chains = [c for c in visible_chains(caller, store, results) if c.chain_id in led]
    tree_of = caller.enterprise if caller.role is Role.LEADER else None
    figures: list[FirmFigures] = []
    for chain in chains[:1] if tree_of is not None else chains:  # a tree is one for all
        try:
            _, found = caller_figures(
                results,
                store,
                caller,
                chain.chain_id,
                day,
                weights,
                settings.max_depth,
                leader=leader,
            )
        except NotFound:  # the chain's leader is none of its firms: nothing analysed
            continue
        figures.extend(found)
    rows = select(
        sorted(
            (f for f in figures if bounds.admits(f.uscc, f.region_code)),
            key=lambda f: (-f.score, f.uscc),
        ),
        min_score=weights.thresholds.min_score,
    )
    unique: dict[str, FirmFigures] = {}
    for f in rows:  # best first: a firm's first row is its highest score
        unique.setdefault(f.uscc, f)
    listed = list(unique.values())
    return TreeWeakLinks(chains=chains, total=len(listed), top=listed[:top])


@dataclass(frozen=True, slots=True)
class ChainBatches:
    """A chain the leader leads and its joint-certification batches as the caller reaches the
    chain's plan (None: the caller may not see them)."""

    chain: ChainRow
    batches: int | None


def leader_batches(
    caller: Principal,
    store: Store,
    results: Results,
    settings: Settings,
    weights: Weights,
    chains: list[ChainRow],
    day: date,
) -> list[ChainBatches] | None:
    """How many batches each of ``chains`` has, as ``GET /chains/{id}/batches`` answers the
    caller. None for a role that may not read plans."""
    if not grants(caller.role, Permission.PLANS):
        return None
    found = []
    for chain in chains:
        reach = plan_reach(caller, chain)
        count: int | None = None
        if reach is not PlanReach.NONE:
            try:
                count = len(
                    chain_batches(
                        caller, PlanChain(chain, reach), store, settings, results, day, weights
                    )
                )
            except NotFound:  # the chain's leader is none of its firms: nothing planned
                count = 0
        found.append(ChainBatches(chain, count))
    return found


@dataclass(frozen=True, slots=True)
class LeaderView:
    """Everything the leader's page shows."""

    leader: Tier
    tiers: Tiers
    shown: list[tuple[int, list[Tier]]]  # the firms passing the filters, by tier (customers last)
    tier_choices: list[int]
    state_choices: list[str]
    calendar: ExpiryCalendar
    weak_links: TreeWeakLinks | None
    batches: list[ChainBatches] | None


def leader_view(
    caller: Principal,
    store: Store,
    results: Results,
    settings: Settings,
    bounds: Bounds,
    weights: Weights,
    leader: str,
    day: date,
    *,
    tier: int | None = None,
    state: str | None = None,
) -> LeaderView:
    """The page of ``leader`` as the caller may see it (404 when the leader lies outside its
    bounds), its tiers narrowed to ``tier`` and ``state`` when given."""
    depth = settings.max_depth
    tiers: Tiers = results.get(
        ("tiers-view", store.generation(), leader, depth, day, weights, bounds.key),
        lambda: leader_tiers(store, results, bounds, weights, leader, depth, day),
    )
    groups: dict[int, list[Tier]] = {}
    for firm in tiers.firms:
        if firm.tier == 0:
            continue
        if (tier is None or firm.tier == tier) and (
            state is None or firm.certification.state == state
        ):
            groups.setdefault(firm.tier, []).append(firm)
    order = sorted(groups, key=lambda t: (t < 0, t))
    weak = tree_weak_links(caller, store, results, settings, bounds, weights, leader, day)
    chains = weak.chains if weak is not None else _led(caller, store, results, leader)
    present = {f.tier for f in tiers.firms if f.tier != 0}
    states = {f.certification.state for f in tiers.firms if f.tier != 0}
    return LeaderView(
        leader=next(f for f in tiers.firms if f.tier == 0),
        tiers=tiers,
        shown=[(t, groups[t]) for t in order],
        tier_choices=sorted(present, key=lambda t: (t < 0, t)),
        state_choices=[s.value for s in CertState if s.value in states],
        calendar=expiry_calendar(tiers),
        weak_links=weak,
        batches=leader_batches(caller, store, results, settings, weights, chains, day),
    )


def _led(caller: Principal, store: Store, results: Results, leader: str) -> list[ChainRow]:
    led = led_chains(results, store, leader)
    return [c for c in visible_chains(caller, store, results) if c.chain_id in led]
