"""Validation of one table of one dataset: a task that can run in a worker process.

A task reads its table, validates every row against the table's model, drops identical
duplicates and reports conflicting ones, and parks the valid rows in a spool. References to
other tables cannot be settled inside one task (the firms a supply link names are validated by
another task), so a task returns the keys it refers to; :mod:`chainmap.ingest.validate` settles
them once every task is done. Only when some key is unknown is a table read again, with
``places_for`` set, to find the rows that name it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from chainmap.ingest.aliases import aliases
from chainmap.ingest.problems import Problem, Severity, problems_from_validation_error
from chainmap.ingest.sources import ReadOptions, SourceTable, open_dataset
from chainmap.ingest.spool import Spool
from chainmap.ingest.tables import SPECS, TableSpec
from chainmap.ingest.workbook import NOTE, ORIGIN
from chainmap.models import (
    Certificate,
    CertificationBody,
    Chain,
    Enterprise,
    Membership,
    Segment,
    SupplyLink,
)
from chainmap.records import Table
from chainmap.rules import (
    FLAG_BAD_CHECKSUM,
    classify_size,
    is_valid_uscc,
    region_name,
    size_coverage,
)
from chainmap.rules.uscc import normalize_uscc

__all__ = ["FLAG_REGION_RETIRED", "MAX_PROBLEMS", "Task", "TaskResult", "run_task"]

#: flag of a firm whose region code was a retired one: ``region_retired:371202``
FLAG_REGION_RETIRED = "region_retired"

#: at most this many problems are kept per task; the report says when more were found
MAX_PROBLEMS = 100_000
#: at most this many rows are listed for one unknown reference
MAX_PLACES = 20
_PROGRESS_EVERY = 5_000
_CLOCK_EVERY = 1_000  # rows between looks at the clock, when there is a deadline
_SPECS = {spec.name: spec for spec in SPECS}


@dataclass(frozen=True, slots=True)
class Task:
    """Validate table ``table`` of the dataset at ``path`` (the ``dataset``-th of the import)."""

    dataset: int
    path: Path
    table: str
    accept_bad_checksum: bool
    #: where the valid rows go
    spool_path: Path
    #: certification body id or name -> body id (certificate tasks only)
    bodies: dict[str, str] = field(default_factory=dict)
    #: when set, only look for the rows naming these unknown keys and report them
    places_for: dict[Table, set[str]] | None = None
    #: how to read the user's files (mapping file, columns and sheets left out on purpose)
    options: ReadOptions = field(default_factory=ReadOptions)
    #: in a places pass, the unknown keys whose own rows were rejected: key -> (sheet, row)
    rejected: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: stop reading the table once this many errors are found (None: read it all, keeping at
    #: most MAX_PROBLEMS problems)
    stop_after: int | None = None
    #: stop reading once the clock (``time.time()``) passes this moment (None: no limit)
    deadline: float | None = None


@dataclass(slots=True)
class TaskResult:
    """What a task found; every field pickles, so a worker process can send it back."""

    task: Task
    spool: Spool
    problems: list[Problem] = field(default_factory=list)
    errors: int = 0
    truncated: int = 0
    rows_read: int = 0
    duplicates: int = 0
    #: keys this table defines (firms, chains or segments as ``chain_id\tsegment_id``)
    defined: set[str] = field(default_factory=set)
    #: keys this table refers to, by the table that must define them
    referenced: dict[Table, set[str]] = field(default_factory=lambda: defaultdict(set))
    leaders: dict[str, list[str]] = field(default_factory=dict)
    feeds: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    #: bodies named by certificates but not defined anywhere: recorded under their name
    new_bodies: list[str] = field(default_factory=list)
    #: the row at which reading stopped because ``stop_after`` errors were found or the deadline
    #: passed (0: read all)
    stopped_at: int = 0
    #: True when reading stopped at the deadline
    timed_out: bool = False
    #: keys of rows refused (firms, chains, segments): key -> (sheet, row), so that the rows
    #: naming them are told why they are unknown
    rejected: dict[str, tuple[str, int]] = field(default_factory=dict)


class _Check:
    """The running state of one task."""

    def __init__(self, task: Task, on_flush: Callable[[int], None] | None) -> None:
        self.task = task
        self.result = TaskResult(task, Spool(task.spool_path, on_flush))
        self.add = self.result.spool.add
        self.seen: dict[Any, int] = {}  # key -> value hash << 32 | row
        self.firm_ids: dict[str, int] = {}
        self.products: dict[str, int] = {}
        self.places: dict[tuple[Table, str], int] = defaultdict(int)
        #: first row naming a rejected key: (table, key) -> (file, row, column)
        self.first_place: dict[tuple[Table, str], tuple[str, int, str]] = {}
        #: column -> the heading the workbook gives it, for the row being read
        self.headings: dict[str, str] = {}

    def report(self, problem: Problem) -> None:
        result = self.result
        heading = self.headings.get(problem.column)
        if heading is not None:
            problem = replace(problem, column=heading)
        if problem.is_error:
            result.errors += 1
        if len(result.problems) < MAX_PROBLEMS:
            result.problems.append(problem)
        else:
            result.truncated += 1

    def refer(self, table: Table, key: str, file: str, row: int, column: str) -> None:
        """Note that this row names ``key`` of ``table``; in a places pass, report it if unknown."""
        wanted = self.task.places_for
        if wanted is None:
            self.result.referenced[table].add(key)
            return
        if key not in wanted.get(table, ()):
            return
        self.places[(table, key)] += 1
        if key in self.task.rejected:
            if self.task.rejected[key] != (file, row):  # not the rejected row's own parts
                self.first_place.setdefault((table, key), (file, row, column))
            return
        if self.places[(table, key)] <= MAX_PLACES:
            what = _WHAT[table]
            shown = key.replace("\t", "/")
            self.report(
                Problem(
                    file,
                    row,
                    column,
                    shown,
                    f"unknown {what} {shown}: not in this import nor in the store; "
                    f"add it to the {what} table first",
                    zh=f"{_WHAT_ZH[table]} {shown} 不存在：本次导入和库中都没有；请先添加该{_WHAT_ZH[table]}",
                )
            )

    def first_time(
        self, label: str, row: int, key: Any, values: Any, what: tuple[str, ...]
    ) -> bool:
        """True the first time ``key`` is seen; an error if it repeats with other values."""
        digest = hash(values) & 0xFFFFFFFFFFFFFFFF
        earlier = self.seen.get(key)
        if earlier is None:
            self.seen[key] = digest << 32 | row
            return True
        if earlier >> 32 != digest:
            self.report(
                Problem(
                    label,
                    row,
                    "",
                    " ".join(what),
                    f"duplicate of row {earlier & 0xFFFFFFFF} with different values; "
                    "keep one row per key",
                    zh=f"与第 {earlier & 0xFFFFFFFF} 行重复但内容不同；同一记录只保留一行",
                )
            )
        else:
            self.result.duplicates += 1
        return False

    def firm_id(self, uscc: str) -> int:
        found = self.firm_ids.get(uscc)
        if found is None:
            found = self.firm_ids[uscc] = len(self.firm_ids)
        return found


_WHAT = {Table.ENTERPRISES: "enterprise", Table.CHAINS: "chain", Table.SEGMENTS: "segment"}
_WHAT_ZH = {Table.ENTERPRISES: "企业", Table.CHAINS: "产业链", Table.SEGMENTS: "环节"}


def _known(value: float | None, unknown: str = "unknown") -> str:
    return unknown if value is None else f"{value:g}"


def _enterprise(check: _Check, label: str, row: int, item: Enterprise) -> None:
    uscc = item.uscc
    flags = ""
    if check.task.accept_bad_checksum and not is_valid_uscc(uscc):
        flags = FLAG_BAD_CHECKSUM
        check.report(
            Problem(
                label,
                row,
                "uscc",
                uscc,
                "USCC fails its check character; accepted and flagged (--accept-bad-checksum)",
                Severity.WARNING,
                zh="统一社会信用代码校验位不符；已按 --accept-bad-checksum 接受并标记",
            )
        )
    original = item.region_code_original
    if original is not None:
        flags = ";".join(f for f in (flags, f"{FLAG_REGION_RETIRED}:{original}") if f)
        name = region_name(item.region_code) or ""
        check.report(
            Problem(
                label,
                row,
                "region_code",
                original,
                f"region code {original} ({region_name(original) or ''}) is retired; stored under "
                f"its successor {item.region_code} {name}, the original kept",
                Severity.WARNING,
                zh=f"行政区划代码 {original}（{region_name(original) or ''}）已撤销；按现行代码 "
                f"{item.region_code} {name} 入库，并保留原代码",
            )
        )
    given = item.size
    derived = classify_size(item.industry_code, item.employees, item.revenue, item.assets)
    if given and derived and given != derived:
        check.report(
            Problem(
                label,
                row,
                "size",
                str(given),
                f"size given as {given} but the 2011 standard gives {derived} for industry "
                f"{item.industry_code}, employees {_known(item.employees)}, "
                f"revenue {_known(item.revenue)}, assets {_known(item.assets)}; "
                "the given size is kept",
                Severity.WARNING,
                zh=f"企业规模填为{given.label_zh}，但按 2011 年划型标准（行业 {item.industry_code}，"
                f"从业人员 {_known(item.employees, '未知')}，营业收入 {_known(item.revenue, '未知')}，"
                f"资产总额 {_known(item.assets, '未知')}）应为{derived.label_zh}；保留填写的规模",
            )
        )
    elif not given and derived is None:
        outside = size_coverage(item.industry_code)
        if outside is not None:  # the standard has no row for it: say why no size is derived
            check.report(
                Problem(
                    label,
                    row,
                    "size",
                    "",
                    f"no size derived for industry {item.industry_code}: {outside}; give the "
                    "size if another standard sets it",
                    Severity.WARNING,
                    zh=f"未推算企业规模（行业 {item.industry_code}）："
                    f"{size_coverage(item.industry_code, 'zh')}；如另有标准确定规模，请填写企业规模",
                )
            )
    size = given or derived
    record = (
        uscc,
        item.name,
        item.region_code,
        item.industry_code,
        item.employees,
        item.revenue,
        item.assets,
        str(size) if size else None,
        ("explicit" if given else "derived") if size else None,
        item.maturity,
        flags,
    )
    if check.first_time(label, row, uscc, record, (uscc,)):
        check.result.defined.add(uscc)
        check.add(record)


def _body(check: _Check, label: str, row: int, item: CertificationBody) -> None:
    record = (item.body_id, item.name, item.approval_no)
    if check.first_time(label, row, item.body_id, record, (item.body_id,)):
        check.result.defined.add(item.body_id)
        check.add(record)


def _chain(check: _Check, label: str, row: int, item: Chain) -> None:
    leaders = list(dict.fromkeys(item.leaders))
    record = (item.chain_id, item.name, item.region_code)
    if check.first_time(label, row, item.chain_id, (*record, *leaders), (item.chain_id,)):
        check.result.defined.add(item.chain_id)
        check.add(record)
        check.result.leaders[item.chain_id] = leaders
        for uscc in leaders:
            check.refer(Table.ENTERPRISES, uscc, label, row, "leaders")


def _segment(check: _Check, label: str, row: int, item: Segment) -> None:
    record = (item.chain_id, item.segment_id, item.name, str(item.stage))
    key = f"{item.chain_id}\t{item.segment_id}"
    what = (f"{item.chain_id}/{item.segment_id}",)
    if check.first_time(label, row, key, (*record, *item.feeds), what):
        check.result.defined.add(key)
        check.add(record)
        check.result.feeds[(item.chain_id, item.segment_id)] = item.feeds
        check.refer(Table.CHAINS, item.chain_id, label, row, "chain_id")
        for target in item.feeds:
            check.refer(Table.SEGMENTS, f"{item.chain_id}\t{target}", label, row, "feeds")


def _member(check: _Check, label: str, row: int, item: Membership) -> None:
    record = (item.chain_id, item.segment_id, item.uscc)
    if check.first_time(label, row, record, (), record):
        check.add(record)
        check.refer(Table.SEGMENTS, f"{item.chain_id}\t{item.segment_id}", label, row, "segment_id")
        check.refer(Table.ENTERPRISES, item.uscc, label, row, "uscc")


def _supply(check: _Check, label: str, row: int, item: SupplyLink) -> None:
    supplier, customer, product = item.supplier_uscc, item.customer_uscc, item.product or ""
    values = (item.share, item.annual_value)
    pid = check.products.setdefault(product, len(check.products))
    # one exact integer per (supplier, customer, product): far smaller than a tuple of strings
    key = pid << 80 | check.firm_id(supplier) << 40 | check.firm_id(customer)
    if check.first_time(label, row, key, values, (supplier, customer, product)):
        check.add((supplier, customer, product, *values))
        check.refer(Table.ENTERPRISES, supplier, label, row, "supplier_uscc")
        check.refer(Table.ENTERPRISES, customer, label, row, "customer_uscc")


def _certificate(check: _Check, label: str, row: int, item: Certificate) -> None:
    body_id = check.task.bodies.get(item.body)
    if body_id is None:
        body_id = check.task.bodies[item.body] = item.body
        check.result.new_bodies.append(item.body)
        check.report(
            Problem(
                label,
                row,
                "body",
                item.body,
                "certification body not in bodies; recorded under this name (said once per body)",
                Severity.WARNING,
                zh="认证机构不在机构名录中，按此名称登记（每个机构只提示一次）",
            )
        )
    record = (
        item.cert_no,
        item.uscc,
        item.standard,
        item.standard_version,
        body_id,
        str(item.status),
        item.issued_on,
        item.expires_on,
        item.scope,
        item.grade,
        item.last_audit_on,
        item.status_since,
    )
    if check.first_time(label, row, item.cert_no, record, (item.cert_no,)):
        check.add(record)
        check.refer(Table.ENTERPRISES, item.uscc, label, row, "uscc")


_HANDLERS: dict[str, Callable[[_Check, str, int, Any], None]] = {
    "bodies": _body,
    "enterprises": _enterprise,
    "chains": _chain,
    "segments": _segment,
    "members": _member,
    "supply": _supply,
    "certificates": _certificate,
}


def _header_ok(check: _Check, spec: TableSpec, table: SourceTable) -> bool:
    missing = [c for c in spec.required if c not in table.header]
    for column in missing:
        check.report(
            Problem(
                table.label,
                table.header_row,
                column,
                "",
                f"required column {_named(spec.name, column)} is missing; the header needs "
                + ", ".join(_named(spec.name, c) for c in spec.required),
                zh=f"缺少必填列“{_named(spec.name, column, 'zh')}”；表头须包含："
                + "、".join(_named(spec.name, c, "zh") for c in spec.required),
            )
        )
    return not missing


def _named(table: str, column: str, lang: str = "en") -> str:
    """A column as the template heads it: 统一社会信用代码 (uscc)."""
    names = aliases().columns.get(table, {}).get(column, ())
    chinese = next((n for n in names if not n.isascii()), None)
    if chinese is None:
        return column
    return chinese if lang == "zh" else f"{chinese} ({column})"


_KEY_COLUMN = {"enterprises": "uscc", "chains": "chain_id", "segments": "segment_id"}


def _rejected_key(table: str, raw: dict[str, Any]) -> str | None:
    """The key a refused row would have defined, in the form references take."""
    column = _KEY_COLUMN.get(table)
    value = raw.get(column) if column else None
    if not isinstance(value, str):
        return None
    if table == "enterprises":
        return normalize_uscc(value)  # as references are normalised
    if table == "segments":
        return f"{str(raw.get('chain_id', '')).strip()}\t{value.strip()}"
    return value.strip()


def run_task(
    task: Task,
    progress: Callable[[int], None] | None = None,
    on_flush: Callable[[int], None] | None = None,
) -> TaskResult:
    """Validate one table of one dataset; ``progress`` receives row counts as they are read,
    ``on_flush`` the number of chunks of valid rows spooled so far."""
    check = _Check(task, on_flush)
    table = open_dataset(task.path, task.options).tables[task.table]
    spec = _SPECS[task.table]
    places_pass = task.places_for is not None
    check.headings = table.headings
    if places_pass or _header_ok(check, spec, table):
        validate = spec.model.model_validate
        handle = _HANDLERS[spec.name]
        context = {"accept_bad_checksum": task.accept_bad_checksum}
        label = table.label
        rejected = check.result.rejected if spec.name in _KEY_COLUMN else None
        stop_after = None if places_pass else task.stop_after
        deadline = None if places_pass else task.deadline
        done = 0
        for row, raw in table.read():
            if stop_after is not None and check.result.errors >= stop_after:
                check.result.stopped_at = row
                break
            if deadline is not None and done % _CLOCK_EVERY == 0 and time.time() > deadline:
                check.result.stopped_at, check.result.timed_out = row, True
                break
            done += 1
            if progress is not None and done % _PROGRESS_EVERY == 0:
                progress(_PROGRESS_EVERY)
            if NOTE in raw:  # no data: what the reader found (a skipped row, a lost column)
                if not places_pass:
                    check.report(raw[NOTE])
                continue
            origin = raw.pop(ORIGIN, None)
            if origin is not None:
                label, check.headings = origin.label, origin.headings
            elif label is not table.label:
                label, check.headings = table.label, table.headings
            try:
                item: BaseModel = validate(raw, context=context)
            except ValidationError as error:
                if not places_pass:
                    for problem in problems_from_validation_error(
                        error, label, row, raw, check.headings
                    ):
                        check.report(problem)
                    key = _rejected_key(spec.name, raw) if rejected is not None else None
                    if key is not None:
                        rejected.setdefault(key, (label, row))  # type: ignore[union-attr]
                continue
            handle(check, label, row, item)
        check.result.rows_read = done
        if progress is not None:
            progress(done % _PROGRESS_EVERY)
    check.result.spool.seal()
    if places_pass:
        check.result.spool.close()
        _report_places(check, table.label)
    return check.result


def _report_places(check: _Check, label: str) -> None:
    """After a places pass: one problem per rejected key named, and a count of the rows past
    :data:`MAX_PLACES` for each unknown key."""
    for (ref_table, key), (file, row, column) in check.first_place.items():
        where_file, where_row = check.task.rejected[key]
        shown = key.replace("\t", "/")
        count = check.places[(ref_table, key)]
        more = f" (and {count - 1} more rows)" if count > 1 else ""
        more_zh = f"（另有 {count - 1} 行）" if count > 1 else ""
        what, what_zh = _WHAT[ref_table], _WHAT_ZH[ref_table]
        check.report(
            Problem(
                file,
                row,
                column,
                shown,
                f"refers to {what} {shown}, rejected at {where_file} row {where_row}{more}; "
                "fix that row",
                zh=f"引用的{what_zh} {shown} 在 {where_file} 第 {where_row} 行未通过校验{more_zh}；"
                "请先修正该行",
            )
        )
    for (ref_table, key), count in check.places.items():
        if count > MAX_PLACES and key not in check.task.rejected:
            shown = key.replace("\t", "/")
            check.report(
                Problem(
                    label,
                    None,
                    "",
                    shown,
                    f"... and {count - MAX_PLACES} more rows refer to unknown "
                    f"{_WHAT[ref_table]} {shown}",
                    zh=f"……另有 {count - MAX_PLACES} 行引用了不存在的{_WHAT_ZH[ref_table]} {shown}",
                )
            )
