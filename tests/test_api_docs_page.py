"""The API's documentation page opens without a network: Swagger UI comes from chainmap itself,
under a strict Content-Security-Policy, in a real headless Chromium."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from api_world import serving, write

from chainmap.ingest.load import import_datasets
from chainmap.store import open_store

if TYPE_CHECKING:
    from browser import Browser


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'docs.db'}"
    import_datasets([write(tmp_path / "world")], lambda: open_store(url, create=True))
    with serving(url) as base:
        yield base


def test_the_api_docs_open_offline_under_a_strict_policy(served: str, browser: Browser) -> None:
    page = browser.open(
        f"{served}/api/v1/docs", ready="document.querySelectorAll('.opblock').length > 10"
    )
    assert page.console_errors == [], page.console
    assert page.alerts == []
    # everything the page loaded came from chainmap itself
    assert page.requests, "the page loaded its script and styles"
    assert all(r.startswith(served) for r in page.requests), page.requests
    operations = browser.run("return document.querySelectorAll('.opblock').length")
    assert isinstance(operations, int) and operations > 10
    with urllib.request.urlopen(f"{served}/api/v1/docs", timeout=10) as answer:
        policy = answer.headers["Content-Security-Policy"]
        body = answer.read().decode("utf-8")
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "cdn" not in body.lower() and "<script>" not in body  # no inline script
