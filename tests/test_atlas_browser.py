"""Every kind of atlas opened in headless Chromium: it draws, logs no error, fetches nothing,
and markup in the data stays text. The hand-built chain carries hostile names (see
``test_atlas.hostile_tables``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import Browser
from PIL import Image
from sample_chain import LEADER, TIER1_A, TIER1_B, TIER2
from test_atlas import SCRIPT, XSS, _store, draw, hostile_tables

from chainmap.atlases import AtlasKind, write_page
from chainmap.visualizations import render_atlas

VIEWS = [
    (AtlasKind.CHAIN, "NEV-T", {}),  # the chain as a whole, segment by segment
    (AtlasKind.CHAIN, "NEV-T", {"firms": True}),
    (AtlasKind.CHAIN, "NEV-T", {"segment": "cells"}),
    (AtlasKind.LEADER, LEADER, {"depth": 2}),
    (AtlasKind.REGION, "32", {}),
    (AtlasKind.ENTERPRISE, TIER1_A, {}),
    (AtlasKind.CHAIN, "NEV-T", {"cap": 4, "firms": True}),  # segment x region groups
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _store(tmp_path_factory.mktemp("hostile"), hostile_tables())


def _page(url: str, folder: Path, kind: AtlasKind, key: str, **options: object) -> Path:
    out = folder / f"{kind}.html"
    write_page(render_atlas(draw(url, kind, key, **options)), out)
    return out


@pytest.mark.parametrize(("kind", "key", "options"), VIEWS, ids=lambda v: str(v))
def test_each_atlas_draws_offline_without_errors(
    browser: Browser,
    hostile: str,
    tmp_path: Path,
    kind: AtlasKind,
    key: str,
    options: dict[str, object],
) -> None:
    page = browser.open(_page(hostile, tmp_path, kind, key, **options))
    assert page.console_errors == []
    assert page.requests == []
    assert page.alerts == []
    assert browser.ink("#atlas-network canvas") > 500
    # and the window as a person sees it is not blank: the canvas area holds many colours
    shot = Image.open(browser.screenshot(tmp_path / "atlas.png")).convert("RGB")
    canvas = shot.crop((0, shot.height // 3, shot.width * 2 // 3, shot.height))
    assert len(canvas.getcolors(maxcolors=1 << 20) or []) > 20
    # nothing from the data became an element: no image, no extra script
    assert browser.run("return document.images.length") == 0
    assert browser.run("return document.scripts.length") == 5


def test_hostile_names_show_as_text_in_the_panel_and_search(
    browser: Browser, hostile: str, tmp_path: Path
) -> None:
    browser.open(_page(hostile, tmp_path, AtlasKind.CHAIN, "NEV-T", firms=True))
    for uscc, name in ((TIER2, XSS), (TIER1_B, SCRIPT)):
        assert browser.run("return window.chainmapAtlas.showNode(arguments[0])", uscc) is True
        shown = browser.run("return document.querySelector('#atlas-detail h2').textContent")
        assert shown == name
        assert (
            browser.run("return document.querySelectorAll('#atlas-detail *').length") == 2 + 2 * 13
        )
    # the find box takes markup as a query and finds the firm by it
    browser.run(
        "document.getElementById('atlas-query').value = arguments[0];"
        "document.getElementById('atlas-find').requestSubmit();",
        "onerror",
    )
    assert browser.run("return document.getElementById('atlas-found').textContent") == "找到 1 个"
    assert browser.run("return window.chainmapAtlas.network.getSelectedNodes()") == [TIER2]
    page_errors = browser.run("return document.querySelectorAll('img, iframe, object').length")
    assert page_errors == 0


def test_pointing_at_a_firm_shows_its_details_beside_the_pointer_as_text(
    browser: Browser, hostile: str, tmp_path: Path
) -> None:
    browser.open(_page(hostile, tmp_path, AtlasKind.CHAIN, "NEV-T", firms=True))
    assert browser.run("return document.getElementById('atlas-tip').hidden") is True
    spot = browser.run(
        "const n = window.chainmapAtlas.network;"
        "return n.canvasToDOM(n.getPositions([arguments[0]])[arguments[0]]);",
        TIER2,
    )
    assert isinstance(spot, dict)
    browser.point("#atlas-network", spot["x"], spot["y"])
    tip = "return document.getElementById('atlas-tip')"
    for _ in range(50):  # vis-network reports the hover on its next pointer event
        if browser.run(tip + ".hidden") is False:
            break
        browser.point("#atlas-network", spot["x"] + 1, spot["y"])
    assert browser.run(tip + ".hidden") is False
    assert browser.run(tip + ".querySelector('h2').textContent") == XSS
    assert browser.run(tip + ".querySelectorAll('img').length") == 0
    assert "340100 安徽省" in str(browser.run(tip + ".textContent"))
    browser.point("#atlas-network", 5, 5)  # away from every node
    for _ in range(50):
        if browser.run(tip + ".hidden") is True:
            break
        browser.point("#atlas-network", 6, 5)
    assert browser.run(tip + ".hidden") is True


def test_a_large_atlas_strokes_its_links_and_still_answers(
    browser: Browser, hostile: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chainmap.visualizations import page as page_module

    monkeypatch.setattr(page_module, "DIRECT_LINKS", 0)
    out = _page(hostile, tmp_path, AtlasKind.CHAIN, "NEV-T", firms=True)
    page = browser.open(out)
    assert page.console_errors == [] and page.requests == [] and page.alerts == []
    assert browser.run("return window.chainmapAtlas.edges.length") == 0
    with_links = browser.ink("#atlas-network canvas")
    # the same nodes without their links draw less ink: the links are on the canvas
    browser.run(
        "window.chainmapAtlas.network.off('beforeDrawing'); window.chainmapAtlas.network.redraw();"
    )
    assert browser.ink("#atlas-network canvas") < with_links
    assert browser.run("return window.chainmapAtlas.showNode(arguments[0])", TIER2) is True
    assert browser.run("return document.querySelector('#atlas-detail h2').textContent") == XSS


def test_a_segment_clicked_lists_its_firms_as_text(
    browser: Browser, hostile: str, tmp_path: Path
) -> None:
    page = browser.open(_page(hostile, tmp_path, AtlasKind.CHAIN, "NEV-T"))
    assert page.console_errors == []
    spot = browser.run(
        "const n = window.chainmapAtlas.network;"
        "return n.canvasToDOM(n.getPositions(['segment:materials'])['segment:materials']);"
    )
    assert isinstance(spot, dict)
    browser.driver.execute_script(
        "window.chainmapAtlas.network.body.emitter.emit('click', "
        "{nodes: ['segment:materials'], edges: [], pointer: {DOM: arguments[0]}});",
        spot,
    )
    rows = browser.run(
        "return [...document.querySelectorAll('#atlas-detail .firm-list tr')]"
        ".map(r => [...r.cells].map(c => c.textContent))"
    )
    assert rows == [[XSS, "无证书", "0.630"]]
    heading = browser.run(
        "return document.querySelector('#atlas-detail .firm-list h3').textContent"
    )
    assert heading == "该环节企业（按得分，前 1 家，共 1 家）"
    assert browser.run("return document.querySelectorAll('#atlas-detail img').length") == 0


def test_a_weak_link_keeps_its_certificate_colour_inside_a_red_ring(
    browser: Browser, hostile: str, tmp_path: Path
) -> None:
    browser.open(_page(hostile, tmp_path, AtlasKind.CHAIN, "NEV-T", firms=True))
    # TIER1_B: a weak link (score 0.553) whose certificate is suspended (orange #fb8c00)
    colours = browser.run(
        """
        const n = window.chainmapAtlas.network, id = arguments[0];
        const node = window.chainmapAtlas.nodes.get(id);
        const centre = n.getPositions([id])[id];
        const ring = {x: centre.x + node.size + 1.5 + node.ring / 2, y: centre.y};
        const canvas = document.querySelector('#atlas-network canvas');
        const ratio = canvas.width / canvas.clientWidth;
        const ctx = canvas.getContext('2d');
        return [centre, ring].map(p => {
          const at = n.canvasToDOM(p);
          return Array.from(ctx.getImageData(
            Math.round(at.x * ratio), Math.round(at.y * ratio), 1, 1).data.slice(0, 3));
        });
        """,
        TIER1_B,
    )
    assert isinstance(colours, list)
    inside, ring = colours
    assert abs(inside[0] - 0xFB) < 12 and abs(inside[1] - 0x8C) < 12 and inside[2] < 30
    assert ring[0] > 180 and ring[1] < 60 and ring[2] < 60  # the ring's red
