"""Chains: every chain for regulators, analysts and admins; a leader sees the chains it leads."""

from __future__ import annotations

from fastapi import APIRouter

from chainmap.access import Role

from ..deps import ChainsCaller, StoreDep
from ..schemas import Chain

router = APIRouter(tags=["chains"])


@router.get("/chains", summary="The chains the caller may see")
def chains(caller: ChainsCaller, store: StoreDep) -> list[Chain]:
    if caller.role is Role.LEADER:
        assert caller.enterprise is not None
        led = {row.chain_id for row in store.supplier_tiers(caller.enterprise, 0).leaders}
        return [Chain.of(c) for c in store.chains() if c.chain_id in led]
    return [Chain.of(c) for c in store.chains()]
