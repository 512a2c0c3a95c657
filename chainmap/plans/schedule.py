"""The joint-certification schedule: batches quarter by quarter, within the bodies' audit capacity
and the firms' readiness, up to the programme's end; and the milestones it gives.

1. **Readiness.** A firm below the ready maturity prepares first (贯标辅导): it waits
   ``quarters_per_level`` quarters for each level it lacks (a firm of unknown maturity waits
   ``unknown_maturity``). A batch is ready when its last firm is.
2. **Quarters.** In each quarter every body has its capacity (audit-days per period) again; the
   ready batches not yet audited are given to bodies as :func:`~chainmap.plans.joint.plan_batches`
   does (best score per audit-day first, best fit); what does not fit waits for the next quarter.
   Batches left after the last quarter are not audited within the programme.
3. **Milestones.** After each quarter, the firms certified so far and the chain's
   exposure-weighted coverage counting them as certified (:func:`~chainmap.plans.joint.coverage`).

Pure functions; nothing here reads a store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from chainmap.analysis import FirmFigures
from chainmap.plans.joint import Batch, Body, Candidate, coverage, plan_batches

__all__ = ["Quarter", "Schedule", "quarter_end", "quarters", "schedule"]

Formed = tuple[tuple[str, str], tuple[Candidate, ...]]


def quarters(start: date, end: date) -> list[str]:
    """The quarters from the one after ``start`` to the one holding ``end``: ``2027Q1`` ..."""
    year, q = start.year, (start.month - 1) // 3 + 1
    found: list[str] = []
    while True:
        q += 1
        if q == 5:
            year, q = year + 1, 1
        if (year, q) > (end.year, (end.month - 1) // 3 + 1):
            return found
        found.append(f"{year}Q{q}")


def quarter_end(label: str) -> date:
    """``2027Q1`` -> 2027-03-31: the quarter's last day."""
    year, q = int(label[:4]), int(label[5])
    first_of_next = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return first_of_next - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Quarter:
    """A quarter of the schedule: what is audited in it and where the chain stands after it."""

    quarter: str
    batches: int
    firms: int
    audit_days: float
    capacity: float  # the bodies' audit-days in the quarter
    certified: int  # firms certified by the plan up to the end of the quarter (cumulative)
    coverage_after: float | None
    firms_audited: tuple[str, ...]  # the trace: USCCs audited in the quarter


@dataclass(frozen=True, slots=True)
class Schedule:
    """The batches in the order audited (each with its quarter; ``None``: not within the
    programme), the quarters, and the coverage if every candidate were certified."""

    batches: list[Batch]
    batch_quarters: list[str | None]
    ready_quarters: list[str | None]  # the first quarter each batch's firms are ready in
    quarters: list[Quarter]
    coverage_all: float | None

    def quarter_of(self) -> dict[str, str]:
        """Each scheduled firm's quarter."""
        return {
            c.uscc: q
            for b, q in zip(self.batches, self.batch_quarters, strict=True)
            if q is not None
            for c in b.members
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "quarters": [
                {
                    "quarter": q.quarter,
                    "batches": q.batches,
                    "firms": q.firms,
                    "audit_days": q.audit_days,
                    "capacity": q.capacity,
                    "certified": q.certified,
                    "coverage_after": q.coverage_after,
                    "firms_audited": list(q.firms_audited),
                }
                for q in self.quarters
            ],
            "coverage_all": self.coverage_all,
        }


def schedule(
    figures: Sequence[FirmFigures],
    batches: Sequence[Formed],
    bodies: Sequence[Body],
    labels: Sequence[str],
    wait: Callable[[int | None], int],
) -> Schedule:
    """Batches into the quarters ``labels`` (see the module docstring); ``wait`` gives the
    quarters of preparation of a firm of a maturity."""
    ready = {id(b[1]): max((wait(c.maturity) for c in b[1]), default=0) for b in batches}
    left = list(batches)
    certified: set[str] = set()
    done: list[Batch] = []
    done_quarters: list[str | None] = []
    found: list[Quarter] = []
    capacity = sum(b.capacity for b in bodies)
    for i, label in enumerate(labels):
        now = [b for b in left if ready[id(b[1])] <= i]
        placed = [b for b in plan_batches(now, bodies) if b.body_id is not None] if bodies else []
        taken = {id(b.members) for b in placed}
        left = [b for b in left if id(b[1]) not in taken]
        audited = tuple(c.uscc for b in placed for c in b.members)
        certified.update(audited)
        done += placed
        done_quarters += [label] * len(placed)
        found.append(
            Quarter(
                label,
                len(placed),
                len(audited),
                sum(b.audit_days for b in placed),
                capacity,
                len(certified),
                coverage(figures, certified) if certified else coverage(figures),
                audited,
            )
        )
    waiting = sorted(left, key=lambda b: (-sum(c.score for c in b[1]), b[1][0].uscc))
    every = {c.uscc for b in batches for c in b[1]}
    ordered = done + [Batch(g, m, None) for g, m in waiting]
    return Schedule(
        batches=ordered,
        batch_quarters=done_quarters + [None] * len(waiting),
        ready_quarters=[
            labels[ready[id(b.members)]] if ready[id(b.members)] < len(labels) else None
            for b in ordered
        ],
        quarters=found,
        coverage_all=coverage(figures, every),
    )
