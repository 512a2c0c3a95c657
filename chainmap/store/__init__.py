"""Stores: the :class:`Store` contract and its back ends. Nothing else talks to a database."""

from __future__ import annotations

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
    from chainmap.config import get_settings

    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if not path:
            raise ConfigError("sqlite store URL needs a path: sqlite:///chainmap.db")
        lock_wait = get_settings().lock_wait
        return SQLiteStore(Path(path), create=create, staged=create, lock_wait=lock_wait)
    if url.startswith(_NEO4J_SCHEMES):
        from chainmap.store.neo4j import Neo4jStore  # the driver loads only when it is used

        settings = get_settings()
        return Neo4jStore(
            url,
            user=settings.neo4j_user,
            password=settings.neo4j_password,
            database=settings.neo4j_database,
            writers=settings.neo4j_writers,
            retry_seconds=settings.neo4j_retry,
        )
    raise ConfigError(
        f"unknown store URL {url!r}; use sqlite:///PATH (e.g. sqlite:///chainmap.db) "
        "or neo4j://HOST:7687"
    )
