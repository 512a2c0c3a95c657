"""A leader's supplier tiers and direct customers. A leader sees its own only; a regulator the
firms of the tree within its regions, when the leader itself is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from chainmap.access import Role

from ..computed import cached_json, tree_read
from ..deps import ResultsDep, SettingsDep, StoreDep, TiersCaller
from ..schemas import Enterprise, Tier, Tiers
from ..scope import bounds_of, visible_firms
from .enterprises import USCC, not_found

router = APIRouter(tags=["leaders"])


@router.get(
    "/leaders/{uscc}/tiers",
    summary="A leader's supplier tiers and direct customers",
    response_model=Tiers,
)
def tiers(
    uscc: USCC,
    caller: TiersCaller,
    store: StoreDep,
    settings: SettingsDep,
    results: ResultsDep,
    depth: Annotated[int, Query(ge=1, le=10, description="tiers of suppliers")] = 3,
) -> Response:
    if caller.role is Role.LEADER and caller.enterprise != uscc:
        raise not_found(uscc)
    depth = min(depth, settings.max_depth)
    bounds = bounds_of(caller, store, settings.max_depth, results)

    def build() -> Tiers:
        read = tree_read(results, store, uscc, depth)
        visible = visible_firms(store, bounds, read.tiers)
        if not any(row.uscc == uscc for row in visible):
            raise not_found(uscc)
        firms = [Tier(**Enterprise.of(r).model_dump(), tier=read.tiers[r.uscc]) for r in visible]
        firms.sort(key=lambda t: (t.tier < 0, t.tier, t.uscc))
        return Tiers(leader=uscc, depth=depth, firms=firms)

    return cached_json(results, store, ("tiers", uscc, depth, bounds.key), build)
