"""Stores: the :class:`Store` contract and its back ends. Nothing else talks to a database."""

from __future__ import annotations

import os
from pathlib import Path

from chainmap.errors import ConfigError
from chainmap.store.base import STAT_KEYS, Progress, Store, Waiting
from chainmap.store.sqlite import SCHEMA_VERSION, SQLiteStore

__all__ = [
    "SCHEMA_VERSION",
    "STAT_KEYS",
    "Progress",
    "SQLiteStore",
    "Store",
    "Waiting",
    "open_store",
]

#: seconds an import waits for another one writing to the same SQLite store
DEFAULT_LOCK_WAIT = 600.0


def _seconds(variable: str, default: float) -> float:
    """A number of seconds from the environment variable ``variable``, else ``default``."""
    given = os.environ.get(variable, "").strip()
    if not given:
        return default
    try:
        seconds = float(given)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise ConfigError(f"{variable}={given!r}: give a number of seconds, e.g. {default:g}")
    return seconds


_NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def open_store(url: str, *, create: bool = False) -> Store:
    """Open the store at ``url``: ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db``,
    or a Neo4j server (``neo4j://host:7687``, ``bolt://host:7687``; credentials and database from
    ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``).

    ``create`` makes a new embedded store when the file does not exist (imports do; reads don't);
    it is built aside and moved into place by the first write that commits. An SQLite write
    waits up to ``CHAINMAP_LOCK_WAIT`` seconds (default 600) for another import's; a Neo4j
    statement that fails for a passing reason is retried for ``CHAINMAP_NEO4J_RETRY`` seconds
    (default 15).
    """
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if not path:
            raise ConfigError("sqlite store URL needs a path: sqlite:///chainmap.db")
        return SQLiteStore(
            Path(path),
            create=create,
            staged=create,
            lock_wait=_seconds("CHAINMAP_LOCK_WAIT", DEFAULT_LOCK_WAIT),
        )
    if url.startswith(_NEO4J_SCHEMES):
        from chainmap.config import get_settings
        from chainmap.store.neo4j import (  # the driver loads only when it is used
            RETRY_SECONDS,
            Neo4jStore,
        )

        settings = get_settings()
        return Neo4jStore(
            url,
            user=settings.neo4j_user,
            password=settings.neo4j_password,
            database=settings.neo4j_database,
            writers=settings.neo4j_writers,
            retry_seconds=_seconds("CHAINMAP_NEO4J_RETRY", RETRY_SECONDS),
        )
    raise ConfigError(
        f"unknown store URL {url!r}; use sqlite:///PATH (e.g. sqlite:///chainmap.db) "
        "or neo4j://HOST:7687"
    )
