"""Screenshots of the plan (一链一策) for docs/plans.md, drawn from the demo's sample data.

    python scripts/plan_screenshots.py     # writes docs/plan-decision.png and docs/plan-charts.png

Generates the demo dataset (2,000 firms, 5 chains, seed 1) into a temporary store, builds the
plan of its first chain on the samples' reference date as ``chainmap plan --format html`` does,
opens it in headless Chromium (Debian's chromium and chromedriver; Chinese needs a CJK font such
as Debian's fonts-noto-cjk) and saves the first screen (the decision summary) and the screen of
its coverage charts.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import Browser

from chainmap.analysis import load_weights, weak_links
from chainmap.graph import to_digraph
from chainmap.ingest.load import import_datasets
from chainmap.plans import body_capacities, load_measures, load_planning
from chainmap.plans.plan import plan_for
from chainmap.plans.render import render_html
from chainmap.samples import REFERENCE_DATE, generate_dataset
from chainmap.store import open_store

DOCS = Path(__file__).resolve().parents[1] / "docs"
LOADED = "document.readyState === 'complete'"


def _cjk_font() -> bool:
    found = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


def main() -> None:
    if shutil.which("fc-list") is not None and not _cjk_font():
        raise SystemExit(
            "no Chinese font: the pictures would show boxes; install one, e.g. "
            "`apt-get install fonts-noto-cjk`"
        )
    work = Path(tempfile.mkdtemp(prefix="chainmap-plan-screenshots-"))
    try:
        generate_dataset(work / "data", enterprises=2000, chains=5, seed=1)
        url = f"sqlite:///{work / 'demo.db'}"
        import_datasets([work / "data"], lambda: open_store(url, create=True), workers=1)
        weights, planning, measures = load_weights(), load_planning(), load_measures()
        with open_store(url) as store:
            chain = store.chains()[0]
            graph = to_digraph(store.chain(chain.chain_id))
            figures = weak_links(graph, REFERENCE_DATE, weights)
            capacities = body_capacities(store.bodies(), planning)
            plan = plan_for(graph, figures, REFERENCE_DATE, weights, planning, capacities, measures)
        page = work / "plan.html"
        page.write_text(render_html(plan, measures, "zh"), encoding="utf-8")
        with Browser() as browser:
            opened = browser.open(page, ready=LOADED)
            assert opened.console_errors == [] and opened.requests == [], opened
            browser.screenshot(DOCS / "plan-decision.png")
            browser.run(
                "const charts = document.querySelectorAll('svg');"
                "const last = charts[charts.length - 1];"
                "const chart = charts.length > 1 ? charts[1] : last;"
                "if (chart) { chart.scrollIntoView(); window.scrollBy(0, -90); }"
            )
            browser.screenshot(DOCS / "plan-charts.png")
        print(f"drew the plan of {chain.name}: docs/plan-decision.png, docs/plan-charts.png")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
