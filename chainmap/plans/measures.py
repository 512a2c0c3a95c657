"""Measures by class (分类分级): one measure set per firm (一企一策), from a table of rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, model_validator

from chainmap.analysis import CertState, FirmFigures
from chainmap.config import Section, layered_toml
from chainmap.enums import SizeClass

__all__ = ["FirmMeasures", "MeasureRules", "firm_measures", "load_measures"]

_SIZES = {c.value for c in SizeClass} | {"unknown"}
_STATES = {s.value for s in CertState}


class Label(Section):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Rule(Section):
    id: str = Field(min_length=1)
    sizes: tuple[str, ...] | None = None
    states: tuple[str, ...] | None = None
    maturity_min: int | None = Field(None, ge=1, le=5)
    maturity_max: int | None = Field(None, ge=1, le=5)
    bottleneck: bool | None = None
    measures: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_words(self) -> Rule:
        bad = [s for s in self.sizes or () if s not in _SIZES]
        bad += [s for s in self.states or () if s not in _STATES]
        if bad:
            raise ValueError(f"rule {self.id!r}: unknown size class or state {', '.join(bad)}")
        return self

    def applies(self, f: FirmFigures, bottleneck: bool) -> bool:
        if self.sizes is not None and (f.size or "unknown") not in self.sizes:
            return False
        if self.states is not None and f.certification not in self.states:
            return False
        if self.maturity_min is not None or self.maturity_max is not None:
            if f.maturity is None:
                return False
            if self.maturity_min is not None and f.maturity < self.maturity_min:
                return False
            if self.maturity_max is not None and f.maturity > self.maturity_max:
                return False
        return self.bottleneck is None or self.bottleneck == bottleneck


class MeasureRules(Section):
    """The rules table and the labels of its measures (see measures.toml)."""

    rule: tuple[Rule, ...]
    measures: dict[str, Label]

    @model_validator(mode="after")
    def _labelled(self) -> MeasureRules:
        missing = sorted({m for r in self.rule for m in r.measures} - set(self.measures))
        if missing:
            raise ValueError(f"measures without a [measures] label: {', '.join(missing)}")
        return self


def load_measures(path: Path | None = None) -> MeasureRules:
    """The default rules table, or the one in the TOML file at ``path`` (which replaces it)."""
    return layered_toml(
        MeasureRules, "chainmap.plans", "measures.toml", path, "measures file", replace=True
    )


@dataclass(frozen=True, slots=True)
class FirmMeasures:
    """A firm's measure set and the rules that gave it."""

    uscc: str
    name: str
    size: str | None
    maturity: int | None
    certification: str
    bottleneck: bool
    rules: tuple[str, ...]
    measures: tuple[str, ...]


def firm_measures(figures: Iterable[FirmFigures], rules: MeasureRules) -> list[FirmMeasures]:
    """One measure set per firm of ``figures`` (a firm upstream of several leaders once: it is a
    bottleneck when it is one for any leader), firms in USCC order."""
    rows: dict[str, FirmFigures] = {}
    bottleneck: dict[str, bool] = {}
    for f in figures:
        rows.setdefault(f.uscc, f)
        hot = f.single_point_of_failure or "high_exposure" in f.reasons
        bottleneck[f.uscc] = bottleneck.get(f.uscc, False) or hot
    found = []
    for uscc in sorted(rows):
        f = rows[uscc]
        applied = [r for r in rules.rule if r.applies(f, bottleneck[uscc])]
        measures = tuple(dict.fromkeys(m for r in applied for m in r.measures))
        found.append(
            FirmMeasures(
                uscc=uscc,
                name=f.name,
                size=f.size,
                maturity=f.maturity,
                certification=f.certification,
                bottleneck=bottleneck[uscc],
                rules=tuple(r.id for r in applied),
                measures=measures,
            )
        )
    return found
