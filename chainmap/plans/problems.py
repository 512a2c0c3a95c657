"""The problem list (问题清单): the chain's problems by category and level, each with the firms
concerned, its segment and region, a measure, an owner and a deadline.

A problem is one category in one segment and one prefecture-level unit: the firms of the segment
there whose weak-link reasons give the category (a firm counts with its highest-scoring figure).
The categories, their reasons, owners and measures are ``[categories]`` of planning.toml.

**Level (分级)**, by exposure and urgency, with the thresholds of ``[problems]`` in planning.toml:

The exposure of a problem is the share of the leaders' purchases that pass through its firms
(each firm's exposure, the mean over the leaders, summed over the firms and at most 1).

- 一级: the firms concerned carry at least ``level1_exposure`` (10 %) of that exposure,
  or the category comes from single points of failure (单点依赖: the only way goods reach a
  leader);
- 二级: at least ``level2_exposure`` (2 %), or urgent: from a certificate lapsed (证书失效),
  expiring within the warning period (证书到期) or overdue for its surveillance audit
  (监督审核逾期);
- 三级: the rest.

**Owner and deadline.** A category's owner says who answers for it. Structural problems
(单点依赖, 单一来源, 采购集中: owner ``leader``) belong to the leaders the firms supply, due at the
end of the ``level1_quarters``-th quarter after the plan's date (一级), the ``level2_quarters``-th
(二级) or by the target date (三级). Certificate problems (质量管理, 证书失效, 证书到期,
监督审核逾期: owner ``body``) belong to the certification bodies auditing the firms' batches, due
at the end of the last of those quarters; firms the schedule cannot audit within the programme
make the problem the bureau's too (find audit capacity), due by the target date. 人才队伍 (low
QMS maturity: training and guidance before an audit; owner ``bureau``) belongs to the
prefecture's market regulation bureau, due as its level says.

技术工艺 (process) and 产品质量 (product quality) need inspection and complaint data that the
store does not hold; the list has no problem of those categories until it does.

Pure functions; nothing here reads a store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from chainmap.analysis import FirmFigures
from chainmap.plans.schedule import quarter_end
from chainmap.rules.regions import prefecture_key, region_full_name, region_name

__all__ = ["LEVELS", "Category", "Owner", "Problem", "bureau_name", "problem_list"]


@dataclass(frozen=True, slots=True)
class Category:
    """A kind of problem: its names, the weak-link reasons that give it, who owns it and the
    measure the plan proposes."""

    zh: str
    en: str
    reasons: tuple[str, ...]
    owner: str  # leader, body or bureau
    measure_zh: str
    measure_en: str


#: reasons that make a problem urgent (二级 at least), and the one that makes it 一级
URGENT_REASONS = frozenset(
    {
        "certificate_expired",
        "certificate_suspended",
        "certificate_withdrawn",
        "certificate_cancelled",
        "certificate_expiring",
        "surveillance_overdue",
    }
)
SINGLE_POINT = "single_point_of_failure"

LEVELS: dict[int, tuple[str, str]] = {
    1: ("一级", "level 1"),
    2: ("二级", "level 2"),
    3: ("三级", "level 3"),
}


@dataclass(frozen=True, slots=True)
class Owner:
    """Who answers for a problem: ``kind`` leader, body or bureau, and its name."""

    kind: str
    key: str  # the leader's USCC, the body's id or the prefecture's code
    name: str


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of the list (see the module docstring)."""

    category: str
    level: int
    segment_id: str
    segment: str
    prefecture: str
    prefecture_name: str | None
    firms: tuple[tuple[str, str], ...]  # (uscc, name), highest score first
    exposure_share: float  # of the leaders' purchases passing through the firms (at most 1)
    owners: tuple[Owner, ...]
    deadline: date
    unscheduled: int  # firms of a certificate problem the schedule does not reach
    label: Category  # the category's names, owner and measure

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "category_zh": self.label.zh,
            "category_en": self.label.en,
            "level": self.level,
            "level_zh": LEVELS[self.level][0],
            "segment_id": self.segment_id,
            "segment": self.segment,
            "prefecture": self.prefecture,
            "prefecture_name": self.prefecture_name,
            "firms": [{"uscc": u, "name": n} for u, n in self.firms],
            "exposure_share": self.exposure_share,
            "measure_zh": self.label.measure_zh,
            "measure_en": self.label.measure_en,
            "owners": [{"kind": o.kind, "key": o.key, "name": o.name} for o in self.owners],
            "deadline": self.deadline.isoformat(),
            "unscheduled": self.unscheduled,
        }


def bureau_name(prefecture: str) -> str:
    """The market regulation bureau of a prefecture-level unit: 苏州市市场监督管理局."""
    return f"{region_name(prefecture) or prefecture}市场监督管理局"


def problem_list(
    figures: Sequence[FirmFigures],
    categories: Mapping[str, Category],
    exposure: Mapping[str, float],
    segment_names: Mapping[str, str],
    leader_names: Mapping[str, str],
    body_names: Mapping[str, str],
    quarter_of: Mapping[str, str],
    body_of: Mapping[str, str],
    labels: Sequence[str],
    target_date: date,
    *,
    level1_exposure: float,
    level2_exposure: float,
    level1_quarters: int,
    level2_quarters: int,
) -> list[Problem]:
    """The problems of the chain whose weak-link ``figures`` are given (see the module
    docstring) in ``categories`` (planning.toml's ``[categories]``, in the order
    listed at one level): ``exposure`` is each firm's chain exposure (the mean over the leaders),
    ``quarter_of`` and ``body_of`` each scheduled firm's quarter and body, ``labels`` the
    schedule's quarters. Most urgent first: by level, then exposure."""
    best: dict[str, FirmFigures] = {}
    leaders_of: dict[tuple[str, str], set[str]] = defaultdict(set)  # (firm, reason) -> leaders
    for f in figures:
        if f.uscc not in best or f.score > best[f.uscc].score:
            best[f.uscc] = f
        for reason in f.reasons:
            leaders_of[(f.uscc, reason)].add(f.leader)
    groups: dict[tuple[str, str, str], list[FirmFigures]] = defaultdict(list)
    for f in best.values():
        prefecture = prefecture_key(f.region_code)
        for key, category in categories.items():
            if any(r in category.reasons for r in f.reasons) or any(
                (f.uscc, r) in leaders_of for r in category.reasons
            ):
                groups[(key, f.segment, prefecture)].append(f)

    def by_quarters(n: int) -> date:
        return quarter_end(labels[n - 1]) if len(labels) >= n else target_date

    found = []
    for (key, segment, prefecture), firms in groups.items():
        category = categories[key]
        firms.sort(key=lambda f: (-f.score, f.uscc))
        # firms of one segment and place mostly sit side by side: their shares add up
        share = min(1.0, sum(exposure.get(f.uscc, 0.0) for f in firms))
        if share >= level1_exposure or SINGLE_POINT in category.reasons:
            level = 1
        elif share >= level2_exposure or URGENT_REASONS & set(category.reasons):
            level = 2
        else:
            level = 3
        unscheduled = 0
        if category.owner == "leader":
            keys = sorted(
                {x for f in firms for r in category.reasons for x in leaders_of[(f.uscc, r)]}
            )
            owners = tuple(Owner("leader", k, leader_names.get(k, k)) for k in keys)
        elif category.owner == "body":
            keys = sorted({body_of[f.uscc] for f in firms if f.uscc in body_of})
            owners = tuple(Owner("body", k, body_names.get(k, k)) for k in keys)
            unscheduled = sum(1 for f in firms if f.uscc not in quarter_of)
            if unscheduled:
                owners += (Owner("bureau", prefecture, bureau_name(prefecture)),)
        else:
            owners = (Owner("bureau", prefecture, bureau_name(prefecture)),)
        if category.owner == "body":
            scheduled = [quarter_of[f.uscc] for f in firms if f.uscc in quarter_of]
            deadline = quarter_end(max(scheduled)) if scheduled and not unscheduled else target_date
        else:
            deadline = {1: by_quarters(level1_quarters), 2: by_quarters(level2_quarters)}.get(
                level, target_date
            )
        found.append(
            Problem(
                category=key,
                level=level,
                segment_id=segment,
                segment=segment_names.get(segment, segment),
                prefecture=prefecture,
                prefecture_name=region_full_name(prefecture),
                firms=tuple((f.uscc, f.name) for f in firms),
                exposure_share=share,
                owners=owners,
                deadline=min(deadline, target_date),
                unscheduled=unscheduled,
                label=category,
            )
        )
    order = list(categories)
    found.sort(
        key=lambda p: (
            p.level,
            -p.exposure_share,
            order.index(p.category),
            p.segment_id,
            p.prefecture,
        )
    )
    return found
