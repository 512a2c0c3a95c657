"""Settings from the environment (``CHAINMAP_`` prefix), built by :func:`get_settings` when asked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from chainmap.errors import ConfigError

__all__ = ["DEFAULT_STORE", "Settings", "get_settings"]

DEFAULT_STORE = "sqlite:///chainmap.db"


class Settings(BaseSettings):
    """chainmap's settings. Each may be set as an environment variable, e.g. ``CHAINMAP_STORE``."""

    model_config = SettingsConfigDict(env_prefix="CHAINMAP_", extra="ignore")

    store: str = Field(
        DEFAULT_STORE,
        description="store URL: sqlite:///PATH (the default, chainmap.db) or neo4j://HOST:PORT",
    )
    batch_size: int = Field(5000, ge=1, le=1_000_000, description="rows per write batch")
    neo4j_user: str | None = Field(
        None,
        validation_alias=AliasChoices("NEO4J_USER", "CHAINMAP_NEO4J_USER", "neo4j_user"),
        description="Neo4j user name (none: connect without authentication)",
    )
    neo4j_password: str | None = Field(
        None,
        validation_alias=AliasChoices(
            "NEO4J_PASSWORD", "CHAINMAP_NEO4J_PASSWORD", "neo4j_password"
        ),
        description="Neo4j password",
    )
    neo4j_database: str = Field(
        "neo4j",
        validation_alias=AliasChoices(
            "NEO4J_DATABASE", "CHAINMAP_NEO4J_DATABASE", "neo4j_database"
        ),
        description="Neo4j database name",
    )
    neo4j_writers: int = Field(
        2,
        ge=1,
        le=16,
        description="threads writing an import of one dataset into Neo4j",
    )
    weights: Path | None = Field(
        None,
        description="TOML file of weak-link score weights and thresholds "
        "(default: chainmap/analysis/weights.toml)",
    )
    workers: int = Field(
        0,
        ge=0,
        le=64,
        description="processes that validate an import; 0 picks one per core (at most 2) for "
        "imports of 4 MiB or more and 1 below",
    )


def get_settings(**overrides: Any) -> Settings:
    """Read settings from the environment; ``overrides`` that are not ``None`` win."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as error:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise ConfigError(f"invalid setting: {detail}") from None
