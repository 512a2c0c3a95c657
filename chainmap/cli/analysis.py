"""Weak-link commands: weak-links, segments, what-if, robustness."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table as RichTable

from chainmap.enums import Lang
from chainmap.store import open_store

if TYPE_CHECKING:  # the analysis is imported by the commands that use it, not at start-up
    pass

from chainmap.cli.base import (
    AsOfOption,
    ChainOption,
    FormatOption,
    LangOption,
    OutOption,
    ReportFormat,
    StoreOption,
    WeightsOption,
    _as_of,
    _comma_list,
    _export,
    _output_format,
    _progress,
    _read_chain,
    _short,
    _sizes,
    _store_url,
    app,
    console,
    err_console,
)


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
    format: FormatOption = ReportFormat.table,
    lang: Annotated[
        Lang,
        typer.Option("--lang", help="Language of the table's reasons and the workbook's headers."),
    ] = Lang.zh,
    out: OutOption = None,
    store: StoreOption = None,
) -> None:
    """List a chain's **weak links** (薄弱环节), highest score first, leader by leader.

    A weak link is a firm the leader depends on (exposure, single point of failure, sole source,
    concentrated supply) that certification does not protect (no certificate in force, or one
    expiring, suspended ...). Figures are per leader: a firm supplying two leaders is listed
    under each. docs/analysis.md explains every column.
    """
    from chainmap.analysis import select, weak_links
    from chainmap.reports import WEAK_LINKS, figures_rows, leaders_to_analyse

    format = _output_format(format, out)
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
    if format is not ReportFormat.table:
        _export(figures_rows(rows), WEAK_LINKS, format, out, lang.value)
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
    format: FormatOption = ReportFormat.table,
    out: OutOption = None,
    lang: LangOption = Lang.zh,
    store: StoreOption = None,
) -> None:
    """Show each **segment** (环节) of a chain, in the order goods flow: firms, certification
    coverage by count and by exposure, weak links, single-sourced purchases, alternatives per
    purchase and concentration (HHI)."""
    from chainmap.analysis import segment_view, weak_links
    from chainmap.reports import SEGMENTS

    format = _output_format(format, out)
    graph, chosen, _ = _read_chain(chain, store, weights)
    day = _as_of(as_of)
    view = segment_view(graph, weak_links(graph, day, chosen), day, chosen)
    if format is not ReportFormat.table:
        _export([s.as_dict() for s in view], SEGMENTS, format, out, lang.value)
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
            s.name if s.segment_id == s.name else f"{s.name}\n{s.segment_id}",
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
    format: FormatOption = ReportFormat.table,
    out: OutOption = None,
    lang: LangOption = Lang.zh,
    store: StoreOption = None,
) -> None:
    """What each leader of a chain loses if some firms stop supplying: the share of its
    purchases lost (no rerouting) and the firms left with no supply path to it."""
    from chainmap.analysis import what_if
    from chainmap.reports import WHAT_IF, chain_graph, leaders_to_analyse

    format = _output_format(format, out)
    failed = [u.upper() for u in _comma_list(fail)]
    if not failed:
        raise typer.BadParameter("name at least one USCC", param_hint="--fail")
    with open_store(_store_url(store)) as opened:
        graph = chain_graph(opened, chain)
    leaders_to_analyse(graph, chain, None)  # a chain without a leader: say so
    found = what_if(graph, failed)
    if format is not ReportFormat.table:
        _export([w.as_dict() for w in found], WHAT_IF, format, out, lang.value)
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
        typer.Option(
            "--out",
            help="A .png file: draw the curves into it. Any other file: write the json, csv or "
            "xlsx into it.",
            show_default=False,
        ),
    ] = None,
    format: FormatOption = ReportFormat.table,
    lang: LangOption = Lang.zh,
    store: StoreOption = None,
) -> None:
    """Removal curves: the share of each leader's purchases still supplied as its upstream firms
    are removed in weak-link score order, against random orders (mean of the runs), with the
    R index (mean of a curve; lower means more fragile). CSV and XLSX have a row per point of
    each leader's curves; JSON also has every random run."""
    from chainmap.analysis import robustness as curves
    from chainmap.analysis import weak_links
    from chainmap.reports import ROBUSTNESS, leaders_to_analyse, robustness_rows

    plot = out if out is not None and out.suffix.lower() == ".png" else None
    written = out if plot is None else None
    format = _output_format(format, written, " (a .png --out draws the curves)")
    if written is not None and format is ReportFormat.table:
        raise typer.BadParameter(
            "the plot is written as PNG: name a .png file (or a .json, .csv or .xlsx file to "
            "write the curves into)",
            param_hint="--out",
        )
    graph, chosen, _ = _read_chain(chain, store, weights)
    day = _as_of(as_of)
    leaders_to_analyse(graph, chain, None)  # a chain without a leader: say so
    with _progress("removal curves"):
        found = curves(graph, weak_links(graph, day, chosen), runs=runs, points=points, seed=seed)
    if plot is not None:
        from chainmap.plots import removal_plot

        removal_plot(found, plot, title=f"{chain}: removal curves ({day})")
        err_console.print(f"wrote {plot}")
    if format is not ReportFormat.table:
        document = [r.as_dict() for r in found]
        _export(robustness_rows(found), ROBUSTNESS, format, written, lang.value, document)
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
