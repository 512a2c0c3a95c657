"""Screenshots of the region map for docs/atlases.md, drawn from the demo's sample data.

    python scripts/map_screenshots.py      # writes docs/map-province.png and docs/map-prefecture.png

Generates the demo dataset (2,000 firms, 5 chains, seed 1) into a temporary store, maps the
province with the most firms on the samples' reference date, opens the page in headless Chromium
(Debian's chromium and chromedriver; Chinese needs a CJK font such as Debian's fonts-noto-cjk),
points at its prefecture with the most firms and saves the window; then switches to weak links,
clicks that prefecture and saves its counties.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import Browser

from chainmap.analysis import load_weights
from chainmap.atlases import write_page
from chainmap.ingest.load import import_datasets
from chainmap.regionmap import region_map_from_store
from chainmap.samples import REFERENCE_DATE, generate_dataset
from chainmap.store import open_store
from chainmap.visualizations.map import render_map

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="chainmap-map-screenshots-"))
    try:
        generate_dataset(work / "data", enterprises=2000, chains=5, seed=1)
        url = f"sqlite:///{work / 'demo.db'}"
        import_datasets([work / "data"], lambda: open_store(url, create=True), workers=1)
        with open_store(url) as store:
            provinces = Counter(
                e.region_code[:2]
                for c in store.chains()
                for e in store.chain(c.chain_id).enterprises
            )
            province = min(provinces, key=lambda p: (-provinces[p], p))
            drawn = region_map_from_store(store, province, REFERENCE_DATE, load_weights())
        page = work / "map.html"
        write_page(render_map(drawn), page)
        busiest = min(drawn.root.areas, key=lambda a: (-a.firms, a.code))
        unit = f'.unit[data-code="{busiest.code}"]'
        with Browser() as browser:
            opened = browser.open(page)
            assert opened.console_errors == [] and opened.requests == [], opened
            browser.point(f"{unit} .area", 40, 30)
            browser.screenshot(DOCS / "map-province.png")
            browser.run("document.querySelector('input[value=weak]').click()")
            browser.run(
                "document.querySelector(arguments[0]).dispatchEvent("
                "new MouseEvent('click', {bubbles: true}))",
                unit,
            )
            browser.screenshot(DOCS / "map-prefecture.png")
        print(
            f"mapped {drawn.root.name}, then {busiest.name}: docs/map-province.png, map-prefecture.png"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
