"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sample_chain import TABLES, write_dataset


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "data")


@pytest.fixture
def edited() -> Callable[..., dict[str, list[list[str]]]]:
    """A copy of the hand-built tables with some rows replaced or added."""

    def edit(**changes: list[list[str]]) -> dict[str, list[list[str]]]:
        tables = {k: [list(r) for r in v] for k, v in TABLES.items()}
        tables.update(changes)
        return tables

    return edit
