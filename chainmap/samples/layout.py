"""How a sample dataset is laid out: which firm numbers form which chain and segment.

Firms are numbered chain by chain and, inside a chain, segment by segment, so the firms of a
segment are one contiguous range; a chain's leaders are the first firms of its leader segment and
every segment lists its biggest firms first. Nothing per firm is stored here.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

from chainmap.samples.templates import (
    NEIGHBOURS,
    REGIONS,
    TEMPLATES,
    ChainTemplate,
    SegmentTemplate,
)

__all__ = [
    "MIN_FIRMS_PER_CHAIN",
    "ChainPlan",
    "SegmentPlan",
    "plan_chains",
    "random_stream",
    "region_pools",
    "uscc_at",
]

MIN_FIRMS_PER_CHAIN = 20  # leaders plus at least one firm in each of up to nine segments


@dataclass(frozen=True, slots=True)
class SegmentPlan:
    """A segment of one chain: firms ``lo`` to ``hi - 1``, plus guests from other chains."""

    template: SegmentTemplate
    lo: int
    hi: int
    guests: array[int] = field(default_factory=lambda: array("q"))


@dataclass(frozen=True, slots=True)
class ChainPlan:
    """One chain: its firms ``lo`` to ``hi - 1``; ``homes`` are the leaders' region codes."""

    chain_id: str
    name: str
    region_code: str  # "" = national
    template: ChainTemplate
    lo: int
    hi: int
    leaders: int
    homes: tuple[str, ...]
    segments: dict[str, SegmentPlan]

    @property
    def leader_segment(self) -> SegmentPlan:
        return self.segments[self.template.leader_segment]


def random_stream(seed: int, purpose: str) -> random.Random:
    """An independent random stream per purpose, so changing one part leaves the others' output.

    String seeds are hashed with SHA-512 by :mod:`random`, not with ``hash()``, so they are stable
    across processes.
    """
    return random.Random(f"chainmap.samples:{seed}:{purpose}")


def uscc_at(codes: bytearray, firm: int) -> str:
    """The USCC of ``firm`` from the packed 18-bytes-per-firm array."""
    return codes[18 * firm : 18 * firm + 18].decode("ascii")


def plan_chains(enterprises: int, chains: int, seed: int) -> list[ChainPlan]:
    """Cut firm numbers 0 .. enterprises-1 into chains and segments; pick homes and leaders.

    Chain sizes vary by up to 40 % around the mean. Templates are used in turn; the n-th chain of
    a template sits in its n-th home (NEV-01 合肥, NEV-02 national, NEV-03 常州 ...).
    """
    rng = random_stream(seed, "plan")
    weights = [rng.uniform(0.6, 1.4) for _ in range(chains)]
    spare = enterprises - MIN_FIRMS_PER_CHAIN * chains
    sizes = [MIN_FIRMS_PER_CHAIN + int(spare * w / sum(weights)) for w in weights]
    sizes[0] += enterprises - sum(sizes)
    plan, lo = [], 0
    for c, size in enumerate(sizes):
        template = TEMPLATES[c % len(TEMPLATES)]
        nth = c // len(TEMPLATES)
        home = template.homes[nth % len(template.homes)]
        lap = nth // len(template.homes)
        label = (home[1] if home else "全国") + (str(lap + 1) if lap else "")
        leaders = rng.choices((1, 2, 3), weights=(5, 3, 2))[0]
        if home is None:  # a national chain: each leader in another cluster of the template
            homes = tuple(rng.sample([h[0] for h in template.homes if h is not None], leaders))
        else:
            homes = (home[0],) * leaders
        plan.append(
            ChainPlan(
                chain_id=f"{template.code}-{nth + 1:02d}",
                name=f"{template.name}产业链（{label}）",
                region_code=home[0] if home else "",
                template=template,
                lo=lo,
                hi=lo + size,
                leaders=leaders,
                homes=homes,
                segments=_plan_segments(template, lo, size, leaders),
            )
        )
        lo += size
    return plan


def _plan_segments(
    template: ChainTemplate, lo: int, size: int, leaders: int
) -> dict[str, SegmentPlan]:
    """Firms per segment by template weight; every segment gets at least one."""
    rest = size - leaders
    total = sum(s.weight for s in template.segments)
    counts = {s.key: max(1, int(rest * s.weight / total)) for s in template.segments}
    # The leader segment holds the leaders and, in big chains, a few other assemblers.
    lead = next(s for s in template.segments if s.key == template.leader_segment)
    counts[lead.key] = leaders + int(rest * lead.weight / total)
    largest = max(template.segments, key=lambda s: s.weight).key
    counts[largest] += size - sum(counts.values())
    segments = {}
    for s in template.segments:
        segments[s.key] = SegmentPlan(s, lo, lo + counts[s.key])
        lo += counts[s.key]
    return segments


def region_pools(homes: Iterable[str]) -> tuple[list[int], ...]:
    """Indexes into REGIONS near the homes: same prefecture, province, neighbouring provinces, all."""
    prefectures = {h[:4] for h in homes}
    provinces = {h[:2] for h in prefectures}
    beside = {n for p in provinces for n in NEIGHBOURS.get(p, ())} - provinces
    everywhere = list(range(len(REGIONS)))
    near = [i for i in everywhere if REGIONS[i].code[:4] in prefectures]
    province = [i for i in everywhere if REGIONS[i].code[:2] in provinces]
    neighbours = [i for i in everywhere if REGIONS[i].code[:2] in beside] or province
    return near, province, neighbours, everywhere
