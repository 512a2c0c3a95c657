"""Chains: every chain for regulators, analysts and admins; a leader sees the chains it leads."""

from __future__ import annotations

from fastapi import APIRouter

from chainmap.access import Role

from ..deps import ChainsCaller, ResultsDep, StoreDep
from ..schemas import Chain
from ..scope import led_chains

router = APIRouter(tags=["chains"])


@router.get("/chains", summary="The chains the caller may see")
def chains(caller: ChainsCaller, store: StoreDep, results: ResultsDep) -> list[Chain]:
    if caller.role is Role.LEADER:
        assert caller.enterprise is not None
        led = led_chains(results, store, caller.enterprise)
        return [Chain.of(c) for c in store.chains() if c.chain_id in led]
    return [Chain.of(c) for c in store.chains()]
