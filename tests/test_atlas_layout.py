"""Atlases people can read, measured in headless Chromium at three window widths: every label
drawn at rest lies inside the drawing, is at least 11 px high and overlaps no other label; the
page's own text stays inside the window. Drawn from the demo's sample data (2,000 firms)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import Browser

from chainmap.analysis import load_weights
from chainmap.atlases import AtlasKind, AtlasRequest, atlas_from_store, write_page
from chainmap.graph import to_digraph
from chainmap.ingest.load import import_datasets
from chainmap.samples import REFERENCE_DATE, generate_dataset
from chainmap.store import open_store
from chainmap.visualizations import render_atlas

WIDTHS = (1280, 1400, 1920)
MIN_PX = 11


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One page of each kind of atlas, from the sample data's first chain."""
    work = tmp_path_factory.mktemp("layout")
    generate_dataset(work / "data", enterprises=2000, chains=5, seed=1)
    url = f"sqlite:///{work / 'demo.db'}"
    import_datasets([work / "data"], lambda: open_store(url, create=True), workers=1)
    weights = load_weights()
    found: dict[str, Path] = {}
    with open_store(url) as store:
        chain = store.chains()[0]
        graph = to_digraph(store.chain(chain.chain_id))
        leader = graph.graph["leaders"][0]
        supplier = sorted(graph.predecessors(leader))[0]
        region = (chain.region_code or "32")[:4]
        requests = {
            "chain": AtlasRequest(AtlasKind.CHAIN, chain.chain_id, REFERENCE_DATE),
            "chain-en": AtlasRequest(AtlasKind.CHAIN, chain.chain_id, REFERENCE_DATE, lang="en"),
            "firms": AtlasRequest(AtlasKind.CHAIN, chain.chain_id, REFERENCE_DATE, firms=True),
            "leader": AtlasRequest(AtlasKind.LEADER, leader, REFERENCE_DATE),
            "leader-1": AtlasRequest(AtlasKind.LEADER, leader, REFERENCE_DATE, depth=1),
            "region": AtlasRequest(AtlasKind.REGION, region, REFERENCE_DATE),
            "enterprise": AtlasRequest(AtlasKind.ENTERPRISE, supplier, REFERENCE_DATE),
        }
        for name, request in requests.items():
            found[name] = work / f"{name}.html"
            write_page(render_atlas(atlas_from_store(store, request, weights)), found[name])
    return found


@pytest.fixture
def sized(browser: Browser) -> Iterator[Browser]:
    """The shared browser, its window given back at its usual size afterwards."""
    yield browser
    browser.driver.set_window_size(1400, 900)


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    slack = 0.5  # sub-pixel rounding of neighbouring boxes
    return bool(
        a["left"] < b["right"] - slack
        and b["left"] < a["right"] - slack
        and a["top"] < b["bottom"] - slack
        and b["top"] < a["bottom"] - slack
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "kind", ["chain", "chain-en", "firms", "leader", "leader-1", "region", "enterprise"]
)
def test_labels_at_rest_are_inside_readable_and_apart(
    sized: Browser, pages: dict[str, Path], kind: str, width: int
) -> None:
    sized.driver.set_window_size(width, 900)
    page = sized.open(pages[kind])
    assert page.console_errors == [] and page.requests == []
    area = sized.run(
        "const r = document.getElementById('atlas-network').getBoundingClientRect();"
        "return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};"
    )
    assert isinstance(area, dict)
    labels = sized.run("return window.chainmapAtlas.labels()")
    assert isinstance(labels, list)
    headers = sized.run(
        "return window.chainmapAtlas.nodes.get().filter(n => String(n.id).startsWith('header:'))"
        ".length"
    )
    # the column (or chain) headers at least are readable at rest
    assert len(labels) >= max(1, int(str(headers))), labels
    for label in labels:
        assert label["px"] >= MIN_PX - 0.01, label
        assert label["left"] >= area["left"] - 0.5 and label["right"] <= area["right"] + 0.5, (
            label,
            area,
        )
        assert label["top"] >= area["top"] - 0.5 and label["bottom"] <= area["bottom"] + 0.5, (
            label,
            area,
        )
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not _overlap(a, b), (a, b)
    # and the page's own text is not cut at the window's edges
    assert sized.run(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
