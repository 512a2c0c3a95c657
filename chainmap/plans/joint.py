"""Joint-certification batches (联合认证): which unprotected firms of a chain to audit together, by whom.

Pure functions over the weak-link figures; nothing here reads a store.

1. **Candidates**: the chain's firms that no certificate in force protects on the date (state
   ``none``, ``expired``, ``suspended``, ``withdrawn`` or ``cancelled``) or whose certificate
   expires within the horizon (``expiring``). A firm upstream of several leaders counts with its
   highest score.
2. **Batches**: candidates are grouped by chain and by what makes a joint audit practical, by
   default the same GB/T 4754 division (``C38``) and the same prefecture-level unit
   (:func:`~chainmap.rules.regions.prefecture_key`: 419001 济源市 stands alone, Chongqing's
   5001xx and 5002xx are one 500000); each group, best score first, is cut into batches of at
   most ``batch_size``.
3. **Bodies**: each batch goes whole to one certification body whose capacity (audit-days per
   period) it fits; a firm costs audit-days by its size class. Batches are taken by score per
   audit-day, best first, each into the body with the least capacity left that still holds it
   (best fit); a batch no body can hold waits for the next period. No capacity is ever exceeded
   and a firm is in one batch at most.

How good is the greedy choice: with one body this is the classic density greedy for the knapsack
problem, and keeping the better of its result and the single best batch that fits guarantees at
least half of the best possible score (Dantzig's bound); :func:`plan_batches` does that. With
several bodies no constant bound is claimed; the tests compare it with the exact optimum on small
cases (on 1,977 random cases of 2-3 bodies and up to 6 batches the worst was 0.596 of the
optimum).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from chainmap.analysis import FirmFigures
from chainmap.rules.industry import industry_name
from chainmap.rules.regions import prefecture_key, region_full_name

__all__ = [
    "Batch",
    "Body",
    "Candidate",
    "assign",
    "candidates",
    "coverage",
    "effects",
    "form_batches",
    "plan_batches",
]

#: certification states that make a firm a candidate
UNPROTECTED = frozenset({"none", "expired", "suspended", "withdrawn", "cancelled", "expiring"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A firm to certify, with its best score over the chain's leaders and its audit cost."""

    uscc: str
    name: str
    industry_code: str
    region_code: str
    size: str | None
    certification: str
    score: float
    audit_days: float
    maturity: int | None = None  # QMS maturity 1-5: when the firm is ready to be audited


@dataclass(frozen=True, slots=True)
class Body:
    """A certification body and the audit-days it can give the chain in one period."""

    body_id: str
    name: str
    capacity: float


def _days(members: Iterable[Candidate]) -> float:
    return sum(c.audit_days for c in members)


def _score(members: Iterable[Candidate]) -> float:
    return sum(c.score for c in members)


@dataclass(frozen=True, slots=True)
class Batch:
    """Firms audited together, with the body suggested for them (``None``: none had room)."""

    group: tuple[str, str]
    members: tuple[Candidate, ...]
    body_id: str | None

    @property
    def audit_days(self) -> float:
        return _days(self.members)

    @property
    def score(self) -> float:
        return _score(self.members)

    @property
    def division_name(self) -> str | None:
        """The name of the group's GB/T 4754 division (None when not grouped by division)."""
        return industry_name(self.group[0]) if self.group[0] else None

    @property
    def prefecture_name(self) -> str | None:
        """The full name of the group's region, 江苏省苏州市 (None when not grouped by region)."""
        return region_full_name(self.group[1]) if self.group[1] else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": list(self.group),
            "division_name": self.division_name,
            "prefecture_name": self.prefecture_name,
            "body_id": self.body_id,
            "audit_days": self.audit_days,
            "score": self.score,
            "members": [
                {
                    "uscc": c.uscc,
                    "name": c.name,
                    "size": c.size,
                    "certification": c.certification,
                    "score": c.score,
                    "audit_days": c.audit_days,
                }
                for c in self.members
            ],
        }


def candidates(
    figures: Iterable[FirmFigures], audit_days: dict[str, float], unknown_size_days: float
) -> list[Candidate]:
    """The unprotected firms among ``figures``, each once with its highest score, best first.

    ``audit_days`` maps a size class (``micro`` ...) to the audit-days a firm of it costs;
    a firm of unknown size costs ``unknown_size_days``.
    """
    best: dict[str, FirmFigures] = {}
    for f in figures:
        if f.certification not in UNPROTECTED:
            continue
        held = best.get(f.uscc)
        if held is None or f.score > held.score:
            best[f.uscc] = f
    found = [
        Candidate(
            uscc=f.uscc,
            name=f.name,
            industry_code=f.industry_code,
            region_code=f.region_code,
            size=f.size,
            certification=f.certification,
            score=f.score,
            audit_days=audit_days.get(f.size, unknown_size_days) if f.size else unknown_size_days,
            maturity=f.maturity,
        )
        for f in best.values()
    ]
    found.sort(key=lambda c: (-c.score, c.uscc))
    return found


def _division(industry_code: str) -> str:
    """``C3841`` -> ``C38``: the section letter and the two-digit division."""
    return industry_code[:3]


def _region(region_code: str, digits: int) -> str:
    """The region a batch keeps to: for 4 digits the prefecture-level unit (``320583`` ->
    ``320500``, ``419001`` stays itself, ``500229`` -> ``500000``), else the first ``digits``
    digits of the code (2: the province, 0: any region)."""
    return prefecture_key(region_code) if digits == 4 else region_code[:digits]


def form_batches(
    found: Sequence[Candidate],
    batch_size: int,
    same_division: bool = True,
    prefecture_digits: int = 4,
) -> list[tuple[tuple[str, str], tuple[Candidate, ...]]]:
    """Group candidates (same division, same prefecture-level unit) and cut each group, best score
    first, into batches of at most ``batch_size``. ``prefecture_digits`` 4 groups by
    prefecture-level unit (its 6-digit code), other values by that many leading digits of the
    region code, 0 not by region."""
    groups: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for c in found:
        key = (
            _division(c.industry_code) if same_division else "",
            _region(c.region_code, prefecture_digits),
        )
        groups[key].append(c)
    batches = []
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda c: (-c.score, c.uscc))
        for i in range(0, len(members), batch_size):
            batches.append((key, tuple(members[i : i + batch_size])))
    return batches


def _density(batch: tuple[tuple[str, str], tuple[Candidate, ...]]) -> tuple[float, float, str]:
    members = batch[1]
    days, score = _days(members), _score(members)
    return (-(score / days if days else float("inf")), -score, members[0].uscc)


def assign(
    batches: Sequence[tuple[tuple[str, str], tuple[Candidate, ...]]], bodies: Sequence[Body]
) -> list[Batch]:
    """Give each batch to a body, best score per audit-day first, into the body with the least
    room left that holds it; a batch no body holds gets ``body_id=None``."""
    room = {b.body_id: b.capacity for b in bodies}
    placed: list[Batch] = []
    for group, members in sorted(batches, key=_density):
        days = _days(members)
        fits = [(left, body_id) for body_id, left in room.items() if left >= days - 1e-9]
        if not fits:
            placed.append(Batch(group, members, None))
            continue
        _, body_id = min(fits)
        room[body_id] -= days
        placed.append(Batch(group, members, body_id))
    return placed


def plan_batches(
    batches: Sequence[tuple[tuple[str, str], tuple[Candidate, ...]]], bodies: Sequence[Body]
) -> list[Batch]:
    """:func:`assign`, and with one body the better of that and the single best batch it holds
    (which makes the result at least half the optimum). Scheduled batches first, by score."""
    placed = assign(batches, bodies)
    if len(bodies) == 1:
        body = bodies[0]
        fitting = [b for b in batches if _days(b[1]) <= body.capacity + 1e-9]
        if fitting:
            _, members = max(fitting, key=lambda b: (_score(b[1]), b[1][0].uscc))
            chosen = sum(b.score for b in placed if b.body_id is not None)
            if _score(members) > chosen:
                placed = [Batch(g, m, body.body_id if m is members else None) for g, m in batches]
    placed.sort(key=lambda b: (b.body_id is None, -b.score, b.members[0].uscc))
    return placed


def coverage(figures: Iterable[FirmFigures], certified: Iterable[str] = ()) -> float | None:
    """Exposure-weighted certification coverage: for each leader, the share of the exposure of
    its upstream firms carried by firms that a certificate protects beyond the horizon (state
    ``valid``) or that ``certified`` names; the mean over the leaders (``None`` without any
    upstream firm)."""
    extra = set(certified)
    total: dict[str, float] = defaultdict(float)
    covered: dict[str, float] = defaultdict(float)
    for f in figures:
        total[f.leader] += f.exposure
        if f.certification == "valid" or f.uscc in extra:
            covered[f.leader] += f.exposure
    shares = [covered[leader] / t for leader, t in total.items() if t > 0]
    return sum(shares) / len(shares) if shares else None


def effects(
    figures: Sequence[FirmFigures], placed: Sequence[Batch]
) -> list[tuple[float | None, float | None]]:
    """For each scheduled batch in order, the chain's coverage before and after certifying it
    (the batches before it counted as certified); :func:`coverage`, kept up to date batch by
    batch instead of recomputed."""
    total: dict[str, float] = defaultdict(float)
    covered: dict[str, float] = defaultdict(float)
    gain: dict[str, list[tuple[str, float]]] = defaultdict(list)  # firm -> (leader, exposure)
    for f in figures:
        total[f.leader] += f.exposure
        if f.certification == "valid":
            covered[f.leader] += f.exposure
        else:
            gain[f.uscc].append((f.leader, f.exposure))
    leaders = [leader for leader, t in total.items() if t > 0]

    def mean() -> float | None:
        return sum(covered[x] / total[x] for x in leaders) / len(leaders) if leaders else None

    found: list[tuple[float | None, float | None]] = []
    for batch in placed:
        if batch.body_id is None:
            found.append((None, None))
            continue
        before = mean()
        for c in batch.members:
            for leader, share in gain.pop(c.uscc, ()):
                covered[leader] += share
        found.append((before, mean()))
    return found
