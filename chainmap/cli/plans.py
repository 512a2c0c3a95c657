"""Joint-certification batches and one-chain-one-policy plans."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table as RichTable

from chainmap.enums import Lang, PlanFormat

if TYPE_CHECKING:  # the analysis is imported by the commands that use it, not at start-up
    pass

from chainmap.cli.base import (
    AsOfOption,
    CapacityOption,
    ChainOption,
    FormatOption,
    LangOption,
    OutOption,
    PlanningOption,
    ReportFormat,
    StoreOption,
    WeightsOption,
    _as_of,
    _emit,
    _export,
    _output_format,
    _read_chain,
    app,
    console,
    err_console,
)


@app.command("joint-cert")
def joint_cert(
    chain: ChainOption,
    capacity: CapacityOption = None,
    planning: PlanningOption = None,
    as_of: AsOfOption = None,
    weights: WeightsOption = None,
    format: FormatOption = ReportFormat.table,
    out: OutOption = None,
    lang: LangOption = Lang.zh,
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
    from chainmap.reports import BATCH_MEMBERS, batch_member_rows, batch_rows

    format = _output_format(format, out)
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
    if format is not ReportFormat.table:
        _export(batch_member_rows(rows), BATCH_MEMBERS, format, out, lang.value, rows)
        return

    def share(x: float | None) -> str:
        return "" if x is None else f"{x:.1%}"

    def named(code: str, name: str | None) -> str:  # as firms are shown: name, code below
        return f"{name}\n{code}" if name else code

    table = RichTable(
        title=f"Joint-certification batches of {chain}, on {day}",
        caption=f"{sum(len(r['members']) for r in rows):,} firm(s) to certify in "
        f"{len(rows):,} batch(es); "
        f"{sum(1 for r in rows if r['body_id']):,} with a body this period",
    )
    for column in ("#", "division", "prefecture", "body", "firms", "audit-days", "score"):
        table.add_column(
            column,
            justify="right" if column in ("#", "firms") else "left",
            overflow="fold" if column in ("division", "prefecture") else "ellipsis",
        )
    table.add_column("coverage", justify="right")
    for r in rows:
        table.add_row(
            str(r["batch"]),
            named(r["group"][0], r["division_name"]),
            named(r["group"][1], r["prefecture_name"]),
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
    format: Annotated[
        PlanFormat,
        typer.Option("--format", help="md, html, json, or docx and xlsx (these need --out)."),
    ] = PlanFormat.md,
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

    if format.binary and out is None:
        raise typer.BadParameter(
            f"{format.value} is written to a file: add --out FILE.{format.value}",
            param_hint="--out",
        )
    rules = load_planning(planning)
    table = load_measures(measures)
    graph, chosen, known = _read_chain(chain, store, weights, bodies=True)
    day = _as_of(as_of)
    leaders_to_analyse(graph, chain, None)
    bodies = body_capacities(known, rules, capacity)
    built = plan_for(graph, weak_links(graph, day, chosen), day, chosen, rules, bodies, table)
    if format.binary and out is not None:
        from chainmap.exports import write_atomic
        from chainmap.plans.office import plan_docx, plan_xlsx

        render = plan_docx if format is PlanFormat.docx else plan_xlsx
        write_atomic(render(built, table, lang.value), out)
        err_console.print(f"wrote {out}")
    elif format is PlanFormat.json:
        _emit(json_text(built.as_dict()), out)
    elif format is PlanFormat.html:
        _emit(render_html(built, table, lang.value), out)
    else:
        _emit(render_markdown(built, table, lang.value), out)
