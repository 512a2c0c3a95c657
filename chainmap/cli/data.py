"""Commands that make and fill stores: generate, import, stats, demo."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from chainmap.config import get_settings
from chainmap.enums import Lang
from chainmap.errors import ConfigError, StoreUnavailable, ValidationFailed
from chainmap.ingest import write_problems_csv
from chainmap.ingest.load import ImportResult, import_datasets
from chainmap.ingest.sources import ReadOptions
from chainmap.store import STAT_KEYS, open_store
from chainmap.store.base import Store

if TYPE_CHECKING:  # the analysis is imported by the commands that use it, not at start-up
    from chainmap.demo import DemoResult

from chainmap.cli.base import (
    FormatOption,
    LangOption,
    OutOption,
    ReportFormat,
    StoreOption,
    _bar,
    _emit,
    _export,
    _output_format,
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
    paths: Sequence[Path],
    url: str,
    accept_bad_checksum: bool,
    errors_out: Path | None,
    *,
    options: ReadOptions | None = None,
    dry_run: bool = False,
    lang: Lang = Lang.zh,
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
                (lambda: _existing_store(url))
                if dry_run
                else (lambda: open_store(url, create=True)),
                accept_bad_checksum=accept_bad_checksum,
                batch_size=settings.batch_size,
                workers=settings.workers or None,
                on_validate=lambda rows: bar.advance(validating, rows),
                on_write=on_write,
                options=options,
                dry_run=dry_run,
            )
        except ValidationFailed as error:
            bar.stop()
            if errors_out is not None:
                write_problems_csv(error.problems, errors_out, lang.value)
                err_console.print(
                    f"全部 {len(error.problems)} 个问题已写入 {errors_out}"
                    if lang is Lang.zh
                    else f"all {len(error.problems)} problems written to {errors_out}"
                )
            _print_problems(error.problems, lang=lang.value)
            err_console.print(
                f"[bold red]error:[/] {escape(error.text(lang.value))}", soft_wrap=True
            )
            raise typer.Exit(error.exit_code) from None
    if errors_out is not None:
        write_problems_csv(result.warnings, errors_out, lang.value)
    return result


def _existing_store(url: str) -> Store | None:
    """The store a dry run checks references against, if there is one yet."""
    try:
        return open_store(url)
    except StoreUnavailable:
        return None


_TABLE_ZH = {
    "bodies": "认证机构",
    "enterprises": "企业",
    "chains": "产业链",
    "leaders": "链主",
    "segments": "环节",
    "feeds": "环节衔接",
    "members": "链上企业",
    "supply": "供应关系",
    "certificates": "认证证书",
}


@app.command("import")
def import_(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Datasets: a bureau's workbook (.xlsx, with its 台账, 供应关系 or 证书 sheets as "
            "they are kept), a folder of CSV files, or a .json file. Several are imported "
            "together, a later one updating an earlier one.",
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
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            help="TOML file naming the columns (and sheets) your workbook heads its own way, "
            'e.g. [columns] "企业统一编码" = "uscc" (docs/data-format.md).',
        ),
    ] = None,
    ignore_column: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore-column",
            help="A column to leave out on purpose (as the workbook heads it); repeatable. "
            "Otherwise a column holding data that maps to nothing is an error.",
            show_default=False,
        ),
    ] = None,
    ignore_sheet: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore-sheet",
            help="A sheet (or CSV file name without .csv) to leave out on purpose; repeatable.",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Validate and say what would be written, table by table; write nothing.",
        ),
    ] = False,
    lang: Annotated[
        Lang, typer.Option("--lang", help="Language of the problems listed: zh or en.")
    ] = Lang.zh,
) -> None:
    """Validate datasets as a whole, then write them to the store in one transaction.

    Workbooks go in as bureaus keep them: title rows, Chinese headers, 合计 rows, one row per
    firm (the 台账) with its chain, segment, tier and certificate, values such as 85人 or 1.2万.
    Any error (bad value, unknown reference, conflicting duplicate) is listed with its sheet, row
    and column as the workbook heads it; the exit status is then 2 and nothing is written.
    Importing the same data twice changes nothing.
    """
    from chainmap.ingest.aliases import load_mapping

    url = _store_url(store)
    options = ReadOptions.create(
        load_mapping(mapping) if mapping is not None else None,
        ignore_column or (),
        ignore_sheet or (),
    )
    result = _run_import(
        paths, url, accept_bad_checksum, errors_out, options=options, dry_run=dry_run, lang=lang
    )
    seconds = result.seconds
    zh = lang is Lang.zh
    if dry_run:
        title = (
            f"试运行：将写入 {url} 的数据（未写入）"
            if zh
            else f"Dry run: would write to {url} (nothing written)"
        )
    else:
        title = f"已导入 {url}" if zh else f"Imported into {url}"
    table = RichTable(title=title)
    table.add_column("表" if zh else "table")
    table.add_column(
        ("将写入行数" if dry_run else "写入行数")
        if zh
        else ("rows to write" if dry_run else "rows written"),
        justify="right",
    )
    for name, count in result.written.items():
        shown = f"{_TABLE_ZH.get(str(name), str(name))} ({name})" if zh else str(name)
        table.add_row(shown, f"{count:,}")
    console.print(table)
    rate = result.rows_read / seconds if seconds > 0 else 0.0
    if zh:
        console.print(
            f"读取 {result.rows_read:,} 行，用时 {seconds:.1f} 秒（每秒 {rate:,.0f} 行）；"
            f"去掉完全相同的重复行 {result.duplicates_dropped:,} 行；提示 {len(result.warnings):,} 条"
            + (f"（见 {errors_out}）" if errors_out and result.warnings else "")
        )
    else:
        console.print(
            f"{result.rows_read:,} rows read in {seconds:.1f} s ({rate:,.0f} rows/s); "
            f"{result.duplicates_dropped:,} identical duplicates dropped; "
            f"{len(result.warnings):,} warnings"
            + (f" (listed in {errors_out})" if errors_out and result.warnings else "")
        )
    if result.warnings and not errors_out:
        _print_problems(
            result.warnings,
            limit=5,
            title="提示（未拒绝任何数据）" if zh else "Warnings (nothing was refused)",
            lang=lang.value,
        )


@app.command()
def template(
    out: Annotated[
        Path,
        typer.Option("--out", help="The workbook to write, e.g. 模板.xlsx.", show_default=False),
    ],
    lang: Annotated[Lang, typer.Option("--lang", help="Headers and instructions: zh or en.")] = (
        Lang.zh
    ),
) -> None:
    """Write the Excel ledger template (企业台账, 供应关系, 填表说明) a bureau fills in.

    Chinese headers (or English ones with --lang en), drop-downs for 企业规模, 证书状态 and 链级,
    one example row, and the instructions. It imports as it is: `chainmap import 模板.xlsx`.
    """
    from chainmap.ingest.template import write_template

    if out.suffix.lower() != ".xlsx":
        raise ConfigError(f"--out {out}: the template is an Excel workbook; name it *.xlsx")
    write_template(out, lang.value)
    console.print(f"已写入模板 {out}" if lang is Lang.zh else f"wrote the template {out}")


@app.command()
def stats(
    store: StoreOption = None,
    format: FormatOption = ReportFormat.table,
    out: OutOption = None,
    lang: LangOption = Lang.zh,
) -> None:
    """Count what the store holds: enterprises, supply links, certificates, chains, segments, members."""
    from chainmap.reports import STATS, stats_rows

    format = _output_format(format, out)
    with open_store(_store_url(store)) as opened:
        counts = opened.stats()
        chains = opened.chains() if format is ReportFormat.table else []
    if format is ReportFormat.json:  # one line, as scripts have read it
        _emit(json.dumps(counts, ensure_ascii=False) + "\n", out)
        return
    if format is not ReportFormat.table:
        _export(stats_rows(counts), STATS, format, out, lang.value)
        return
    table = RichTable(title="Store contents")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key in STAT_KEYS:
        table.add_row(key, f"{counts[key]:,}")
    console.print(table)
    if chains:
        from chainmap.rules import region_full_name

        listing = RichTable(title="Chains")
        for column in ("chain_id", "name", "region"):
            listing.add_column(column)
        for chain in chains:
            code = chain.region_code
            name = region_full_name(code) if code else None
            shown = f"{name}\n{code}" if name else code or "national"  # name, code below
            listing.add_row(chain.chain_id, chain.name, shown)
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
    """Generate sample chains, import them into a fresh embedded store in OUT and summarize them.
    The store gets an account per role for the web console (admin, regulator, leader, analyst),
    each with a one-time password printed at the end and kept in OUT/accounts.txt (mode 0600),
    with the one command that starts the console over it."""
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
    console.print(
        f"  plans: {result.plans_dir} (一链一策 per chain: Chinese and English, Markdown and "
        "HTML; JSON)"
    )
    console.print(
        f"  atlases: {result.atlases_dir} (强链图谱 of each chain by segment, and firm by firm in "
        "*.firms.html, of each leader's suppliers, and map-*.html, the first chain's province by "
        "prefecture; open in a browser)"
    )
    console.print(
        f"  workbooks: {result.ledger_path} (the same data as a bureau's ledger: "
        f"chainmap import {result.ledger_path.name} takes it as it is), "
        f"{result.template_path} (the template to fill in)"
    )
    console.print(f"  summary: {result.summary_path}")
    if result.chains:
        first = result.chains[0].chain_id
        console.print(
            f"  next: chainmap weak-links --chain {first} --store {result.store_url}",
            highlight=False,
        )
    _print_console(result)


def _print_console(result: DemoResult) -> None:
    """The demo's accounts, their one-time passwords and the command that starts the console:
    plain lines that a terminal never wraps mid-password, for copying."""
    from chainmap.demo import CONSOLE_ADDRESS

    def say(text: str) -> None:
        console.print(text, highlight=False, markup=False, soft_wrap=True)

    console.print()
    console.print("[bold]Web console[/]: an account per role, each with a one-time password")
    say("(the console asks for a new one at the first login):")
    for account in result.accounts:
        say(f"  {account.login:<10} {account.password}   {account.role}: {account.name}")
    say("Start the console:")
    say(f"  {result.serve_command}")
    logins = ", ".join(a.login for a in result.accounts)
    say(f"then open {CONSOLE_ADDRESS} and log in as one of {logins}.")
    say(f"The passwords are also in {result.accounts_path} (readable by you only).")
