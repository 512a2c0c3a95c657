"""Settings from the environment (``CHAINMAP_`` prefix), built by :func:`get_settings` when asked."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from chainmap.errors import ConfigError

__all__ = ["DEFAULT_STORE", "Section", "Settings", "get_settings", "layered_toml"]

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
    neo4j_retry: float = Field(
        15.0,
        ge=0,
        le=3600,
        description="seconds a Neo4j statement that failed for a passing reason (a deadlock, a "
        "lost connection) is retried before the command gives up",
    )
    lock_wait: float = Field(
        600.0,
        ge=0,
        le=86400,
        description="seconds an import waits for another one writing to the same SQLite store",
    )
    weights: Path | None = Field(
        None,
        description="TOML file of weak-link score weights and thresholds "
        "(default: chainmap/analysis/weights.toml)",
    )
    max_depth: int = Field(
        5, ge=1, le=10, description="deepest supplier tier the HTTP API reads for a leader"
    )
    upload_limit: int = Field(
        50 * 1024 * 1024,
        ge=1024,
        description="largest dataset upload the HTTP API accepts, in bytes (413 above it)",
    )
    upload_rows: int = Field(
        200_000,
        ge=1,
        description="most rows (all tables together) a dataset upload to the HTTP API may hold; "
        "larger datasets go in with `chainmap import`",
    )
    upload_seconds: float = Field(
        60.0,
        gt=0,
        description="longest the HTTP API checks an upload; past it the upload is refused (422) "
        "and larger datasets go in with `chainmap import`",
    )
    https_cookies: bool = Field(
        False,
        description="the console is reached over HTTPS (directly or through a proxy that "
        "terminates TLS): its session cookie is Secure and named __Host-chainmap_session "
        "(`chainmap serve --https-cookies`)",
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
        raise ConfigError(f"invalid setting: {_detail(error)}") from None


def _detail(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())


class Section(BaseModel):
    """A part of a settings file: unknown keys refused, values fixed once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)


_Model = TypeVar("_Model", bound=BaseModel)


def layered_toml(
    model: type[_Model],
    package: str,
    defaults: str,
    path: Path | None,
    what: str,
    *,
    replace: bool = False,
) -> _Model:
    """Settings from the TOML file ``defaults`` shipped in ``package``, with the sections and
    keys of the user's TOML file at ``path`` (called ``what`` in messages) laid over them; with
    ``replace``, the user's file stands instead of the defaults as a whole."""
    data: dict[str, Any] = tomllib.loads(
        files(package).joinpath(defaults).read_text(encoding="utf-8")
    )
    if path is not None:
        try:
            given = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as error:
            raise ConfigError(f"cannot read {what} {path}: {error.strerror}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"{what} {path} is not valid TOML: {error}") from None
        if replace:
            data, given = given, {}
        for section, values in given.items():
            if not isinstance(values, dict) or section not in data:
                raise ConfigError(
                    f"{what} {path}: unknown section [{section}]; "
                    f"the sections are {', '.join(f'[{s}]' for s in data)}"
                )
            data[section] = {**data[section], **values}
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ConfigError(f"{what} {path}: {_detail(error)}") from None
