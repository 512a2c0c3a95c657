"""Validation of one table of one dataset: a task that can run in a worker process.

A task reads its table, validates every row against the table's model, drops identical
duplicates and reports conflicting ones, and parks the valid rows in a spool. References to
other tables cannot be settled inside one task (the firms a supply link names are validated by
another task), so a task returns the keys it refers to; :mod:`chainmap.ingest.validate` settles
them once every task is done. Only when some key is unknown is a table read again, with
``places_for`` set, to find the rows that name it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from chainmap.ingest.problems import Problem, Severity, problems_from_validation_error
from chainmap.ingest.sources import open_dataset
from chainmap.ingest.spool import Spool
from chainmap.ingest.tables import SPECS, TableSpec
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
from chainmap.rules import FLAG_BAD_CHECKSUM, classify_size, is_valid_uscc

__all__ = ["MAX_PROBLEMS", "Task", "TaskResult", "run_task"]

#: at most this many problems are kept per task; the report says when more were found
MAX_PROBLEMS = 100_000
#: at most this many rows are listed for one unknown reference
MAX_PLACES = 20
_PROGRESS_EVERY = 5_000
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

    def report(self, problem: Problem) -> None:
        result = self.result
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


def _known(value: float | None) -> str:
    return "unknown" if value is None else f"{value:g}"


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
                "certification body not in bodies; recorded under this name",
                Severity.WARNING,
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


def _header_ok(check: _Check, spec: TableSpec, label: str, header: list[str]) -> bool:
    missing = [c for c in spec.required if c not in header]
    for column in missing:
        check.report(
            Problem(
                label,
                1,
                column,
                "",
                f"required column {column!r} is missing; the header needs "
                + ", ".join(spec.required),
            )
        )
    for column in header:
        if column and column not in spec.columns:
            check.report(Problem(label, 1, column, "", "unknown column; ignored", Severity.WARNING))
    return not missing


def run_task(
    task: Task,
    progress: Callable[[int], None] | None = None,
    on_flush: Callable[[int], None] | None = None,
) -> TaskResult:
    """Validate one table of one dataset; ``progress`` receives row counts as they are read,
    ``on_flush`` the number of chunks of valid rows spooled so far."""
    check = _Check(task, on_flush)
    table = open_dataset(task.path).tables[task.table]
    spec = _SPECS[task.table]
    places_pass = task.places_for is not None
    if places_pass or _header_ok(check, spec, table.label, table.header):
        validate = spec.model.model_validate
        handle = _HANDLERS[spec.name]
        context = {"accept_bad_checksum": task.accept_bad_checksum}
        label = table.label
        done = 0
        for row, raw in table.read():
            done += 1
            if progress is not None and done % _PROGRESS_EVERY == 0:
                progress(_PROGRESS_EVERY)
            if "" in raw and len(raw) == 1:  # the reader's note on a malformed row
                if not places_pass:
                    check.report(Problem(label, row, "", "", str(raw[""])))
                continue
            try:
                item: BaseModel = validate(raw, context=context)
            except ValidationError as error:
                if not places_pass:
                    for problem in problems_from_validation_error(error, label, row, raw):
                        check.report(problem)
                continue
            handle(check, label, row, item)
        check.result.rows_read = done
        if progress is not None:
            progress(done % _PROGRESS_EVERY)
    check.result.spool.seal()
    if places_pass:
        check.result.spool.close()
        for (ref_table, key), count in check.places.items():
            if count > MAX_PLACES:
                shown = key.replace("\t", "/")
                check.report(
                    Problem(
                        table.label,
                        None,
                        "",
                        shown,
                        f"... and {count - MAX_PLACES} more rows refer to unknown "
                        f"{_WHAT[ref_table]} {shown}",
                    )
                )
    return check.result
