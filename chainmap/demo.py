"""``chainmap demo``: sample chains in a fresh embedded store, summarized, with an account per
role for the web console."""

from __future__ import annotations

import json
import os
import secrets
import shlex
import shutil
import sys
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
from chainmap.store import Store, open_store

__all__ = ["CONSOLE_ADDRESS", "ChainSummary", "DemoAccount", "DemoResult", "run_demo"]

#: where ``chainmap serve`` puts the console by default
CONSOLE_ADDRESS = "http://127.0.0.1:8000/"


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
class DemoAccount:
    """A person's account the demo makes, with its one-time password (changed at first login)."""

    login: str
    role: str
    name: str
    scope: str  # what it sees, in words
    password: str


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
    #: an account per role, with one-time passwords, also listed in accounts_path (mode 0600)
    accounts: list[DemoAccount]
    accounts_path: Path
    #: the one command that starts the console over the demo's store
    serve_command: str


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
    chain's one-chain-one-policy plan in Chinese and English, Markdown and HTML, as JSON, and in
    Chinese as a Word document and a workbook, ``ID.zh.docx`` and ``ID.zh.xlsx``),
    ``atlases/`` (each chain's atlas, segment by segment, and firm by firm, ``ID.firms.html``, each
    of its leaders' supplier-tier atlases, and the map of
    the first chain's province, ``map-PP.html``: HTML pages that open offline),
    ``台账示例.xlsx`` (the same data as a bureau's ledger workbook, which ``chainmap import`` takes
    as it is), ``模板.xlsx`` (the template a bureau fills in) and ``summary.json``.

    The store holds an account per role for the web console (``admin``, ``regulator`` of the
    first chain's province, ``leader`` of its first leader, ``analyst`` of that province), each
    with a random one-time password that the person changes at the first login; they are listed
    with the command that starts the console in ``accounts.txt``, readable by its owner only.
    """
    from chainmap.atlases import AtlasKind, AtlasRequest, atlas_from_store, write_page
    from chainmap.exports import write_export
    from chainmap.ingest.template import write_template
    from chainmap.plans import body_capacities, load_measures, load_planning
    from chainmap.plans.office import plan_docx, plan_xlsx
    from chainmap.plans.plan import plan_for
    from chainmap.plans.render import render_html, render_markdown
    from chainmap.regionmap import region_map_from_store
    from chainmap.reports import WEAK_LINKS, figures_rows, json_text
    from chainmap.samples.ledger import write_ledger_workbook
    from chainmap.visualizations import chain_atlas, render_atlas, segment_atlas
    from chainmap.visualizations.map import render_map

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
    first: tuple[str, str, str] | None = None  # the first chain's province, leader and its name
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
                (plan_dir / f"{chain.chain_id}.{lang}.html").write_text(
                    render_html(plan, measures, lang), encoding="utf-8"
                )
            (plan_dir / f"{chain.chain_id}.json").write_text(
                json_text(plan.as_dict()), encoding="utf-8"
            )
            # the files a bureau circulates, in Chinese
            (plan_dir / f"{chain.chain_id}.zh.docx").write_bytes(plan_docx(plan, measures, "zh"))
            (plan_dir / f"{chain.chain_id}.zh.xlsx").write_bytes(plan_xlsx(plan, measures, "zh"))
            if first is None and graph.graph["leaders"]:
                leader = graph.graph["leaders"][0]
                region = chain.region_code or graph.nodes[leader]["region_code"]
                first = (region[:2], leader, graph.nodes[leader]["name"])
            # the chain as a whole, segment by segment, and firm by firm
            atlas = segment_atlas(graph, figures, as_of, weights)
            write_page(render_atlas(atlas), atlas_dir / f"{chain.chain_id}.html")
            atlas = chain_atlas(graph, figures, as_of, weights, bodies=bodies)
            write_page(render_atlas(atlas), atlas_dir / f"{chain.chain_id}.firms.html")
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
        if first is not None:  # the map of the first chain's province, prefecture by prefecture
            drawn = region_map_from_store(store, first[0], as_of, weights)
            write_page(render_map(drawn), atlas_dir / f"map-{first[0]}.html")
        counts = store.stats()
        people = _make_accounts(store, first)

    serve = serve_command(url)
    accounts_path = out / "accounts.txt"
    _write_accounts(accounts_path, people, serve)

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
        accounts=people,
        accounts_path=accounts_path,
        serve_command=serve,
    )


def one_time_password() -> str:
    """A random one-time password: 16 URL-safe characters (96 random bits)."""
    return secrets.token_urlsafe(12)


def _make_accounts(store: Store, first: tuple[str, str, str] | None) -> list[DemoAccount]:
    """An account per role with a one-time password each; the regulator, the analyst and the
    leader need a chain with a leader (always there in the generated samples)."""
    from chainmap.accounts import create_account
    from chainmap.rules import region_name

    wanted: list[tuple[str, str, str, str, list[str], str | None]] = [
        ("admin", "admin", "系统管理员", "everything", [], None)
    ]
    if first is not None:
        province, leader, firm = first
        place = region_name(province) or province
        wanted += [
            ("regulator", "regulator", f"{place}市场监督管理局", place, [province], None),
            ("leader", "leader", firm, leader, [], leader),
            ("analyst", "analyst", f"{place}产业链分析员", place, [province], None),
        ]
    made = []
    for login, role, name, scope, regions, enterprise in wanted:
        password = one_time_password()
        create_account(
            store,
            login,
            role,
            password,
            name=name,
            regions=regions,
            enterprise=enterprise,
            must_change=True,
        )
        made.append(DemoAccount(login, role, name, scope, password))
    return made


def serve_command(store_url: str) -> str:
    """The command that starts the console over ``store_url``, as typed in this folder: the
    chainmap of this environment by its path when it runs from a virtual environment (which
    the shell may not have activated), else ``chainmap``."""
    program = "chainmap"
    installed = Path(sys.prefix) / "bin" / "chainmap"
    if sys.prefix != sys.base_prefix and installed.is_file():
        try:
            program = str(installed.relative_to(Path.cwd()))
        except ValueError:
            program = str(installed)
    return shlex.join([program, "serve", "--store", store_url])


def _write_accounts(path: Path, people: list[DemoAccount], serve: str) -> None:
    """The accounts and their one-time passwords, readable and writable by the owner only."""
    lines = [
        "chainmap demo: accounts for the web console",
        "",
        "Start the console:",
        f"    {serve}",
        f"then open {CONSOLE_ADDRESS} and log in with one of these logins. Each password is",
        "a one-time password: the console asks for a new one at the first login.",
        "",
        *(f"{a.login:<10} {a.password}  {a.role}: {a.name} ({a.scope})" for a in people),
        "",
    ]
    path.unlink(missing_ok=True)  # a new file, so that it is made with the owner's mode only
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        os.fchmod(file.fileno(), 0o600)  # whatever the umask
        file.write("\n".join(lines))
