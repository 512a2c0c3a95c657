"""Commands that make and fill stores: generate, import, stats, demo."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table as RichTable

from chainmap.config import get_settings
from chainmap.errors import ValidationFailed
from chainmap.ingest import write_problems_csv
from chainmap.ingest.load import ImportResult, import_datasets
from chainmap.store import STAT_KEYS, open_store

if TYPE_CHECKING:  # the analysis is imported by the commands that use it, not at start-up
    pass

from chainmap.cli.base import (
    OutputFormat,
    StoreOption,
    _bar,
    _print_problems,
    _progress,
    _store_url,
    app,
    console,
    err_console,
)


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
    withdrawn and missing certificates. Same arguments, same bytes.
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
