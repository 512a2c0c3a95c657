"""One firm as the caller may see it: what ``GET /enterprises/{uscc}`` answers and the console's
firm page shows. The firm, its certificates, its direct suppliers and customers within the
caller's bounds (with the products and shares of the links); for the page also its weak-link
figures towards each leader of its chains, and what the leaders lose if it stopped supplying.

A firm outside the caller's bounds is not found, like one that does not exist (404)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from chainmap.access import Principal, Role
from chainmap.analysis import (
    REASONS,
    Certification,
    FirmFigures,
    Weights,
    certification,
    is_weak,
)
from chainmap.analysis.certification import certification_reasons
from chainmap.config import Settings
from chainmap.errors import NotFound
from chainmap.graph import to_digraph
from chainmap.records import CertificateRow, ChainRow, EnterpriseRow
from chainmap.rules.certificates import audit_due
from chainmap.store import Store

from .cache import Results
from .computed import body_names, caller_figures, tree_read
from .errors import missing
from .overview import visible_chains
from .permissions import Permission, grants
from .schemas import status_on_day
from .scope import Bounds, visible_firms
from .what_if import chain_what_if

__all__ = [
    "CertificateView",
    "ChainLoss",
    "Firm",
    "FirmCertification",
    "Link",
    "Loss",
    "Towards",
    "firm",
    "firm_certification",
    "firm_figures",
    "firm_what_if",
]


@dataclass(frozen=True, slots=True)
class Link:
    """A direct supplier or customer and the link between them: the products, the share of
    the buyer's purchases and the annual value (None where the data gives none)."""

    firm: EnterpriseRow
    products: tuple[str, ...]
    share: float | None
    annual_value: float | None


@dataclass(frozen=True, slots=True)
class Firm:
    """A firm within the caller's bounds, with what it holds and whom it trades with."""

    firm: EnterpriseRow
    certificates: list[CertificateRow]  # every certificate it holds or held, latest expiry first
    suppliers: list[Link]  # within the caller's bounds, in USCC order
    customers: list[Link]
    chains: tuple[str, ...]  # the chains it is a member of or leads


def firm(store: Store, results: Results, bounds: Bounds, uscc: str) -> Firm:
    """The firm ``uscc`` as the caller may see it (404 outside its bounds or when unknown)."""
    found = visible_firms(store, bounds, [uscc])
    if not found:
        raise missing("enterprise", uscc)
    read = tree_read(results, store, uscc, 1)
    graph = to_digraph(read)
    suppliers, customers = sorted(graph.predecessors(uscc)), sorted(graph.successors(uscc))
    shown = {row.uscc: row for row in visible_firms(store, bounds, {*suppliers, *customers})}

    def link(supplier: str, customer: str, other: str) -> Link:
        edge = graph.edges[supplier, customer]
        return Link(shown[other], tuple(edge["products"]), edge["share"], edge["annual_value"])

    node = graph.nodes[uscc]
    return Firm(
        firm=found[0],
        certificates=sorted(
            node["certificates"], key=lambda r: (r.expires_on, r.cert_no), reverse=True
        ),
        suppliers=[link(u, uscc, u) for u in suppliers if u in shown],
        customers=[link(uscc, u, u) for u in customers if u in shown],
        chains=tuple(
            sorted({c for c, _ in node["segments"]} | {led.chain_id for led in read.leaders})
        ),
    )


@dataclass(frozen=True, slots=True)
class CertificateView:
    """A certificate as judged on the day: its status then, its body's name, and for one in
    force the days left and the last day of its next surveillance audit."""

    row: CertificateRow
    body_name: str | None
    status: str  # a CertStatus value, on the day
    in_force: bool
    days_left: int | None  # in force: days to its expiry date
    audit_due: date | None  # in force: the last day of its next surveillance audit


@dataclass(frozen=True, slots=True)
class FirmCertification:
    """The firm's state on the day (chainmap.analysis.certification), why it is at risk, and the
    history of its certificates."""

    day: date
    found: Certification
    reasons: list[tuple[str, str, str]]  # code, Chinese, English
    days_left: int | None  # in force: days to the expiry of the certificate deciding the state
    certificates: list[CertificateView]


def firm_certification(
    store: Store, results: Results, seen: Firm, day: date, weights: Weights
) -> FirmCertification:
    """The firm's certification on ``day`` and each certificate's status then."""
    names = body_names(results, store)
    found = certification(seen.certificates, day, weights.thresholds.expiring_days)
    views = []
    for row in seen.certificates:
        status = status_on_day(row, day)
        in_force = status == "valid" and row.issued_on <= day
        views.append(
            CertificateView(
                row=row,
                body_name=names.get(row.body_id),
                status=status,
                in_force=in_force,
                days_left=(row.expires_on - day).days if in_force else None,
                audit_due=audit_due(row.issued_on, row.last_audit_on) if in_force else None,
            )
        )
    cert = found.certificate
    return FirmCertification(
        day=day,
        found=found,
        reasons=[(c, REASONS[c][0], REASONS[c][1]) for c in certification_reasons(found)],
        days_left=(cert.expires_on - day).days
        if cert is not None and found.state.protected
        else None,
        certificates=views,
    )


@dataclass(frozen=True, slots=True)
class Towards:
    """The firm's figures towards one leader of one chain. ``leader_name`` is None when the
    leader lies outside the caller's bounds (it is then named by its USCC only)."""

    chain: ChainRow
    leader: str
    leader_name: str | None
    figures: FirmFigures
    weak: bool


def _chains_of(caller: Principal, store: Store, results: Results, seen: Firm) -> list[ChainRow]:
    """The chains the caller may see that the firm is a member of."""
    return [c for c in visible_chains(caller, store, results) if c.chain_id in seen.chains]


def firm_figures(
    caller: Principal,
    store: Store,
    results: Results,
    settings: Settings,
    bounds: Bounds,
    weights: Weights,
    seen: Firm,
    day: date,
) -> list[Towards] | None:
    """The firm's weak-link figures towards each leader of each chain it belongs to that the
    caller may see, as ``GET /chains/{id}/weak-links`` computes them: a leader's towards itself
    on its own tree, anyone else's on the whole chain. None for a role that may not read weak
    links."""
    if not grants(caller.role, Permission.WEAK_LINKS):
        return None
    uscc = seen.firm.uscc
    tree_of = caller.enterprise if caller.role is Role.LEADER else None
    chains = _chains_of(caller, store, results, seen)
    if tree_of is not None and not chains:
        # a firm of the leader's tree on none of its chains: each of its chains' tables has it
        chains = visible_chains(caller, store, results)
    found: list[Towards] = []
    for chain in chains:
        try:
            graph, figures = caller_figures(
                results, store, caller, chain.chain_id, day, weights, settings.max_depth
            )
        except NotFound:  # a chain without a leader among its firms: nothing analysed
            continue
        for f in figures:
            if f.uscc == uscc:
                found.append(
                    Towards(
                        chain=chain,
                        leader=f.leader,
                        leader_name=_name_within(bounds, graph, f.leader),
                        figures=f,
                        weak=is_weak(f.score, weights.thresholds.min_score),
                    )
                )
    return found


def _name_within(bounds: Bounds, graph: Any, uscc: str) -> str | None:
    """The firm's name when it lies within ``bounds``, else None."""
    attrs = graph.nodes[uscc] if uscc in graph else {}
    if not attrs or not bounds.admits(uscc, attrs.get("region_code", "")):
        return None
    name: str = attrs.get("name", "")
    return name


@dataclass(frozen=True, slots=True)
class Loss:
    """What one leader loses: the share of its purchases, and the firms within the caller's
    bounds cut off from it (USCC, name)."""

    leader: str
    leader_name: str | None  # None: outside the caller's bounds
    lost_share: float
    cut_off: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class ChainLoss:
    chain: ChainRow
    losses: list[Loss]


def firm_what_if(
    caller: Principal,
    store: Store,
    results: Results,
    bounds: Bounds,
    weights: Weights,
    seen: Firm,
) -> list[ChainLoss] | None:
    """For each chain the firm belongs to that the caller may see, what each leader loses if the
    firm stopped supplying (``GET /chains/{id}/what-if?fail=USCC``). None for a role that may
    not run what-if."""
    if not grants(caller.role, Permission.WHAT_IF):
        return None
    found = []
    for chain in _chains_of(caller, store, results, seen):
        try:
            graph, losses = chain_what_if(
                store, results, bounds, weights, chain.chain_id, [seen.firm.uscc]
            )
        except NotFound:  # not a firm of the chain's graph after all: nothing to lose
            continue
        found.append(
            ChainLoss(
                chain,
                [
                    Loss(
                        leader=w.leader,
                        leader_name=_name_within(bounds, graph, w.leader),
                        lost_share=w.lost_share,
                        cut_off=_named(graph, w.cut_off),
                    )
                    for w in losses
                ],
            )
        )
    return found


def _named(graph: Any, usccs: Sequence[str]) -> list[tuple[str, str]]:
    return [(u, graph.nodes[u].get("name", "")) for u in usccs]
