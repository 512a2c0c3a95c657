"""``chainmap demo``: sample chains in a fresh embedded store, summarized."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from chainmap.analysis import load_weights, select, weak_links
from chainmap.enums import CertStatus
from chainmap.graph import to_digraph
from chainmap.ingest.load import import_datasets
from chainmap.rules import in_force
from chainmap.samples import generate_dataset
from chainmap.store import open_store

__all__ = ["ChainSummary", "DemoResult", "run_demo"]


@dataclass(frozen=True, slots=True)
class ChainSummary:
    chain_id: str
    name: str
    leaders: int
    firms: int
    links: int
    certified: int  # firms holding a certificate in force on the demo's date
    weak_links: int  # rows of its weak-link list (a firm once per leader it supplies)

    @property
    def certified_share(self) -> float:
        return self.certified / self.firms if self.firms else 0.0


@dataclass(frozen=True, slots=True)
class DemoResult:
    data_dir: Path
    store_url: str
    as_of: date
    rows_generated: int
    rows_written: int
    import_seconds: float
    chains: list[ChainSummary]
    summary_path: Path
    weak_links_dir: Path
    plans_dir: Path
    atlases_dir: Path
    #: the sample data as a bureau keeps it (台账示例.xlsx), and the blank template (模板.xlsx)
    ledger_path: Path
    template_path: Path


def run_demo(
    out: Path,
    *,
    enterprises: int = 2000,
    chains: int = 5,
    seed: int = 1,
    as_of: date,
    progress: Callable[[int], None] | None = None,
) -> DemoResult:
    """Generate a dataset into ``out/data``, import it into a fresh ``out/chainmap.db``, summarize.

    Only the demo's own files in ``out`` are replaced: ``data/``, ``chainmap.db`` (with its WAL
    files), ``weak-links/`` (one CSV per chain, UTF-8 with BOM for Excel), ``plans/`` (each
    chain's one-chain-one-policy plan in Chinese and English, Markdown), ``atlases/`` (each
    chain's atlas and each of its leaders' supplier-tier atlases, HTML pages that open offline),
    ``台账示例.xlsx`` (the same data as a bureau's ledger workbook, which ``chainmap import`` takes
    as it is), ``模板.xlsx`` (the template a bureau fills in) and ``summary.json``.
    """
    from chainmap.atlases import AtlasKind, AtlasRequest, atlas_from_store, write_page
    from chainmap.exports import write_export
    from chainmap.ingest.template import write_template
    from chainmap.plans import body_capacities, load_measures, load_planning
    from chainmap.plans.plan import plan_for
    from chainmap.plans.render import render_markdown
    from chainmap.reports import WEAK_LINKS, figures_rows
    from chainmap.samples.ledger import write_ledger_workbook
    from chainmap.visualizations import chain_atlas, render_atlas

    out.mkdir(parents=True, exist_ok=True)
    data_dir = out / "data"
    weak_dir = out / "weak-links"
    plan_dir = out / "plans"
    atlas_dir = out / "atlases"
    for folder in (data_dir, weak_dir, plan_dir, atlas_dir):
        if folder.exists():
            shutil.rmtree(folder)
        if folder is not data_dir:
            folder.mkdir()
    planning, measures = load_planning(), load_measures()
    weights = load_weights()
    db = out / "chainmap.db"
    for leftover in (db, db.with_name("chainmap.db-wal"), db.with_name("chainmap.db-shm")):
        leftover.unlink(missing_ok=True)
    url = f"sqlite:///{db}"

    summary = generate_dataset(
        data_dir, enterprises=enterprises, chains=chains, seed=seed, as_of=as_of, progress=progress
    )
    result = import_datasets([data_dir], lambda: open_store(url, create=True))
    ledger_path, template_path = out / "台账示例.xlsx", out / "模板.xlsx"
    write_ledger_workbook(data_dir, ledger_path, seed=seed)
    write_template(template_path)

    rows: list[ChainSummary] = []
    with open_store(url) as store:
        bodies = {b.body_id: b.name for b in store.bodies()}
        for chain in store.chains():
            graph = to_digraph(store.chain(chain.chain_id))
            certified = sum(
                1
                for _, certs in graph.nodes(data="certificates")
                if any(
                    in_force(CertStatus(c.status), c.issued_on, c.expires_on, as_of, c.status_since)
                    for c in certs
                )
            )
            figures = weak_links(graph, as_of, weights)
            weak = select(figures, min_score=weights.thresholds.min_score)
            plan = plan_for(
                graph,
                figures,
                as_of,
                weights,
                planning,
                body_capacities(store.bodies(), planning),
                measures,
            )
            for lang in ("zh", "en"):
                (plan_dir / f"{chain.chain_id}.{lang}.md").write_text(
                    render_markdown(plan, measures, lang), encoding="utf-8"
                )
            atlas = chain_atlas(graph, figures, as_of, weights, bodies=bodies)
            write_page(render_atlas(atlas), atlas_dir / f"{chain.chain_id}.html")
            for leader in graph.graph["leaders"]:
                request = AtlasRequest(AtlasKind.LEADER, leader, as_of)
                page = render_atlas(atlas_from_store(store, request, weights))
                write_page(page, atlas_dir / f"{chain.chain_id}.leader-{leader}.html")
            write_export(weak_dir / f"{chain.chain_id}.csv", figures_rows(weak), WEAK_LINKS, "csv")
            rows.append(
                ChainSummary(
                    chain.chain_id,
                    chain.name,
                    len(graph.graph["leaders"]),
                    graph.number_of_nodes(),
                    graph.number_of_edges(),
                    certified,
                    len(weak),
                )
            )
        counts = store.stats()

    summary_path = out / "summary.json"
    summary_path.write_text(
        json.dumps(
            {"as_of": as_of.isoformat(), "store": counts, "chains": [asdict(r) for r in rows]},
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return DemoResult(
        data_dir=data_dir,
        store_url=url,
        as_of=as_of,
        rows_generated=sum(getattr(summary, f) for f in summary.__slots__),
        rows_written=result.rows_written,
        import_seconds=result.seconds,
        chains=rows,
        summary_path=summary_path,
        weak_links_dir=weak_dir,
        plans_dir=plan_dir,
        atlases_dir=atlas_dir,
        ledger_path=ledger_path,
        template_path=template_path,
    )
