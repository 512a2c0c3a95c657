"""Planning settings (batch size, grouping, audit-days) and body capacities, from files."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from chainmap.analysis.weak_links import REASONS
from chainmap.config import Section, layered_toml
from chainmap.errors import ConfigError, DataError
from chainmap.ingest.encoding import detect_encoding
from chainmap.plans.joint import Body
from chainmap.plans.problems import Category
from chainmap.records import BodyRow

__all__ = ["Planning", "body_capacities", "load_planning"]


class Batches(Section):
    batch_size: int = Field(ge=1, le=1000)
    same_division: bool
    prefecture_digits: int = Field(ge=0, le=6)


class AuditDays(Section):
    micro: float = Field(gt=0)
    small: float = Field(gt=0)
    medium: float = Field(gt=0)
    large: float = Field(gt=0)
    unknown: float = Field(gt=0)

    def by_size(self) -> dict[str, float]:
        return {
            "micro": self.micro,
            "small": self.small,
            "medium": self.medium,
            "large": self.large,
        }


class Capacity(Section):
    default: float = Field(ge=0)


class Readiness(Section):
    ready_maturity: int = Field(ge=1, le=5)
    quarters_per_level: int = Field(ge=0, le=8)
    unknown_maturity: int = Field(ge=0, le=8)

    def wait(self, maturity: int | None) -> int:
        """Quarters of preparation before a firm of ``maturity`` can be audited."""
        if maturity is None:
            return self.unknown_maturity
        return max(0, self.ready_maturity - maturity) * self.quarters_per_level


class Targets(Section):
    coverage: float = Field(gt=0, le=1)
    by: date
    top_weak_links: int = Field(ge=1, le=1000)
    weak_links: int = Field(ge=0)
    single_points: int = Field(ge=0)
    expiring: int = Field(ge=0)


class Problems(Section):
    level1_exposure: float = Field(gt=0, le=1)
    level2_exposure: float = Field(gt=0, le=1)
    level1_quarters: int = Field(ge=1, le=20)
    level2_quarters: int = Field(ge=1, le=20)
    summary: int = Field(ge=1, le=20)


class ProblemCategory(Section):
    """A category of the problem list: names, the reasons that give it, owner, measure."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    reasons: tuple[str, ...] = Field(min_length=1)
    owner: Literal["leader", "body", "bureau"]
    measure_zh: str = Field(min_length=1)
    measure_en: str = Field(min_length=1)

    @field_validator("reasons")
    @classmethod
    def _known(cls, reasons: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [r for r in reasons if r not in REASONS]
        if unknown:
            raise ValueError(
                f"unknown reasons {', '.join(unknown)}; the reasons are {', '.join(REASONS)}"
            )
        return reasons

    def category(self) -> Category:
        return Category(
            self.zh, self.en, self.reasons, self.owner, self.measure_zh, self.measure_en
        )


class Planning(Section):
    """Every setting of the joint-certification planner and the plan (see planning.toml)."""

    batches: Batches
    audit_days: AuditDays
    capacity: Capacity
    readiness: Readiness
    targets: Targets
    problems: Problems
    categories: dict[str, ProblemCategory]

    def problem_categories(self) -> dict[str, Category]:
        """The problem list's categories, in the order listed at one level."""
        return {k: c.category() for k, c in self.categories.items()}


def load_planning(path: Path | None = None) -> Planning:
    """The default planning settings, with the sections and keys of the TOML file at ``path``."""
    return layered_toml(Planning, "chainmap.plans", "planning.toml", path, "planning file")


def body_capacities(
    bodies: list[BodyRow], planning: Planning, path: Path | None = None
) -> list[Body]:
    """The bodies to plan with: every body of the store at the default capacity, or, with a
    capacity file (CSV ``body_id,capacity``, UTF-8 or GBK), the bodies it names at its figures.
    A body the store does not know, a missing or negative capacity is an error naming its row."""
    names = {b.body_id: b.name for b in bodies}
    if path is None:
        return [Body(b.body_id, b.name, planning.capacity.default) for b in bodies]
    try:
        encoding = detect_encoding(path)
        with path.open(encoding=encoding, newline="") as file:
            rows = list(csv.DictReader(file))
    except OSError as error:
        raise ConfigError(f"cannot read capacity file {path}: {error.strerror}") from None
    found: list[Body] = []
    problems: list[str] = []
    for number, row in enumerate(rows, start=2):
        body_id = (row.get("body_id") or "").strip()
        raw = (row.get("capacity") or "").strip()
        if body_id not in names:
            problems.append(
                f"row {number}: body {body_id!r} is not a certification body in the store"
            )
            continue
        try:
            capacity = float(raw)
        except ValueError:
            capacity = -1.0
        if capacity < 0:
            problems.append(f"row {number}: capacity {raw!r} is not a number of audit-days >= 0")
            continue
        found.append(Body(body_id, names[body_id], capacity))
    if not rows or "body_id" not in rows[0] or "capacity" not in rows[0]:
        problems.insert(0, "the file needs the columns body_id,capacity and a row per body")
    if problems:
        raise DataError(f"capacity file {path}: " + "; ".join(problems[:10]))
    return found
