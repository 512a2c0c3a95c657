"""Atlases read from a store: the one place that picks the store read each view needs, runs the
analysis on it and hands the graph to :mod:`chainmap.visualizations` (which opens no store).
The CLI's ``atlas`` command and the HTTP API both call :func:`atlas_from_store`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from chainmap.analysis import Weights, weak_links
from chainmap.errors import ConfigError
from chainmap.exports import write_atomic
from chainmap.graph import to_digraph
from chainmap.rules.industry import SECTIONS
from chainmap.rules.regions import validate_region_prefix
from chainmap.store import Store

if TYPE_CHECKING:
    from chainmap.visualizations import Atlas

__all__ = [
    "AtlasKind",
    "AtlasRequest",
    "atlas_from_store",
    "validate_industry_prefix",
    "write_page",
]

#: the deepest supplier tier a leader atlas reads
MAX_DEPTH = 10


class AtlasKind(StrEnum):
    CHAIN = "chain"
    LEADER = "leader"
    REGION = "region"
    ENTERPRISE = "enterprise"


@dataclass(frozen=True, slots=True)
class AtlasRequest:
    """Which atlas to draw: ``key`` is a chain id, a USCC or a region-code prefix. A chain is
    drawn as a whole, segment by segment, unless ``firms`` or ``segment`` asks for its firms."""

    kind: AtlasKind
    key: str
    as_of: date
    lang: str = "zh"
    industry: str | None = None
    depth: int = 3
    cap: int | None = 2000
    #: a chain atlas: this segment's firms (a segment id) instead of the chain as a whole
    segment: str | None = None
    #: a chain atlas: every firm of the chain instead of the chain as a whole
    firms: bool = False


def validate_industry_prefix(raw: str) -> str:
    """A GB/T 4754 code prefix: a section letter, optionally followed by digits (``C``,
    ``C38``, ``C3841``)."""
    code = raw.strip().upper()
    digits = code[1:]
    if (
        not code
        or code[0] not in SECTIONS
        or not ((digits.isascii() and digits.isdigit()) or not digits)
    ):
        raise ConfigError(
            f"industry {raw.strip()!r} is no GB/T 4754 code prefix: use a section letter and "
            "digits, e.g. C, C38 or C3841"
        )
    return code


def atlas_from_store(store: Store, request: AtlasRequest, weights: Weights) -> Atlas:
    """Read what the atlas needs, analyse it and build the atlas (raises :class:`NotFound` for
    an unknown chain or firm)."""
    from chainmap.visualizations import (
        chain_atlas,
        enterprise_atlas,
        leader_atlas,
        region_atlas,
        segment_atlas,
    )

    if not 1 <= request.depth <= MAX_DEPTH:
        raise ConfigError(f"depth {request.depth} is out of range: use 1 to {MAX_DEPTH}")
    if request.cap is not None and request.cap < 1:
        raise ConfigError(f"node cap {request.cap} must be at least 1")
    industry = validate_industry_prefix(request.industry) if request.industry else None
    day, lang = request.as_of, request.lang
    if request.kind is AtlasKind.REGION:
        prefix = validate_region_prefix(request.key)
        graph = to_digraph(store.region(prefix))
        return region_atlas(graph, prefix, day, weights, lang=lang, industry=industry)
    bodies = {b.body_id: b.name for b in store.bodies()}
    shown = {"lang": lang, "industry": industry, "bodies": bodies, "cap": request.cap}
    if request.kind is AtlasKind.CHAIN:
        graph = to_digraph(store.chain(request.key))
        figures = weak_links(graph, day, weights)
        if request.firms or request.segment is not None:
            return chain_atlas(graph, figures, day, weights, segment=request.segment, **shown)
        return segment_atlas(graph, figures, day, weights, lang=lang, industry=industry)
    depth = request.depth if request.kind is AtlasKind.LEADER else 1
    graph = to_digraph(store.supplier_tiers(request.key, depth))
    if request.kind is AtlasKind.LEADER:
        return leader_atlas(graph, request.key, depth, day, weights, **shown)
    return enterprise_atlas(graph, request.key, day, weights, **shown)


def write_page(html: str, out: Path) -> None:
    """Write a page as UTF-8, all or nothing: a failure leaves any earlier file as it was."""
    write_atomic(html.encode("utf-8"), out)
