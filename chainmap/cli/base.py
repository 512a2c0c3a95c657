"""What every command shares: the app, its error handling, consoles, options and helpers."""

from __future__ import annotations

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
from chainmap.enums import Lang
from chainmap.errors import ChainmapError, ValidationFailed
from chainmap.ingest import Problem
from chainmap.store import open_store

if TYPE_CHECKING:  # the analysis is imported by the commands that use it, not at start-up
    from chainmap.analysis import Weights
    from chainmap.columns import Table
    from chainmap.records import BodyRow

console = Console()
err_console = Console(stderr=True)

#: problems shown on screen; the rest go to --errors-out
_SHOWN_PROBLEMS = 30


#: the order `chainmap --help` lists the commands in: the order of the work
_ORDER = (
    "generate",
    "template",
    "import",
    "stats",
    "weak-links",
    "segments",
    "what-if",
    "robustness",
    "joint-cert",
    "plan",
    "atlas",
    "demo",
    "serve",
    "token",
    "user",
)


class _Commands(TyperGroup):
    """Runs a command and turns a chainmap error into one line on stderr and its exit status."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        rank = {name: i for i, name in enumerate(_ORDER)}
        return sorted(names, key=lambda name: (rank.get(name, len(rank)), name))

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

#: the role of a token or an account
RoleOption = Annotated[
    str, typer.Option("--role", help="admin, regulator, leader or analyst.", show_default=False)
]
#: the enterprise a leader's token or account stands for
EnterpriseOption = Annotated[
    str | None,
    typer.Option("--enterprise", help="The leader's USCC (leader).", show_default=False),
]
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


_PROBLEM_COLUMNS = {
    "en": ("file", "row", "column", "value", "message"),
    "zh": ("文件", "行", "列", "值", "问题"),
}


def _print_problems(
    problems: Sequence[Problem],
    limit: int = _SHOWN_PROBLEMS,
    title: str | None = None,
    lang: str = "en",
) -> None:
    errors = [p for p in problems if p.is_error]
    shown = (errors or list(problems))[:limit]
    if not shown:
        return
    default = "发现的问题" if lang == "zh" else "Problems found"
    table = RichTable(title=title or default, show_lines=False, highlight=False)
    for column in _PROBLEM_COLUMNS["zh" if lang == "zh" else "en"]:
        table.add_column(column, overflow="fold")
    for p in shown:
        table.add_row(
            escape(p.file),
            "" if p.row is None else str(p.row),
            escape(p.column),
            escape(p.value),
            escape(p.text(lang)),
        )
    err_console.print(table)
    rest = len(problems) - len(shown)
    if rest > 0:
        err_console.print(
            f"……另有 {rest} 个（用 --errors-out 文件.csv 导出全部）"
            if lang == "zh"
            else f"... and {rest} more (write them all with --errors-out FILE.csv)"
        )


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


FormatOption = Annotated[
    ReportFormat,
    typer.Option(
        "--format",
        help="table, json, csv (UTF-8 with BOM) or xlsx (needs --out). CSV and XLSX are safe "
        "to open in Excel or WPS: no text runs as a formula, codes stay text.",
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Write json, csv or xlsx to this file, all or nothing (its name ending .json, .csv "
        "or .xlsx chooses the format when --format is not given).",
        show_default=False,
    ),
]
LangOption = Annotated[
    Lang, typer.Option("--lang", help="Language of the workbook's headers (xlsx).")
]


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


def _emit(text: str, out: Path | None) -> None:
    """Print ``text``, or write it to ``out`` as UTF-8, all or nothing."""
    if out is None:
        sys.stdout.write(text)
        return
    from chainmap.exports import write_atomic

    write_atomic(text.encode("utf-8"), out)
    err_console.print(f"wrote {out}")


#: the formats an --out file's name implies
_SUFFIXES = {".csv": ReportFormat.csv, ".xlsx": ReportFormat.xlsx, ".json": ReportFormat.json}


def _output_format(format: ReportFormat, out: Path | None, hint: str = "") -> ReportFormat:
    """The format to hand out: ``--format``, or what the ``--out`` file's name says when the
    format is left at ``table`` (``--out 薄弱环节.xlsx`` writes a workbook). A file named for
    another format than the one asked for is refused, and so is xlsx without a file: a workbook
    is not for a terminal."""
    named = _SUFFIXES.get(out.suffix.lower()) if out is not None else None
    if named is not None and format is ReportFormat.table:
        return named
    if out is not None and named is not None and named is not format:
        raise typer.BadParameter(
            f"{out.name} ends in {out.suffix}, but --format is {format.value}",
            param_hint="--out",
        )
    if format is ReportFormat.xlsx and out is None:
        raise typer.BadParameter(
            f"xlsx is written to a file: add --out FILE.xlsx{hint}", param_hint="--out"
        )
    return format


def _export(
    rows: Sequence[Any],
    table: Table,
    format: ReportFormat,
    out: Path | None,
    lang: str = "zh",
    document: Any = None,
) -> None:
    """Hand out ``rows`` as JSON (``document`` when given, else the rows), CSV or XLSX: on
    stdout, or into ``out`` all or nothing. CSV and XLSX go through :mod:`chainmap.exports`."""
    from chainmap.exports import csv_bytes, write_export
    from chainmap.reports import json_text

    if format is ReportFormat.json:
        _emit(json_text(rows if document is None else document), out)
        return
    format = _output_format(format, out)
    if out is None:  # CSV on stdout: the same bytes as the file, whatever the console's encoding
        data = csv_bytes(rows, table)
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:  # a stream that takes text only
            sys.stdout.write(data.decode("utf-8"))
            return
        sys.stdout.flush()
        binary.write(data)
        binary.flush()
        return
    write_export(out, rows, table, format.value, lang=lang)
    err_console.print(f"wrote {out}")


def named_regions(prefixes: Sequence[str]) -> str:
    """Region prefixes with their names, for a table: ``3205 苏州市, 419001 济源市``."""
    from chainmap.rules import region_name

    return ", ".join(f"{p} {region_name(p)}" if region_name(p) else p for p in prefixes)
