"""The region map opened in headless Chromium: it draws offline, its units are the region table's,
units without firms look so, the switch recolours, hovering names a unit, a click drills down."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from browser import Browser

from chainmap.atlases import write_page
from chainmap.regionmap import MapFirm, children, region_map
from chainmap.visualizations.map import NO_DATA, render_map

DAY = date(2026, 6, 30)
FIRMS = [
    MapFirm("A", "320583", certified=True, expiring=True, weak=False),
    MapFirm("B", "320583", certified=False, expiring=False, weak=True),
    MapFirm("C", "320105", certified=True, expiring=False, weak=False),
]


def _open(browser: Browser, folder: Path, page: str) -> None:
    out = folder / "map.html"
    write_page(page, out)
    opened = browser.open(out)
    assert opened.console_errors == []
    assert opened.requests == []
    assert opened.alerts == []


def _fill(browser: Browser, code: str) -> object:
    return browser.run(
        "return document.querySelector('.unit[data-code=\"' + arguments[0] + '\"] .area')"
        ".getAttribute('fill')",
        code,
    )


def test_the_map_draws_the_table_s_units_and_switches_hovers_and_drills(
    browser: Browser, tmp_path: Path
) -> None:
    _open(browser, tmp_path, render_map(region_map(FIRMS, "32", DAY)))
    shown = browser.run(
        "return Array.from(document.querySelectorAll('section.level:not([hidden]) .unit'))"
        ".map(u => u.dataset.code)"
    )
    assert shown == children("32")
    # drawn, in more than one colour: the tiles with firms, the hatching of those without
    width = browser.run("return document.querySelector('svg.map').getBoundingClientRect().width")
    assert isinstance(width, (int, float)) and width > 500
    assert _fill(browser, "320200") == NO_DATA
    no_data_legend = "return document.querySelector('ul.legend:not([hidden])').textContent"
    assert "无企业数据" in str(browser.run(no_data_legend))
    coverage = _fill(browser, "320500")
    assert coverage != NO_DATA
    # the switch recolours: Suzhou's one weak firm of two, then its one expiring certificate
    browser.run("document.querySelector('input[value=weak]').click()")
    weak = _fill(browser, "320500")
    assert weak not in (coverage, NO_DATA)
    assert "薄弱环节" in str(browser.run(no_data_legend))
    browser.run("document.querySelector('input[value=expiring]').click()")
    assert _fill(browser, "320500") not in (coverage, weak, NO_DATA)
    assert _fill(browser, "320200") == NO_DATA
    # hovering names the unit and gives its figures
    browser.point('.unit[data-code="320500"] .area', 30, 30)
    tip = browser.run("const t = document.getElementById('tip'); return [t.hidden, t.textContent]")
    assert isinstance(tip, list)
    assert tip[0] is False
    assert tip[1].startswith("苏州市（320500）") and "企业 2 家" in tip[1]
    # a click drills down to the prefecture's counties, and back
    browser.run(
        "document.querySelector('.unit[data-code=\"320500\"]').dispatchEvent("
        "new MouseEvent('click', {bubbles: true}))"
    )
    assert browser.run("return document.getElementById('title').textContent") == (
        "区域地图：苏州市（3205）"
    )
    shown = browser.run(
        "return Array.from(document.querySelectorAll('section.level:not([hidden]) .unit'))"
        ".map(u => u.dataset.code)"
    )
    assert shown == children("3205")
    assert _fill(browser, "320583") != NO_DATA and _fill(browser, "320506") == NO_DATA
    browser.run("document.getElementById('back').click()")
    assert browser.run("return document.getElementById('title').textContent") == (
        "区域地图：江苏省（32）"
    )
    # the keyboard too: a unit takes the focus, shows its figures, and Enter drills down
    browser.run(
        "const u = document.querySelector('.unit[data-code=\"320100\"]'); u.focus();"
        "u.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}))"
    )
    assert browser.run("return document.getElementById('title').textContent") == (
        "区域地图：南京市（3201）"
    )


def test_units_with_boundaries_are_drawn_as_shapes(browser: Browser, tmp_path: Path) -> None:
    codes = children("3205")
    squares = {
        code: [[[120 + i, 31], [120.8 + i, 31], [120.8 + i, 31.8], [120 + i, 31.8], [120 + i, 31]]]
        for i, code in enumerate(codes)
    }
    page = render_map(region_map(FIRMS, "3205", DAY), boundaries=squares, source="squares")
    _open(browser, tmp_path, page)
    boxes = browser.run(
        "return Array.from(document.querySelectorAll('path.area'))"
        ".map(p => { const b = p.getBoundingClientRect(); return [b.left, b.width, b.height]; })"
    )
    assert isinstance(boxes, list) and len(boxes) == len(codes)
    lefts = [box[0] for box in boxes]
    assert lefts == sorted(lefts)  # west to east, as the squares lie
    assert all(box[1] > 10 and box[2] > 10 for box in boxes)
