"""The weights and thresholds of the weak-link score, from a TOML file (defaults in weights.toml)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from chainmap.config import Section, layered_toml

__all__ = ["Weights", "load_weights"]

_Unit = Field(ge=0.0, le=1.0)


class Dependence(Section):
    exposure: float = _Unit
    single_point_of_failure: float = _Unit
    single_source: float = _Unit
    concentrated: float = _Unit


class Risk(Section):
    certification: float = _Unit
    maturity_gap: float = _Unit


class CertificationRisk(Section):
    valid: float = _Unit
    expiring: float = _Unit
    suspended: float = _Unit
    expired: float = _Unit
    withdrawn: float = _Unit
    revoked: float = _Unit
    none: float = _Unit


class Thresholds(Section):
    expiring_days: int = Field(ge=0, le=3650)
    high_exposure: float = Field(gt=0.0, le=1.0)
    low_maturity: int = Field(ge=0, le=5)
    unknown_maturity_gap: float = _Unit
    concentration_hhi: float = Field(ge=0.0, le=10_000.0)
    concentration_share: float = Field(gt=0.0, le=1.0)
    min_score: float = _Unit


class Weights(Section):
    """Every weight and threshold of the analysis (see weights.toml for what each does)."""

    dependence: Dependence
    risk: Risk
    certification_risk: CertificationRisk
    thresholds: Thresholds


def load_weights(path: Path | None = None) -> Weights:
    """The default weights, with the sections and keys of the TOML file at ``path`` over them."""
    return layered_toml(Weights, "chainmap.analysis", "weights.toml", path, "weights file")
