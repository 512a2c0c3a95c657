"""Health and what the store holds."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import AggregatesCaller, PublicRoute, StoreDep
from ..schemas import Health, Stats

router = APIRouter(tags=["system"])


@router.get("/health", summary="The service answers")
def health(_: PublicRoute) -> Health:
    return Health()


@router.get("/stats", summary="Counts of what the store holds (an aggregate)")
def stats(_: AggregatesCaller, store: StoreDep) -> Stats:
    return Stats(**store.stats())
