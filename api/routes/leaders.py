"""A leader's supplier tiers and direct customers, each firm with its certificate as judged on
the day and why. A leader sees its own only; a regulator the firms of the tree within its
regions, when the leader itself is."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from chainmap.analysis import Weights, certification
from chainmap.errors import NotFound
from chainmap.records import CertificateRow
from chainmap.store import Store

from ..cache import Results
from ..computed import body_names, cached_json, tree_read
from ..deps import BoundsDep, LeaderDep, ResultsDep, SettingsDep, StoreDep, TiersCaller, WeightsDep
from ..errors import missing
from ..params import AsOf
from ..schemas import CertificationOut, Enterprise, Tier, Tiers
from ..scope import Bounds, visible_firms

router = APIRouter(tags=["leaders"])


@router.get(
    "/leaders/{uscc}/tiers",
    summary="A leader's supplier tiers and direct customers, with their certificates",
    response_model=Tiers,
)
def tiers(
    _: TiersCaller,
    leader: LeaderDep,
    store: StoreDep,
    settings: SettingsDep,
    results: ResultsDep,
    bounds: BoundsDep,
    weights: WeightsDep,
    day: AsOf,
    depth: Annotated[int, Query(ge=1, le=10, description="tiers of suppliers")] = 3,
) -> Response:
    depth = min(depth, settings.max_depth)
    return cached_json(
        results,
        store,
        ("tiers", leader, depth, day, weights, bounds.key),
        lambda: leader_tiers(store, results, bounds, weights, leader, depth, day),
    )


def leader_tiers(
    store: Store,
    results: Results,
    bounds: Bounds,
    weights: Weights,
    leader: str,
    depth: int,
    day: date,
) -> Tiers:
    """The leader's supplier tiers up to ``depth`` and its direct customers within ``bounds``,
    each with its certification on ``day``: what the route answers and the console's leader
    page shows. 404 when the leader itself lies outside the bounds or does not exist."""
    try:
        read = tree_read(results, store, leader, depth)
    except NotFound:  # answered as a firm outside the bounds is
        raise missing("enterprise", leader) from None
    visible = visible_firms(store, bounds, read.tiers)
    if not any(row.uscc == leader for row in visible):
        raise missing("enterprise", leader)
    held: dict[str, list[CertificateRow]] = {}
    for cert in read.certificates:
        held.setdefault(cert.uscc, []).append(cert)
    names = body_names(results, store)
    expiring = weights.thresholds.expiring_days
    firms = [
        Tier(
            **Enterprise.of(r).model_dump(),
            tier=read.tiers[r.uscc],
            certification=CertificationOut.of(
                certification(held.get(r.uscc, ()), day, expiring),
                day,
                names,
            ),
        )
        for r in visible
    ]
    firms.sort(key=lambda t: (t.tier < 0, t.tier, t.uscc))
    return Tiers(leader=leader, depth=depth, as_of=day, firms=firms)
