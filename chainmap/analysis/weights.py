"""The weights and thresholds of the weak-link score, from a TOML file (defaults in weights.toml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

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
    """Risk by certification state. ``withdrawn`` is 撤销 and ``cancelled`` 注销 (ISO/IEC 17021-1)."""

    valid: float = _Unit
    expiring: float = _Unit
    suspended: float = _Unit
    expired: float = _Unit
    cancelled: float = _Unit  # 注销
    withdrawn: float = _Unit  # 撤销
    none: float = _Unit
    #: a certificate in force but past its surveillance audit: its risk when higher than the state's
    surveillance_overdue: float = _Unit

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        # a file written when 撤销 was called revoked and 注销 withdrawn would now mean otherwise
        if isinstance(data, dict) and "revoked" in data:
            raise ValueError(
                "revoked is now called withdrawn (撤销), and 注销 is cancelled: rename revoked "
                "to withdrawn, and a withdrawn written for 注销 to cancelled"
            )
        return data


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
