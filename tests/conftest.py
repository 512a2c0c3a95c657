"""Shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sample_chain import TABLES, write_dataset

if TYPE_CHECKING:
    from browser import Browser  # imported by the fixture: selenium takes a while to import


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


@pytest.fixture(scope="session")
def neo4j_url() -> str:
    """The Neo4j server the tests may use (``NEO4J_URI``); ``bash scripts/test`` starts one.

    Without one the Neo4j tests are skipped, except in CI (``CI=true``), where they fail.
    """
    url = os.environ.get("NEO4J_URI")
    problem = None
    if not url:
        problem = "NEO4J_URI is not set"
    else:
        from chainmap.errors import StoreUnavailable
        from chainmap.store.neo4j import Neo4jStore

        try:
            Neo4jStore(url).close()
        except StoreUnavailable as error:
            problem = str(error)
    if problem is not None:
        message = (
            f"Neo4j tests need a server ({problem}): run `bash scripts/test`, which starts one "
            "with Java and Maven, or set NEO4J_URI"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    assert url is not None
    return url


@pytest.fixture(params=["sqlite", "neo4j"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store of each kind: a new SQLite file, or the test Neo4j database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'contract.db'}"
    url: str = request.getfixturevalue("neo4j_url")
    from chainmap.store.neo4j import Neo4jStore

    with Neo4jStore(url) as emptied:
        emptied.erase_everything()
    return url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session (tests/browser.py); ``bash scripts/test``
    installs Chromium and chromedriver when it can.

    Without them the browser tests are skipped, except in CI (``CI=true``), where they fail.
    """
    from browser import Browser, chromium_problem

    problem = chromium_problem()
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    with Browser() as opened:
        yield opened


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice's ``soffice``, with poppler's ``pdfinfo`` and ``pdftotext`` to read what it
    writes; ``bash scripts/test`` installs them when it can.

    Without them the LibreOffice tests are skipped, except in CI (``CI=true``), where they fail.
    """
    import shutil

    found = shutil.which("soffice") or shutil.which("libreoffice")
    missing = [
        n
        for n, p in (("soffice", found), *((t, shutil.which(t)) for t in ("pdfinfo", "pdftotext")))
        if not p
    ]
    if missing or found is None:
        problem = f"not installed: {', '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    return found
