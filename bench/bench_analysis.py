"""Weak-link analysis benchmark: read one chain, build its graph, analyse it, at growing sizes.

    python bench/bench_analysis.py                              # 10,000, 100,000 and 1,000,000 firms
    python bench/bench_analysis.py --sizes 10000,100000
    python bench/bench_analysis.py --sizes 100000 --profile 25  # cProfile of one analysis, to stderr

For each size (number of enterprises), one after the other:

1. generate a sample dataset with one chain (``chainmap generate``, seed 7), so the chain holds
   every firm;
2. import it into a new embedded SQLite store (timed on its own, not part of the figures below);
3. in a child process of its own, so its peak memory is that of these steps alone: read the chain
   (``store.chain``, timed once);
4. build the networkx graph (``chainmap.graph.to_digraph``, best of 3);
5. the full analysis, best of 3: ``weak_links`` for every leader of the chain, then
   ``segment_view`` over its figures, as of the samples' reference date (the default weights are
   loaded once, before the timing); the two parts of the best run are given too.

The report gives, per size, the firms and links (pairs of firms) of the graph, the leaders, the
rows of figures (one per firm upstream of a leader, per leader), each step's seconds, analysis over
graph build, and the child's peak resident memory (``ru_maxrss``); between consecutive sizes, how
much each step's time grew against the size, and the issue's targets: a 100,000-firm chain analysed
in at most 10 s, a 10x larger chain costing no more than 15x, analysis at most 3x the graph build.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import platform
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

TARGET_SECONDS_AT_100K = 10.0
TARGET_GROWTH_PER_10X = 15.0
TARGET_ANALYSIS_OVER_BUILD = 3.0


def _child(db: Path, repeats: int, profile: int) -> None:
    """Steps 3-5 on the store at ``db``: print their figures as one line of JSON."""
    from chainmap.analysis import chain_leaders, load_weights, segment_view, weak_links
    from chainmap.graph import to_digraph
    from chainmap.samples import REFERENCE_DATE
    from chainmap.store import open_store

    with open_store(f"sqlite:///{db}") as store:
        chain_id = store.chains()[0].chain_id
        started = time.perf_counter()
        sub = store.chain(chain_id)
        read = time.perf_counter() - started

    builds: list[float] = []
    graph: Any = None
    for _ in range(repeats):
        graph = None  # let the previous graph go before building the next
        started = time.perf_counter()
        graph = to_digraph(sub)
        builds.append(time.perf_counter() - started)
    del sub

    weights = load_weights()
    analyses: list[tuple[float, float]] = []  # (weak_links, segment_view) seconds
    rows = segments = 0
    for _ in range(repeats):
        started = time.perf_counter()
        figures = weak_links(graph, REFERENCE_DATE, weights)
        middle = time.perf_counter()
        view = segment_view(graph, figures, REFERENCE_DATE, weights)
        analyses.append((middle - started, time.perf_counter() - middle))
        rows, segments = len(figures), len(view)
        del figures, view

    best = min(analyses, key=sum)

    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        figures = weak_links(graph, REFERENCE_DATE, weights)
        segment_view(graph, figures, REFERENCE_DATE, weights)
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(profile)

    print(
        json.dumps(
            {
                "chain": chain_id,
                "firms": graph.number_of_nodes(),
                "links": graph.number_of_edges(),
                "leaders": len(chain_leaders(graph)),
                "figures_rows": rows,
                "segments": segments,
                "read_seconds": round(read, 3),
                "build_seconds": round(min(builds), 3),
                "analysis_seconds": round(sum(best), 3),
                "weak_links_seconds": round(best[0], 3),
                "segment_view_seconds": round(best[1], 3),
                "build_runs": [round(t, 3) for t in builds],
                "analysis_runs": [round(sum(t), 3) for t in analyses],
                "analysis_over_build": round(sum(best) / min(builds), 2),
                "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


def _measure(size: int, work: Path, seed: int, repeats: int, profile: int) -> dict[str, Any]:
    """Steps 1-5 for one size, in ``work`` (emptied first)."""
    from chainmap.ingest.load import import_datasets
    from chainmap.samples import generate_dataset
    from chainmap.store import open_store

    data, db = work / f"data-{size}", work / f"analysis-{size}.db"
    shutil.rmtree(data, ignore_errors=True)
    for leftover in work.glob(f"analysis-{size}.db*"):
        leftover.unlink()
    started = time.perf_counter()
    summary = generate_dataset(data, enterprises=size, chains=1, seed=seed)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    import_datasets([data], lambda: open_store(f"sqlite:///{db}", create=True))
    imported = time.perf_counter() - started
    command = [sys.executable, __file__, "--child", str(db), "--repeats", str(repeats)]
    command += ["--profile", str(profile)]
    child = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    figures: dict[str, Any] = json.loads(child.stdout)
    return {
        "enterprises": summary.enterprises,
        "supply_rows": summary.supply,
        "generate_seconds": round(generated, 2),
        "import_seconds": round(imported, 2),
        **figures,
    }


def _growth(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """How each step's time grew from one size to the next."""
    found = []
    for small, large in pairwise(results):
        found.append(
            {
                "from": small["enterprises"],
                "to": large["enterprises"],
                "size_ratio": round(large["enterprises"] / small["enterprises"], 2),
                "links_ratio": round(large["links"] / small["links"], 2),
                **{
                    f"{step}_growth": round(
                        large[f"{step}_seconds"] / max(small[f"{step}_seconds"], 1e-9), 2
                    )
                    for step in ("read", "build", "analysis", "weak_links", "segment_view")
                },
            }
        )
    return found


def _targets(results: list[dict[str, Any]], growth: list[dict[str, Any]]) -> dict[str, Any]:
    """The issue's targets against the figures, where the sizes measured allow."""
    targets: dict[str, Any] = {}
    at_100k = [r for r in results if r["enterprises"] == 100_000]
    if at_100k:
        seconds = at_100k[0]["analysis_seconds"]
        targets["analysis_100k_at_most_10s"] = {
            "seconds": seconds,
            "met": seconds <= TARGET_SECONDS_AT_100K,
        }
    tenfold = [g for g in growth if g["size_ratio"] == 10]
    if tenfold:
        targets["tenfold_size_at_most_15x_time"] = {
            "growth": [g["analysis_growth"] for g in tenfold],
            "met": all(g["analysis_growth"] <= TARGET_GROWTH_PER_10X for g in tenfold),
        }
    targets["analysis_at_most_3x_build"] = {
        "ratios": [r["analysis_over_build"] for r in results],
        "met": all(r["analysis_over_build"] <= TARGET_ANALYSIS_OVER_BUILD for r in results),
    }
    return targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="10000,100000,1000000",
        help="enterprises per dataset, comma-separated, smallest first",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3, help="graph builds and analyses")
    parser.add_argument("--workdir", type=Path, default=None, help="kept when given")
    parser.add_argument(
        "--profile", type=int, default=0, help="print this many cProfile entries of an analysis"
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.repeats, args.profile)
        return

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="chainmap-bench-analysis-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for size in sizes:
            results.append(_measure(size, work, args.seed, args.repeats, args.profile))
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)  # progress
            if args.workdir is None:  # keep the disk use to one size at a time
                shutil.rmtree(work / f"data-{size}", ignore_errors=True)
                for leftover in work.glob(f"analysis-{size}.db*"):
                    leftover.unlink()
            gc.collect()
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    growth = _growth(results)
    report = {
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}",
        "repeats": args.repeats,
        "sizes": results,
        "growth": growth,
        "targets": _targets(results, growth),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
