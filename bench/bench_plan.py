"""Plan and joint-certification batches of a large chain: the time from the store to the plan.

    python bench/bench_plan.py --enterprises 100000

Generates a sample dataset with one chain (seed 7), imports it into a new embedded store (not
timed), then times, best of ``--repeat``: reading the chain and building the graph; the weak-link
figures; candidates, batches, bodies, measures, the problem list and the quarterly schedule
(``plan_for``); rendering the plan as Markdown in Chinese and in English; as HTML with its charts
(Chinese); and as JSON. Prints a JSON report, with ``plan_seconds``: reading, analysis, plan and
one rendering (the HTML), what ``chainmap plan --format html`` takes after starting.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from chainmap.analysis import load_weights, weak_links
from chainmap.graph import to_digraph
from chainmap.ingest.load import import_datasets
from chainmap.plans import body_capacities, load_measures, load_planning
from chainmap.plans.plan import plan_for
from chainmap.plans.render import render_html, render_markdown
from chainmap.reports import json_text
from chainmap.samples import REFERENCE_DATE, generate_dataset
from chainmap.store import open_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="chainmap-bench-plan-"))
    report: dict[str, Any] = {"enterprises": args.enterprises}
    try:
        generate_dataset(work / "data", enterprises=args.enterprises, chains=1, seed=7)
        url = f"sqlite:///{work / 'plan.db'}"
        import_datasets([work / "data"], lambda: open_store(url, create=True))
        weights, planning, measures = load_weights(), load_planning(), load_measures()
        best: dict[str, float] = {}

        def timed(step: str, began: float) -> float:
            now = time.perf_counter()
            best[step] = min(best.get(step, float("inf")), now - began)
            return now

        for _ in range(args.repeat):
            began = time.perf_counter()
            with open_store(url) as store:
                chain = store.chains()[0].chain_id
                graph = to_digraph(store.chain(chain))
                bodies = body_capacities(store.bodies(), planning)
            began = timed("read_and_build", began)
            figures = weak_links(graph, REFERENCE_DATE, weights)
            began = timed("weak_link_figures", began)
            plan = plan_for(graph, figures, REFERENCE_DATE, weights, planning, bodies, measures)
            began = timed("batches_measures_schedule", began)
            texts = [render_markdown(plan, measures, lang) for lang in ("zh", "en")]
            began = timed("render_markdown_zh_and_en", began)
            page = render_html(plan, measures, "zh")
            began = timed("render_html_zh", began)
            data = json_text(plan.as_dict())
            timed("render_json", began)
        report.update(
            firms=graph.number_of_nodes(),
            links=graph.number_of_edges(),
            figures=len(figures),
            batches=len(plan.batches),
            batches_in_time=sum(1 for q in plan.batch_quarters if q is not None),
            problems=len(plan.problems),
            coverage_now=plan.coverage_now,
            coverage_end=plan.coverage_end,
            markdown_bytes=[len(t.encode()) for t in texts],
            html_bytes=len(page.encode()),
            json_bytes=len(data.encode()),
            seconds={k: round(v, 2) for k, v in best.items()},
            plan_seconds=round(
                sum(
                    best[k]
                    for k in (
                        "read_and_build",
                        "weak_link_figures",
                        "batches_measures_schedule",
                        "render_html_zh",
                    )
                ),
                2,
            ),
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
