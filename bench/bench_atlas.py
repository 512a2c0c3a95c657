"""Atlas of a large chain: the file after the analysis, and the page in headless Chromium.

    python bench/bench_atlas.py                       # 20,000 firms
    python bench/bench_atlas.py --enterprises 5000 --repeat 5

Generates a sample dataset with one chain (seed 7), imports it into a new embedded store, reads
the chain, builds its graph and runs the weak-link analysis (none of this timed as the target).
Then, in this order:

1. **file**: the full atlas (every firm, ``--no-aggregate``) built, rendered and written, the
   first time in the process (which includes importing pyvis, and with it IPython) and then best
   of ``--repeat``; the default aggregated atlas the same way (best of ``--repeat``);
2. **pyvis's own path**, for comparison: ``Network.add_node`` for every firm (nodes only; each
   call checks every earlier node), against handing pyvis the ready lists;
3. **browser**: the full atlas opened ``--repeat`` times in headless Chromium (a fresh tab each
   time, Debian's chromium and chromedriver): milliseconds from navigation to the first frame
   drawn (the page is interactive from then on: physics is off and nothing else runs), and the
   time to draw one frame of the whole atlas at rest and while it moves (links left out), best
   of 5 per load.

4. **the chain as a whole** (the default chain atlas: a box per segment): built, rendered and
   written after the analysis, best of ``--repeat`` (``segments_file_seconds``), and its page
   opened in Chromium (``segments_interactive_ms``: navigation to the settled first view).

Targets: the full file in at most 1 s after the analysis; the page interactive within 5 s; the
chain as a whole in at most 1 s after the analysis. ``--segments-only`` measures the chain as a
whole alone (e.g. ``--enterprises 100000 --segments-only``). Prints a JSON report.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import Browser

from chainmap.analysis import load_weights, weak_links
from chainmap.atlases import write_page
from chainmap.graph import to_digraph
from chainmap.ingest.load import import_datasets
from chainmap.samples import REFERENCE_DATE, generate_dataset
from chainmap.store import open_store

TARGET_FILE_SECONDS = 1.0
TARGET_INTERACTIVE_SECONDS = 5.0
TARGET_SEGMENTS_SECONDS = 1.0

_FRAME = """
const network = window.chainmapAtlas.network;
const frame = () => {
  const times = [];
  for (let i = 0; i < 5; i += 1) {
    const began = performance.now();
    network.renderer._redraw();  // one synchronous frame of the whole atlas
    times.push(performance.now() - began);
  }
  return Math.min(...times);
};
const still = frame();
network.off("beforeDrawing");  // what a frame costs while the view moves: links left out
return [still, frame()];
"""


def _file(graph: Any, figures: Any, weights: Any, cap: int | None, out: Path) -> float:
    from chainmap.visualizations import chain_atlas, render_atlas

    began = time.perf_counter()
    atlas = chain_atlas(graph, figures, REFERENCE_DATE, weights, cap=cap)
    write_page(render_atlas(atlas), out)
    return time.perf_counter() - began


def _segments(graph: Any, figures: Any, weights: Any, out: Path) -> float:
    from chainmap.visualizations import render_atlas, segment_atlas

    began = time.perf_counter()
    write_page(render_atlas(segment_atlas(graph, figures, REFERENCE_DATE, weights)), out)
    return time.perf_counter() - began


def _segments_report(
    graph: Any, figures: Any, weights: Any, work: Path, repeat: int
) -> dict[str, Any]:
    out = work / "segments.html"
    first = _segments(graph, figures, weights, out)
    times = [_segments(graph, figures, weights, out) for _ in range(repeat)]
    loads: list[Any] = []
    with Browser() as browser:
        for _ in range(repeat):
            page = browser.open(out, timeout=60)
            if page.console_errors or page.requests:
                raise SystemExit(f"the page misbehaved: {page.console_errors} {page.requests}")
            loads.append(browser.run("return Number(document.body.dataset.readyAt)"))
    return {
        "segments_file_first_seconds": round(first, 3),
        "segments_file_seconds": [round(t, 3) for t in times],
        "segments_file_bytes": out.stat().st_size,
        "segments_interactive_ms": loads,
        "segments_target_met": min(first, *times) <= TARGET_SEGMENTS_SECONDS,
    }


def _pyvis_per_node(graph: Any) -> dict[str, float]:
    from pyvis.network import Network

    names = [(u, a.get("name", "")) for u, a in graph.nodes(data=True)]
    began = time.perf_counter()
    net = Network(directed=True)
    for uscc, name in names:
        net.add_node(uscc, label=name)
    per_node = time.perf_counter() - began
    began = time.perf_counter()
    ready = Network(directed=True)
    ready.nodes = [{"id": u, "label": n, "shape": "dot"} for u, n in names]
    ready.node_ids = [u for u, _ in names]
    lists = time.perf_counter() - began
    return {"add_node_seconds": round(per_node, 2), "ready_lists_seconds": round(lists, 4)}


def _chromium() -> str:
    found = subprocess.run(["chromium", "--version"], capture_output=True, text=True, check=False)
    return found.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-pyvis", action="store_true", help="Leave out add_node timing.")
    parser.add_argument(
        "--segments-only", action="store_true", help="Measure the chain as a whole alone."
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="chainmap-bench-atlas-"))
    report: dict[str, Any] = {
        "enterprises": args.enterprises,
        "machine": f"{platform.machine()}, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "chromium": _chromium(),
    }
    try:
        generate_dataset(work / "data", enterprises=args.enterprises, chains=1, seed=7)
        url = f"sqlite:///{work / 'atlas.db'}"
        import_datasets([work / "data"], lambda: open_store(url, create=True))
        weights = load_weights()
        began = time.perf_counter()
        with open_store(url) as store:
            graph = to_digraph(store.chain(store.chains()[0].chain_id))
        read = time.perf_counter() - began
        began = time.perf_counter()
        figures = weak_links(graph, REFERENCE_DATE, weights)
        analysis = time.perf_counter() - began
        report.update(
            firms=graph.number_of_nodes(),
            links=graph.number_of_edges(),
            read_and_graph_seconds=round(read, 2),
            analysis_seconds=round(analysis, 2),
        )
        report.update(_segments_report(graph, figures, weights, work, args.repeat))
        if args.segments_only:
            return

        full = work / "full.html"
        first = _file(graph, figures, weights, None, full)
        fulls = [_file(graph, figures, weights, None, full) for _ in range(args.repeat)]
        grouped = [
            _file(graph, figures, weights, 2000, work / "grouped.html") for _ in range(args.repeat)
        ]
        report.update(
            full_file_first_seconds=round(first, 3),
            full_file_seconds=[round(s, 3) for s in fulls],
            full_file_bytes=full.stat().st_size,
            grouped_file_seconds=[round(s, 3) for s in grouped],
            grouped_file_bytes=(work / "grouped.html").stat().st_size,
            file_target_met=min(first, *fulls) <= TARGET_FILE_SECONDS,
        )
        if not args.skip_pyvis:
            report["pyvis_nodes_only"] = _pyvis_per_node(graph)

        loads: list[dict[str, float]] = []
        with Browser() as browser:
            for _ in range(args.repeat):
                page = browser.open(full, timeout=120)
                if page.console_errors or page.requests:
                    raise SystemExit(f"the page misbehaved: {page.console_errors} {page.requests}")
                drawn = browser.run("return Number(document.body.dataset.readyAt)")
                frames = browser.run(_FRAME)
                assert isinstance(frames, list) and isinstance(drawn, int | float)
                loads.append(
                    {
                        "interactive_ms": drawn,
                        "frame_ms": round(frames[0]),
                        "moving_frame_ms": round(frames[1]),
                    }
                )
        report["browser"] = loads
        report["interactive_target_met"] = all(
            load["interactive_ms"] <= TARGET_INTERACTIVE_SECONDS * 1000 for load in loads
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
        print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
