"""The Cypher statements of the Neo4j store, read from the ``chainmap.cypher`` package data.

:func:`query` is the one place that turns file text into query text: statements are never built
from input, and values always travel as ``$parameters``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import LiteralString

__all__ = ["names", "query"]

_PACKAGE = "chainmap.cypher"


@cache
def query(name: str) -> LiteralString:
    """The text of ``name.cypher``, read once.

    The files ship with the package and are reviewed like code: returning their text as a
    ``LiteralString`` is the promise that no query text comes from anywhere else.
    """
    # mypy reads LiteralString as str; a checker that enforces it stops here, and nowhere else
    return resources.files(_PACKAGE).joinpath(f"{name}.cypher").read_text(encoding="utf-8")


def names() -> list[str]:
    """The names of all statement files."""
    return sorted(
        entry.name.removesuffix(".cypher")
        for entry in resources.files(_PACKAGE).iterdir()
        if entry.name.endswith(".cypher")
    )
