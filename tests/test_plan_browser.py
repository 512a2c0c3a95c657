"""The plan's HTML in headless Chromium: it loads offline without errors, and its charts' labels
are readable (at least 11 px), inside their chart and the window, and do not overlap."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import Browser
from test_plan_decision import plan_of

from chainmap.plans import load_measures
from chainmap.plans.render import render_html

LOADED = "document.readyState === 'complete'"

# for every svg: [its box, [[x, y, width, height, font size px, text] for each text]]
MEASURE = """
return Array.from(document.querySelectorAll('svg')).map(svg => {
  const box = svg.getBoundingClientRect();
  const texts = Array.from(svg.querySelectorAll('text')).map(t => {
    const r = t.getBoundingClientRect();
    return [r.left, r.top, r.width, r.height,
            parseFloat(getComputedStyle(t).fontSize), t.textContent];
  });
  return [[box.left, box.top, box.width, box.height], texts];
});
"""


@pytest.mark.parametrize("width", [1280, 1920])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_plan_and_its_charts_read_in_chromium(
    browser: Browser, dataset: Path, tmp_path: Path, width: int, lang: str
) -> None:
    page_file = tmp_path / "plan.html"
    page_file.write_text(
        render_html(plan_of(dataset, tmp_path), load_measures(), lang), encoding="utf-8"
    )
    browser.driver.set_window_size(width, 1000)
    try:
        page = browser.open(page_file, ready=LOADED)
        assert page.console_errors == [] and page.requests == [] and page.alerts == []
        assert browser.run("return document.scripts.length") == 0
        inner = browser.run("return document.documentElement.clientWidth")
        charts = browser.run(MEASURE)
    finally:
        browser.driver.set_window_size(1400, 900)
    assert isinstance(charts, list) and len(charts) == 4
    assert isinstance(inner, int | float)
    for (left, top, w, h), texts in charts:
        assert left >= 0 and left + w <= inner  # the chart inside the window
        assert texts
        for x, y, tw, th, size, text in texts:
            assert size >= 11, text
            # inside its chart (a pixel of rounding allowed)
            assert left - 1 <= x and x + tw <= left + w + 1, text
            assert top - 1 <= y and y + th <= top + h + 1, text
        # no two labels overlap at rest
        boxes = [(x, y, x + tw, y + th, text) for x, y, tw, th, _, text in texts if tw and th]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                overlap = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
                assert overlap[0] <= 1 or overlap[1] <= 1, (a[4], b[4])
