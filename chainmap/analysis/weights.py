"""The weights and thresholds of the weak-link score, from a TOML file (defaults in weights.toml)."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chainmap.errors import ConfigError

__all__ = ["Weights", "load_weights"]

_Unit = Field(ge=0.0, le=1.0)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dependence(_Section):
    exposure: float = _Unit
    single_point_of_failure: float = _Unit
    single_source: float = _Unit
    concentrated: float = _Unit


class Risk(_Section):
    certification: float = _Unit
    maturity_gap: float = _Unit


class CertificationRisk(_Section):
    valid: float = _Unit
    expiring: float = _Unit
    suspended: float = _Unit
    expired: float = _Unit
    withdrawn: float = _Unit
    revoked: float = _Unit
    none: float = _Unit


class Thresholds(_Section):
    expiring_days: int = Field(ge=0, le=3650)
    high_exposure: float = Field(gt=0.0, le=1.0)
    low_maturity: int = Field(ge=0, le=5)
    unknown_maturity_gap: float = _Unit
    concentration_hhi: float = Field(ge=0.0, le=10_000.0)
    concentration_share: float = Field(gt=0.0, le=1.0)
    min_score: float = _Unit


class Weights(_Section):
    """Every weight and threshold of the analysis (see weights.toml for what each does)."""

    dependence: Dependence
    risk: Risk
    certification_risk: CertificationRisk
    thresholds: Thresholds


def _defaults() -> dict[str, Any]:
    text = files("chainmap.analysis").joinpath("weights.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def load_weights(path: Path | None = None) -> Weights:
    """The default weights, with the sections and keys of the TOML file at ``path`` over them."""
    data = _defaults()
    if path is not None:
        try:
            given = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as error:
            raise ConfigError(f"cannot read weights file {path}: {error.strerror}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"weights file {path} is not valid TOML: {error}") from None
        for section, values in given.items():
            if not isinstance(values, dict) or section not in data:
                raise ConfigError(
                    f"weights file {path}: unknown section [{section}]; "
                    f"the sections are {', '.join(f'[{s}]' for s in data)}"
                )
            data[section] = {**data[section], **values}
    try:
        return Weights.model_validate(data)
    except ValidationError as error:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise ConfigError(f"weights file {path}: {detail}") from None
