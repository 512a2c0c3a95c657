"""Screenshots of each kind of atlas for the README, drawn from the demo's sample data.

    python scripts/atlas_screenshots.py  # docs/atlas-{chain,chain-firms,leader,region,enterprise}.png

Generates the demo dataset (2,000 firms, 5 chains, seed 1) into a temporary store, draws the first
chain's atlas (as a whole, with its weakest firm's segment shown, and firm by firm), its first
leader's supplier tiers, the atlas of that chain's province and one of
the leader's suppliers, judged on the samples' reference date, opens each in headless Chromium
(Debian's chromium and chromedriver; Chinese needs a CJK font such as Debian's fonts-noto-cjk)
with the details of a weak link, or of the firm, shown in the side panel, and saves the window.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import Browser

from chainmap.analysis import load_weights, weak_links
from chainmap.atlases import AtlasKind, AtlasRequest, atlas_from_store, write_page
from chainmap.graph import to_digraph
from chainmap.ingest.load import import_datasets
from chainmap.samples import REFERENCE_DATE, generate_dataset
from chainmap.store import open_store
from chainmap.visualizations import render_atlas

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="chainmap-screenshots-"))
    try:
        generate_dataset(work / "data", enterprises=2000, chains=5, seed=1)
        url = f"sqlite:///{work / 'demo.db'}"
        import_datasets([work / "data"], lambda: open_store(url, create=True), workers=1)
        weights = load_weights()
        with open_store(url) as store:
            chain = store.chains()[0]
            graph = to_digraph(store.chain(chain.chain_id))
            leader = graph.graph["leaders"][0]
            figures = [f for f in weak_links(graph, REFERENCE_DATE, weights, [leader])]
            weakest = figures[0].uscc
            supplier = max(  # one with suppliers of its own and certificates to show
                graph.predecessors(leader),
                key=lambda u: (min(graph.in_degree(u), 3), len(graph.nodes[u]["certificates"]), u),
            )
            weakest_segment = "segment:" + graph.nodes[weakest]["segments"][0][1]
            views = {
                "chain": (
                    AtlasRequest(AtlasKind.CHAIN, chain.chain_id, REFERENCE_DATE),
                    weakest_segment,
                ),
                "chain-firms": (
                    AtlasRequest(AtlasKind.CHAIN, chain.chain_id, REFERENCE_DATE, firms=True),
                    weakest,
                ),
                "leader": (AtlasRequest(AtlasKind.LEADER, leader, REFERENCE_DATE), weakest),
                "region": (
                    AtlasRequest(AtlasKind.REGION, (chain.region_code or "32")[:2], REFERENCE_DATE),
                    None,
                ),
                "enterprise": (
                    AtlasRequest(AtlasKind.ENTERPRISE, supplier, REFERENCE_DATE),
                    supplier,
                ),
            }
            pages = {}
            for name, (request, _) in views.items():
                pages[name] = work / f"{name}.html"
                write_page(render_atlas(atlas_from_store(store, request, weights)), pages[name])
        with Browser() as browser:
            for name, (_, shown) in views.items():
                page = browser.open(pages[name])
                if page.console_errors or page.requests:
                    raise SystemExit(f"{name}: {page.console_errors} {page.requests}")
                if shown is not None:
                    browser.run("window.chainmapAtlas.showNode(arguments[0])", shown)
                    browser.run("window.chainmapAtlas.showList(arguments[0])", shown)
                    browser.run("window.chainmapAtlas.network.selectNodes([arguments[0]])", shown)
                browser.screenshot(DOCS / f"atlas-{name}.png")
                print(f"wrote docs/atlas-{name}.png")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
