"""Sample supply links: who buys which product from whom, in what share and for how much.

Customers buy the products of the segments that feed theirs. Suppliers are drawn with a Zipf-like
skew towards the first (biggest) firms of a segment, so a few suppliers serve many customers, as
preferential attachment would give. Leaders buy every input, from many suppliers; other firms buy
a few, so that a chain has about three links per firm.
"""

from __future__ import annotations

import math
import random
from array import array
from collections.abc import Iterator

from chainmap.samples.layout import ChainPlan, SegmentPlan, random_stream, uscc_at

__all__ = ["LINKS_PER_FIRM", "ZIPF", "supply_rows"]

LINKS_PER_FIRM = 3.0
ZIPF = 2.5  # supplier = segment start + n * u**ZIPF: the top 1 % of a segment wins ~16 % of picks
_MEAN_SOURCES = 2.4  # mean suppliers per product for a non-leader: 30 % one, else 2 to 4
_MATERIALS = 0.6  # share of revenue spent on purchased inputs

Offer = tuple[SegmentPlan, str]  # a product and the segment that makes it


def supply_rows(
    plan: list[ChainPlan], codes: bytearray, revenue: array[float], seed: int
) -> Iterator[tuple[str, str, str, str, str]]:
    """supply.csv rows, chain by chain: leaders' purchases first, then every other buyer's.

    Each row is (supplier_uscc, customer_uscc, product, share, annual_value). Shares of one
    customer's product sum to exactly 1; about 3 % of products have blank shares, 5 % of rows a
    blank value. Suppliers that are guests of a chain (see ``SegmentPlan.guests``) are offered too.
    """
    rng = random_stream(seed, "supply")
    for chain in plan:
        offers: dict[str, list[Offer]] = {
            s.key: [
                (chain.segments[f.key], product)
                for f in chain.template.segments
                if s.key in f.feeds
                for product in f.products
            ]
            for s in chain.template.segments
        }
        lead = chain.leader_segment
        budget = LINKS_PER_FIRM * (chain.hi - chain.lo)
        for firm in range(lead.lo, lead.lo + chain.leaders):
            rows = _purchases(rng, codes, revenue, firm, offers[lead.template.key], True)
            budget -= len(rows)
            yield from rows
        buyers = [s for s in chain.segments.values() if offers[s.template.key]]
        left = sum(s.hi - s.lo for s in buyers) - chain.leaders
        for segment in buyers:
            menu = offers[segment.template.key]
            first = segment.lo + (chain.leaders if segment is lead else 0)
            for firm in range(first, segment.hi):
                rank = (firm - segment.lo) / (segment.hi - segment.lo)
                # What is left of the budget, shared over the buyers left; bigger firms (low rank)
                # buy more, and 0.5 + 1.5 (1 - rank)^2 averages 1 over a segment.
                target = max(budget, 0.0) / left * (0.5 + 1.5 * (1 - rank) ** 2)
                left -= 1
                wanted = min(len(menu), max(1, int(target / _MEAN_SOURCES + rng.random())))
                rows = _purchases(rng, codes, revenue, firm, rng.sample(menu, wanted), False)
                budget -= len(rows)
                yield from rows


def _purchases(
    rng: random.Random,
    codes: bytearray,
    revenue: array[float],
    customer: int,
    picks: list[Offer],
    leader: bool,
) -> list[tuple[str, str, str, str, str]]:
    """One customer's rows for the picked products."""
    buyer = uscc_at(codes, customer)
    spend = revenue[customer] * _MATERIALS / max(1, len(picks))
    rows = []
    for segment, product in picks:
        if rng.random() < (0.15 if leader else 0.3):
            wanted = 1  # single-sourced
        elif leader:
            wanted = rng.randint(2, max(2, min(40, 2 + math.isqrt(segment.hi - segment.lo))))
        else:
            wanted = rng.randint(2, 4)
        suppliers = _pick_suppliers(rng, segment, wanted, customer)
        blank_shares = rng.random() < 0.03  # the customer did not say how it splits this product
        for supplier, unit in zip(suppliers, _share_units(rng, len(suppliers)), strict=True):
            share = "" if blank_shares else f"{unit / 10_000:g}"
            value = "" if rng.random() < 0.05 else f"{max(0.1, spend * unit / 10_000):.1f}"
            rows.append((uscc_at(codes, supplier), buyer, product, share, value))
    return rows


def _pick_suppliers(
    rng: random.Random, segment: SegmentPlan, wanted: int, customer: int
) -> list[int]:
    """Distinct suppliers from a segment, skewed to its first (biggest) firms and its guests."""
    size, guests = segment.hi - segment.lo, len(segment.guests)
    guest_odds = 2 * guests / (size + 2 * guests)
    chosen: list[int] = []
    for _ in range(4 * wanted + 4):  # a few retries for repeats; small pools may give fewer
        if guests and rng.random() < guest_odds:
            firm = segment.guests[int(rng.random() * guests)]
        else:
            firm = segment.lo + int(size * rng.random() ** ZIPF)
        if firm != customer and firm not in chosen:
            chosen.append(firm)
            if len(chosen) == wanted:
                break
    return chosen


def _share_units(rng: random.Random, count: int) -> list[int]:
    """Purchase shares in units of 1/10,000 summing to exactly 10,000, biggest first."""
    if count <= 1:
        return [10_000] * count
    weights = sorted((rng.random() + 0.1 for _ in range(count)), reverse=True)
    total = sum(weights)
    units = [max(1, round(10_000 * w / total)) for w in weights[:-1]]
    units.append(10_000 - sum(units))
    while units[-1] < 1:  # rounding took too much: move units from the biggest share
        units[0] -= 1
        units[-1] += 1
    return units
