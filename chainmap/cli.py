"""The ``chainmap`` command: parse, call one function, print.

Errors are turned into one line and an exit status in one place, :class:`_Commands`:
1 general, 2 bad input or settings (nothing written), 3 store failure, 4 not found.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table as RichTable
from typer.core import TyperGroup

from chainmap.config import get_settings
from chainmap.enums import Lang, PlanFormat
from chainmap.errors import ChainmapError, ConfigError, ValidationFailed
from chainmap.ingest import Problem, write_problems_csv
from chainmap.ingest.load import ImportResult, import_datasets
from chainmap.store import STAT_KEYS, open_store

if TYPE_CHECKING:  # the analysis is imported by the commands that use it, not at start-up
    from chainmap.analysis import Weights
    from chainmap.records import BodyRow

__all__ = ["app", "main"]

console = Console()
err_console = Console(stderr=True)

#: problems shown on screen; the rest go to --errors-out
_SHOWN_PROBLEMS = 30


class _Commands(TyperGroup):
    """Runs a command and turns a chainmap error into one line on stderr and its exit status."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationFailed as error:
            _print_problems(error.problems)
            err_console.print(f"[bold red]error:[/] {escape(str(error))}", soft_wrap=True)
            raise typer.Exit(error.exit_code) from None
        except ChainmapError as error:
            err_console.print(
                f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(error.exit_code) from None


app = typer.Typer(
    cls=_Commands,
    name="chainmap",
    help="Map industry chains (产业链) for quality-certification work: chain leaders (链主), their "
    "supplier tiers and customers, and the QMS certificates (GB/T 19001) of every firm.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Store URL: sqlite:///PATH (default sqlite:///chainmap.db). "
        "Also read from CHAINMAP_STORE.",
        show_default=False,
    ),
]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


def _store_url(store: str | None) -> str:
    return get_settings(store=store).store


def _bar() -> Progress:
    """Progress bars on stderr; rich hides them when stderr is not a terminal."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


@contextmanager
def _progress(description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """One progress bar; yields the function that advances it."""
    with _bar() as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def _print_problems(
    problems: Sequence[Problem], limit: int = _SHOWN_PROBLEMS, title: str = "Problems found"
) -> None:
    errors = [p for p in problems if p.is_error]
    shown = (errors or list(problems))[:limit]
    if not shown:
        return
    table = RichTable(title=title, show_lines=False, highlight=False)
    for column in ("file", "row", "column", "value", "message"):
        table.add_column(column, overflow="fold")
    for p in shown:
        table.add_row(p.file, "" if p.row is None else str(p.row), p.column, p.value, p.message)
    err_console.print(table)
    rest = len(problems) - len(shown)
    if rest > 0:
        err_console.print(f"... and {rest} more (write them all with --errors-out FILE.csv)")


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the CSV files into.")],
    enterprises: Annotated[int, typer.Option(help="Number of enterprises.", min=1)] = 2000,
    chains: Annotated[int, typer.Option(help="Number of chains.", min=1)] = 5,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same bytes.")] = 1,
    encoding: Annotated[
        str, typer.Option(help="utf-8, utf-8-sig (Excel's 'CSV UTF-8') or gb18030 (GBK).")
    ] = "utf-8",
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="The date certificate states refer to (valid ones expire after it). "
            "Default 2026-11-01, fixed so that a seed always gives the same bytes.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a realistic sample dataset (chains, segments, firms, supply links, certificates).

    Chains such as 新能源汽车, 光伏, 纺织服装, 智能家电 and 医疗器械, with leaders, several
    supplier tiers, real region and industry codes and a mix of valid, expired, suspended,
    revoked and missing certificates. Same arguments, same bytes.
    """
    from chainmap.samples import REFERENCE_DATE, generate_dataset

    with _progress("generating rows") as advance:
        summary = generate_dataset(
            out,
            enterprises=enterprises,
            chains=chains,
            seed=seed,
            encoding=encoding,
            as_of=as_of.date() if as_of else REFERENCE_DATE,
            progress=advance,
        )
    console.print(
        f"wrote {out}: "
        + ", ".join(f"{name} {count:,}" for name, count in _fields(summary).items())
    )


def _fields(obj: Any) -> dict[str, int]:
    return {name: getattr(obj, name) for name in obj.__slots__}


def _run_import(
    paths: Sequence[Path], url: str, accept_bad_checksum: bool, errors_out: Path | None
) -> ImportResult:
    settings = get_settings()
    with _bar() as bar:
        validating = bar.add_task("validating rows", total=None)
        writing = bar.add_task("writing rows", total=None, visible=False)

        def on_write(rows: int) -> None:
            bar.update(writing, visible=True)
            bar.advance(writing, rows)

        try:
            result = import_datasets(
                paths,
                lambda: open_store(url, create=True),
                accept_bad_checksum=accept_bad_checksum,
                batch_size=settings.batch_size,
                workers=settings.workers or None,
                on_validate=lambda rows: bar.advance(validating, rows),
                on_write=on_write,
            )
        except ValidationFailed as error:
            if errors_out is not None:
                write_problems_csv(error.problems, errors_out)
                err_console.print(f"all {len(error.problems)} problems written to {errors_out}")
            raise
    if errors_out is not None:
        write_problems_csv(result.warnings, errors_out)
    return result


@app.command("import")
def import_(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Datasets: a folder of CSV files, an .xlsx workbook or a .json file. "
            "Several are imported together, a later one updating an earlier one.",
            show_default=False,
        ),
    ],
    store: StoreOption = None,
    errors_out: Annotated[
        Path | None,
        typer.Option("--errors-out", help="Write every problem (and warning) to this CSV file."),
    ] = None,
    accept_bad_checksum: Annotated[
        bool,
        typer.Option(
            "--accept-bad-checksum",
            help="Keep firms whose USCC fails a check character, flagged, instead of rejecting them.",
        ),
    ] = False,
) -> None:
    """Validate datasets as a whole, then write them to the store in one transaction.

    Any error (bad value, unknown reference, conflicting duplicate) is listed with its file, row
    and column; the exit status is then 2 and nothing is written. Importing the same data twice
    changes nothing.
    """
    url = _store_url(store)
    result = _run_import(paths, url, accept_bad_checksum, errors_out)
    seconds = result.seconds
    table = RichTable(title=f"Imported into {url}")
    table.add_column("table")
    table.add_column("rows written", justify="right")
    for name, count in result.written.items():
        table.add_row(str(name), f"{count:,}")
    console.print(table)
    rate = result.rows_read / seconds if seconds > 0 else 0.0
    console.print(
        f"{result.rows_read:,} rows read in {seconds:.1f} s ({rate:,.0f} rows/s); "
        f"{result.duplicates_dropped:,} identical duplicates dropped; "
        f"{len(result.warnings):,} warnings"
        + (f" (listed in {errors_out})" if errors_out and result.warnings else "")
    )
    if result.warnings and not errors_out:
        _print_problems(result.warnings, limit=5, title="Warnings (nothing was refused)")


@app.command()
def stats(
    store: StoreOption = None,
    format: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = (
        OutputFormat.table
    ),
) -> None:
    """Count what the store holds: enterprises, supply links, certificates, chains, segments, members."""
    with open_store(_store_url(store)) as opened:
        counts = opened.stats()
        chains = opened.chains() if format is OutputFormat.table else []
    if format is OutputFormat.json:
        sys.stdout.write(json.dumps(counts, ensure_ascii=False) + "\n")
        return
    table = RichTable(title="Store contents")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key in STAT_KEYS:
        table.add_row(key, f"{counts[key]:,}")
    console.print(table)
    if chains:
        listing = RichTable(title="Chains")
        for column in ("chain_id", "name", "region"):
            listing.add_column(column)
        for chain in chains:
            listing.add_row(chain.chain_id, chain.name, chain.region_code or "national")
        console.print(listing)


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


ChainOption = Annotated[
    str, typer.Option("--chain", help="Chain id (`chainmap stats` lists them).", show_default=False)
]
AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        help="Date certificates are judged on, YYYY-MM-DD. Default: today.",
        show_default=False,
    ),
]
WeightsOption = Annotated[
    Path | None,
    typer.Option(
        "--weights",
        help="TOML file of score weights and thresholds (docs/analysis.md). "
        "Also read from CHAINMAP_WEIGHTS.",
        show_default=False,
    ),
]

CapacityOption = Annotated[
    Path | None,
    typer.Option(
        "--capacity",
        help="CSV body_id,capacity (audit-days per period). Default: every body in the store "
        "at the planning settings' default capacity.",
        show_default=False,
    ),
]
PlanningOption = Annotated[
    Path | None,
    typer.Option(
        "--planning",
        help="TOML file of batch size, grouping, audit-days by size and targets "
        "(chainmap/plans/planning.toml).",
        show_default=False,
    ),
]


def _as_of(value: datetime | None) -> date:
    return value.date() if value is not None else date.today()


def _read_chain(
    chain: str, store: str | None, weights: Path | None, bodies: bool = False
) -> tuple[Any, Weights, list[BodyRow]]:
    """The chain's graph, the score weights in force and (when asked) the store's bodies."""
    from chainmap.analysis import load_weights
    from chainmap.reports import chain_graph

    settings = get_settings(store=store, weights=weights)
    chosen = load_weights(settings.weights)
    with open_store(settings.store) as opened:
        return chain_graph(opened, chain), chosen, opened.bodies() if bodies else []


def _comma_list(value: str) -> list[str]:
    """``a,b`` (or ``a，b``) -> [``a``, ``b``], blanks dropped."""
    return [w.strip() for w in value.replace("，", ",").split(",") if w.strip()]


def _sizes(value: str | None) -> list[str] | None:
    """``micro,small`` (or 微型,小型) -> size class values; an unknown word is an error."""
    if value is None:
        return None
    from chainmap.enums import SizeClass

    by_word = {c.value: c.value for c in SizeClass} | {c.label_zh: c.value for c in SizeClass}
    words = _comma_list(value)
    unknown = [w for w in words if w.lower() not in by_word and w not in by_word]
    if unknown or not words:
        raise typer.BadParameter(
            f"unknown size class {', '.join(unknown) or repr(value)}; "
            "use micro, small, medium, large (or 微型, 小型, 中型, 大型), comma-separated",
            param_hint="--size",
        )
    return [by_word.get(w.lower(), by_word.get(w, w)) for w in words]


def _short(value: float) -> str:
    if value == 0:
        return "0%"
    return f"{100 * value:.2f}%" if value >= 0.0001 else f"{100 * value:.4f}%"


def _emit(text: str, out: Path | None, bom: bool = False) -> None:
    """Print ``text``, or write it to ``out`` (UTF-8; with a BOM for CSV files Excel opens)."""
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8-sig" if bom else "utf-8")
    except OSError as error:
        raise ConfigError(f"cannot write {out}: {error.strerror}") from None
    err_console.print(f"wrote {out}")


@app.command("weak-links")
def weak_links_(
    chain: ChainOption,
    leader: Annotated[
        str | None,
        typer.Option("--leader", help="Only this leader's suppliers (USCC).", show_default=False),
    ] = None,
    as_of: AsOfOption = None,
    top: Annotated[
        int | None, typer.Option("--top", min=1, help="At most N firms per leader.")
    ] = None,
    region: Annotated[
        str | None,
        typer.Option("--region", help="Region code prefix, e.g. 32 or 3205.", show_default=False),
    ] = None,
    industry: Annotated[
        str | None,
        typer.Option(
            "--industry", help="GB/T 4754 code prefix, e.g. C or C38.", show_default=False
        ),
    ] = None,
    segment: Annotated[
        str | None, typer.Option("--segment", help="Segment id of the chain.", show_default=False)
    ] = None,
    size: Annotated[
        str | None,
        typer.Option("--size", help="Size classes, e.g. micro,small.", show_default=False),
    ] = None,
    min_score: Annotated[
        float | None,
        typer.Option(
            "--min-score",
            min=0.0,
            max=1.0,
            help="Lowest score listed. Default: min_score of the weights (0.1).",
            show_default=False,
        ),
    ] = None,
    weights: WeightsOption = None,
    format: Annotated[ReportFormat, typer.Option("--format", help="table, json or csv.")] = (
        ReportFormat.table
    ),
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the table's reasons.")] = (
        Lang.zh
    ),
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write json/csv to this file instead.", show_default=False),
    ] = None,
    store: StoreOption = None,
) -> None:
    """List a chain's **weak links** (薄弱环节), highest score first, leader by leader.

    A weak link is a firm the leader depends on (exposure, single point of failure, sole source,
    concentrated supply) that certification does not protect (no certificate in force, or one
    expiring, suspended ...). Figures are per leader: a firm supplying two leaders is listed
    under each. docs/analysis.md explains every column.
    """
    from chainmap.analysis import select, weak_links
    from chainmap.reports import (
        WEAK_LINK_COLUMNS,
        csv_text,
        figures_rows,
        json_text,
        leaders_to_analyse,
    )

    sizes = _sizes(size)
    graph, chosen, _ = _read_chain(chain, store, weights)
    day = _as_of(as_of)
    leaders = leaders_to_analyse(graph, chain, leader)
    rows = select(
        weak_links(graph, day, chosen, leaders),
        min_score=chosen.thresholds.min_score if min_score is None else min_score,
        region=region,
        industry=industry,
        segment=segment,
        sizes=sizes,
        top=top,
    )
    if format is ReportFormat.json:
        _emit(json_text(figures_rows(rows)), out)
        return
    if format is ReportFormat.csv:
        _emit(csv_text(figures_rows(rows), WEAK_LINK_COLUMNS), out, bom=True)
        return
    names = {u: graph.nodes[u].get("name", "") for u in leaders}
    for lead in leaders:
        mine = [f for f in rows if f.leader == lead]
        table = RichTable(
            title=f"Weak links of {chain} for leader {names[lead]} ({lead}), on {day}",
            caption=f"{len(mine)} firm(s)" + ("" if mine else ": none above the minimum score"),
        )
        for column, justify in (
            ("#", "right"),
            ("firm", "left"),
            ("segment", "left"),
            ("certificate", "left"),
            ("exposure", "right"),
            ("dominated", "right"),
            ("score", "right"),
        ):
            table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
        for rank, f in enumerate(mine, 1):
            table.add_row(
                str(rank),
                f"{f.name}\n{f.uscc}",
                f.segment,
                f.certification,
                _short(f.exposure),
                str(f.dominated_count),
                f"{f.score:.3f}",
            )
        console.print(table)
        for rank, f in enumerate(mine, 1):  # the reasons below the table: readable when narrow
            why = f.explanation_zh if lang is Lang.zh else f.explanation_en
            console.print(f"  {rank}. {why}", highlight=False)


@app.command()
def segments(
    chain: ChainOption,
    as_of: AsOfOption = None,
    weights: WeightsOption = None,
    format: Annotated[ReportFormat, typer.Option("--format", help="table, json or csv.")] = (
        ReportFormat.table
    ),
    store: StoreOption = None,
) -> None:
    """Show each **segment** (环节) of a chain, in the order goods flow: firms, certification
    coverage by count and by exposure, weak links, single-sourced purchases, alternatives per
    purchase and concentration (HHI)."""
    from chainmap.analysis import SegmentFigures, segment_view, weak_links
    from chainmap.reports import csv_text, json_text

    graph, chosen, _ = _read_chain(chain, store, weights)
    day = _as_of(as_of)
    view = segment_view(graph, weak_links(graph, day, chosen), day, chosen)
    rows = [s.as_dict() for s in view]
    if format is ReportFormat.json:
        sys.stdout.write(json_text(rows))
        return
    if format is ReportFormat.csv:
        sys.stdout.write(csv_text(rows, SegmentFigures.__slots__))
        return

    def share(x: float | None) -> str:
        return "" if x is None else f"{x:.0%}"

    table = RichTable(title=f"Segments of {chain}, certificates judged on {day}")
    table.add_column("segment", overflow="fold", min_width=10)
    for column in ("firms", "certified", "by exposure", "weak links", "single-sourced"):
        table.add_column(column, justify="right")
    for column in ("alternatives", "HHI", "regional HHI"):
        table.add_column(column, justify="right")
    for s in view:
        table.add_row(
            f"{s.name}\n{s.segment_id}",
            f"{s.firms:,}",
            f"{s.certified:,} ({share(s.coverage)})",
            share(s.exposure_coverage),
            f"{s.weak_links:,}",
            f"{s.single_sourced:,} / {s.purchases:,}",
            "" if s.alternatives is None else f"{s.alternatives:.2f}",
            "" if s.hhi is None else f"{s.hhi:,.0f}",
            "" if s.regional_hhi is None else f"{s.regional_hhi:,.0f}",
        )
    console.print(table)


@app.command("what-if")
def what_if_(
    chain: ChainOption,
    fail: Annotated[
        str,
        typer.Option(
            "--fail",
            help="USCCs of the firms that stop supplying, comma-separated.",
            show_default=False,
        ),
    ],
    format: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = (
        OutputFormat.table
    ),
    store: StoreOption = None,
) -> None:
    """What each leader of a chain loses if some firms stop supplying: the share of its
    purchases lost (no rerouting) and the firms left with no supply path to it."""
    from chainmap.analysis import what_if
    from chainmap.reports import chain_graph, json_text, leaders_to_analyse

    failed = [u.upper() for u in _comma_list(fail)]
    if not failed:
        raise typer.BadParameter("name at least one USCC", param_hint="--fail")
    with open_store(_store_url(store)) as opened:
        graph = chain_graph(opened, chain)
    leaders_to_analyse(graph, chain, None)  # a chain without a leader: say so
    found = what_if(graph, failed)
    if format is OutputFormat.json:
        sys.stdout.write(json_text([w.as_dict() for w in found]))
        return
    table = RichTable(title=f"{chain}: if {', '.join(failed)} stop supplying")
    for column in ("leader", "purchases lost", "firms cut off", "first cut off"):
        table.add_column(column, overflow="fold")
    for w in found:
        shown = ", ".join(w.cut_off[:5]) + (" ..." if len(w.cut_off) > 5 else "")
        table.add_row(
            f"{graph.nodes[w.leader].get('name', '')}\n{w.leader}",
            _short(w.lost_share),
            f"{len(w.cut_off):,}",
            shown,
        )
    console.print(table)


@app.command()
def robustness(
    chain: ChainOption,
    as_of: AsOfOption = None,
    weights: WeightsOption = None,
    runs: Annotated[int, typer.Option("--runs", min=1, max=100, help="Random runs.")] = 10,
    points: Annotated[
        int, typer.Option("--points", min=2, max=200, help="Points on each curve.")
    ] = 20,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random orders.")] = 0,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also draw the curves into this PNG file.", show_default=False),
    ] = None,
    format: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = (
        OutputFormat.table
    ),
    store: StoreOption = None,
) -> None:
    """Removal curves: the share of each leader's purchases still supplied as its upstream firms
    are removed in weak-link score order, against random orders (mean of the runs), with the
    R index (mean of a curve; lower means more fragile)."""
    from chainmap.analysis import robustness as curves
    from chainmap.analysis import weak_links
    from chainmap.reports import json_text, leaders_to_analyse

    if out is not None and out.suffix.lower() != ".png":
        raise typer.BadParameter("the plot is written as PNG: name a .png file", param_hint="--out")
    graph, chosen, _ = _read_chain(chain, store, weights)
    day = _as_of(as_of)
    leaders_to_analyse(graph, chain, None)  # a chain without a leader: say so
    with _progress("removal curves"):
        found = curves(graph, weak_links(graph, day, chosen), runs=runs, points=points, seed=seed)
    if out is not None:
        from chainmap.plots import removal_plot

        removal_plot(found, out, title=f"{chain}: removal curves ({day})")
        err_console.print(f"wrote {out}")
    if format is OutputFormat.json:
        sys.stdout.write(json_text([r.as_dict() for r in found]))
        return
    for r in found:
        table = RichTable(
            title=f"Leader {graph.nodes[r.leader].get('name', '')} ({r.leader}): "
            f"{r.firms:,} upstream firms",
            caption=f"R index: by score {r.targeted.r_index:.3f}, "
            f"random {r.random_mean.r_index:.3f}",
        )
        for column in ("firms removed", "supplied (by score)", "supplied (random mean)"):
            table.add_column(column, justify="right")
        for k, a, b in zip(
            r.targeted.removed, r.targeted.supplied, r.random_mean.supplied, strict=True
        ):
            table.add_row(f"{k:,}", f"{a:.1%}", f"{b:.1%}")
        console.print(table)


@app.command("joint-cert")
def joint_cert(
    chain: ChainOption,
    capacity: CapacityOption = None,
    planning: PlanningOption = None,
    as_of: AsOfOption = None,
    weights: WeightsOption = None,
    format: Annotated[ReportFormat, typer.Option("--format", help="table, json or csv.")] = (
        ReportFormat.table
    ),
    store: StoreOption = None,
) -> None:
    """Plan **joint-certification batches** (联合认证) for a chain: its firms without a
    certificate in force (or with one expiring), grouped by industry division and prefecture,
    best weak-link score first, each batch given whole to a certification body with room for it.

    Without certification bodies in the store or a capacity file, the batches are listed without
    a body. A batch no body has room for waits for the next period.
    """
    from chainmap.analysis import weak_links
    from chainmap.plans import body_capacities, load_planning
    from chainmap.reports import batch_rows, csv_text, json_text

    rules = load_planning(planning)
    graph, chosen, known = _read_chain(chain, store, weights, bodies=True)
    day = _as_of(as_of)
    bodies = body_capacities(known, rules, capacity)
    rows = batch_rows(weak_links(graph, day, chosen), rules, bodies)
    if not bodies:
        err_console.print(
            "no certification bodies known: the batches are listed without a body "
            "(import bodies.csv or pass --capacity FILE)"
        )
    if format is ReportFormat.json:
        sys.stdout.write(json_text(rows))
        return
    if format is ReportFormat.csv:
        columns = (
            "batch",
            "body_id",
            "division",
            "prefecture",
            "uscc",
            "name",
            "size",
            "certification",
            "score",
            "audit_days",
        )
        flat = [
            {
                "batch": r["batch"],
                "body_id": r["body_id"],
                "division": r["group"][0],
                "prefecture": r["group"][1],
                **m,
            }
            for r in rows
            for m in r["members"]
        ]
        sys.stdout.write(csv_text(flat, columns))
        return

    def share(x: float | None) -> str:
        return "" if x is None else f"{x:.1%}"

    table = RichTable(
        title=f"Joint-certification batches of {chain}, on {day}",
        caption=f"{sum(len(r['members']) for r in rows):,} firm(s) to certify in "
        f"{len(rows):,} batch(es); "
        f"{sum(1 for r in rows if r['body_id']):,} with a body this period",
    )
    for column in ("#", "division", "prefecture", "body", "firms", "audit-days", "score"):
        table.add_column(column, justify="right" if column in ("#", "firms") else "left")
    table.add_column("coverage", justify="right")
    for r in rows:
        table.add_row(
            str(r["batch"]),
            r["group"][0],
            r["group"][1],
            r["body_id"] or "waiting",
            str(len(r["members"])),
            f"{r['audit_days']:g}",
            f"{r['score']:.3f}",
            f"{share(r['coverage_before'])} -> {share(r['coverage_after'])}"
            if r["body_id"]
            else "",
        )
    console.print(table)


@app.command()
def plan(
    chain: ChainOption,
    as_of: AsOfOption = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the plan.")] = Lang.zh,
    format: Annotated[PlanFormat, typer.Option("--format", help="md, html or json.")] = (
        PlanFormat.md
    ),
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the plan to this file.", show_default=False),
    ] = None,
    capacity: CapacityOption = None,
    planning: PlanningOption = None,
    measures: Annotated[
        Path | None,
        typer.Option(
            "--measures", help="TOML rules table of measures by class.", show_default=False
        ),
    ] = None,
    weights: WeightsOption = None,
    store: StoreOption = None,
) -> None:
    """Write a chain's **one-chain-one-policy plan** (一链一策): profile, certification status, weak
    links, problem list, measures by class, joint-certification batches, quarterly targets and
    responsibilities, with a measure set per firm as an appendix. Chinese by default."""
    from chainmap.analysis import weak_links
    from chainmap.plans import body_capacities, load_measures, load_planning
    from chainmap.plans.plan import plan_for
    from chainmap.plans.render import render_html, render_markdown
    from chainmap.reports import json_text, leaders_to_analyse

    rules = load_planning(planning)
    table = load_measures(measures)
    graph, chosen, known = _read_chain(chain, store, weights, bodies=True)
    day = _as_of(as_of)
    leaders_to_analyse(graph, chain, None)
    bodies = body_capacities(known, rules, capacity)
    built = plan_for(graph, weak_links(graph, day, chosen), day, chosen, rules, bodies, table)
    if format is PlanFormat.json:
        _emit(json_text(built.as_dict()), out)
    elif format is PlanFormat.html:
        _emit(render_html(built, table, lang.value), out)
    else:
        _emit(render_markdown(built, table, lang.value), out)


@app.command()
def atlas(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.", show_default=False)],
    chain: Annotated[
        str | None,
        typer.Option("--chain", help="A chain's atlas: its id.", show_default=False),
    ] = None,
    leader: Annotated[
        str | None,
        typer.Option(
            "--leader",
            help="A leader's supplier tiers and customers: its USCC.",
            show_default=False,
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            help="A region's chains by segment: a province, prefecture or county code (32, 3205).",
            show_default=False,
        ),
    ] = None,
    enterprise: Annotated[
        str | None,
        typer.Option(
            "--enterprise",
            help="One firm, its suppliers, customers and certificates: its USCC.",
            show_default=False,
        ),
    ] = None,
    industry: Annotated[
        str | None,
        typer.Option(
            "--industry",
            help="Only firms of this GB/T 4754 code prefix (C, C38 ...); leaders stay.",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOption = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the page.")] = Lang.zh,
    depth: Annotated[
        int, typer.Option("--depth", min=1, max=10, help="Supplier tiers of a leader atlas.")
    ] = 3,
    cap: Annotated[
        int,
        typer.Option(
            "--cap", min=1, help="Above this many firms, draw segment x region groups instead."
        ),
    ] = 2000,
    no_aggregate: Annotated[
        bool,
        typer.Option("--no-aggregate", help="Draw every firm, however many (may be slow to open)."),
    ] = False,
    weights: WeightsOption = None,
    store: StoreOption = None,
) -> None:
    """Draw a **chain-strengthening atlas** (强链图谱) as one HTML file that opens offline: a
    chain by segment, a leader's supplier tiers, a region's chains, or one enterprise. Colour is
    certification state, size is exposure, a red border marks a weak link; point at anything for
    its details."""
    from chainmap.analysis import load_weights
    from chainmap.atlases import AtlasKind, AtlasRequest, atlas_from_store, write_page
    from chainmap.visualizations import render_atlas

    chosen = {
        AtlasKind.CHAIN: chain,
        AtlasKind.LEADER: leader,
        AtlasKind.REGION: region,
        AtlasKind.ENTERPRISE: enterprise,
    }
    given = [(kind, key) for kind, key in chosen.items() if key is not None]
    if len(given) != 1:
        raise typer.BadParameter(
            "give exactly one of --chain, --leader, --region, --enterprise",
            param_hint="--chain / --leader / --region / --enterprise",
        )
    kind, key = given[0]
    request = AtlasRequest(
        kind=kind,
        key=key.strip(),
        as_of=_as_of(as_of),
        lang=lang.value,
        industry=industry,
        depth=depth,
        cap=None if no_aggregate else cap,
    )
    settings = get_settings(store=store, weights=weights)
    scores = load_weights(settings.weights)
    with open_store(settings.store) as opened:
        drawn = atlas_from_store(opened, request, scores)
    write_page(render_atlas(drawn), out)
    grouped = drawn.aggregated and kind is not AtlasKind.REGION  # a region atlas always groups
    err_console.print(
        f"wrote {out} ({len(drawn.nodes):,} nodes, {len(drawn.edges):,} links"
        + ("; firms grouped above --cap, --no-aggregate draws each" if grouped else "")
        + ")",
        highlight=False,
    )


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo store and data.")] = Path(
        "demo-output"
    ),
    enterprises: Annotated[int, typer.Option(help="Number of enterprises.", min=50)] = 2000,
    chains: Annotated[int, typer.Option(help="Number of chains.", min=1)] = 5,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
) -> None:
    """Generate sample chains, import them into a fresh embedded store in OUT and summarize them."""
    from chainmap.demo import run_demo

    with _progress("building the demo") as advance:
        result = run_demo(
            out,
            enterprises=enterprises,
            chains=chains,
            seed=seed,
            as_of=date.today(),
            progress=advance,
        )
    console.print(f"[bold]chainmap demo[/] in {out}")
    console.print(f"  data:  {result.data_dir}  ({result.rows_generated:,} rows generated)")
    console.print(
        f"  store: {result.store_url}  ({result.rows_written:,} rows imported in "
        f"{result.import_seconds:.1f} s)"
    )
    table = RichTable(title=f"Chains, certificates in force on {result.as_of}")
    table.add_column("chain", no_wrap=True)
    table.add_column("name", overflow="fold")  # wrap long Chinese names rather than cut them
    for column in ("leaders", "firms", "supply links", "certified", "share", "weak links"):
        table.add_column(column, justify="right")
    for row in result.chains:
        table.add_row(
            row.chain_id,
            row.name,
            str(row.leaders),
            f"{row.firms:,}",
            f"{row.links:,}",
            f"{row.certified:,}",
            f"{row.certified_share:.0%}",
            f"{row.weak_links:,}",
        )
    console.print(table)
    console.print(f"  weak links: {result.weak_links_dir} (one CSV per chain)")
    console.print(f"  plans: {result.plans_dir} (一链一策, Chinese and English, per chain)")
    console.print(
        f"  atlases: {result.atlases_dir} (强链图谱 of each chain and each leader's suppliers; "
        "open in a browser)"
    )
    console.print(f"  summary: {result.summary_path}")
    if result.chains:
        first = result.chains[0].chain_id
        console.print(
            f"  next: chainmap weak-links --chain {first} --store {result.store_url}",
            highlight=False,
        )


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
    store: StoreOption = None,
) -> None:
    """Serve the **HTTP API** (/api/v1, OpenAPI at /api/v1/docs) over the store. Every call needs
    a bearer token from `chainmap token create`; each role sees only what belongs to it."""
    import uvicorn

    from chainmap.api import create_app

    settings = get_settings(store=store)
    with open_store(settings.store):  # refuse to start on a store that cannot be opened
        pass
    err_console.print(f"chainmap API on http://{host}:{port}/api/v1 over {settings.store}")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


token_app = typer.Typer(
    cls=_Commands,
    help="API tokens for `chainmap serve`: create (printed once), list, revoke.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    role: Annotated[
        str,
        typer.Option("--role", help="admin, regulator, leader or analyst.", show_default=False),
    ],
    name: Annotated[
        str, typer.Option("--name", help="Who or what uses the token.", show_default=False)
    ],
    region: Annotated[
        list[str] | None,
        typer.Option(
            "--region",
            help="A region-code prefix the token may see (regulator, analyst); repeat for more.",
            show_default=False,
        ),
    ] = None,
    enterprise: Annotated[
        str | None,
        typer.Option("--enterprise", help="The leader's USCC (leader).", show_default=False),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Create an API token and print it **once**: the store keeps only its SHA-256 digest.
    Give it to the caller; a lost token is revoked and replaced, never recovered."""
    from chainmap.access import issue_token

    with open_store(_store_url(store)) as opened:
        token, row = issue_token(opened, role, name, region, enterprise)
    scope = ", ".join(row.regions) or row.enterprise or "everything"
    err_console.print(
        f"token {row.token_id} ({row.role}: {scope}) for {row.name}:", highlight=False
    )
    sys.stdout.write(token + "\n")


@token_app.command("list")
def token_list(
    store: StoreOption = None,
    format: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = (
        OutputFormat.table
    ),
) -> None:
    """List the tokens (never the tokens themselves): id, name, role, scope, created, revoked."""
    with open_store(_store_url(store)) as opened:
        rows = opened.tokens()
    fields = ("token_id", "name", "role", "regions", "enterprise", "created_at", "revoked_at")
    if format is OutputFormat.json:
        listed = [
            {f: list(r.regions) if f == "regions" else getattr(r, f) for f in fields} for r in rows
        ]
        sys.stdout.write(json.dumps(listed, ensure_ascii=False) + "\n")
        return
    table = RichTable(title="API tokens", caption=f"{len(rows)} token(s)")
    for column in fields:
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            r.token_id,
            escape(r.name),
            r.role,
            ",".join(r.regions),
            r.enterprise or "",
            r.created_at,
            r.revoked_at or "",
        )
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (`chainmap token list`).")],
    store: StoreOption = None,
) -> None:
    """Revoke a token: calls with it are refused (401) from then on."""
    from chainmap.access import revoke_token

    with open_store(_store_url(store)) as opened:
        revoke_token(opened, token_id)
    err_console.print(f"revoked {token_id}", highlight=False)


def main() -> None:
    """Entry point of the ``chainmap`` command."""
    app()
