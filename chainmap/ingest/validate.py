"""Validate whole datasets before anything is written.

Every row is checked against its model (types and registry rules), every reference is resolved
(against the datasets of the same import and the store), and duplicates are compared: an identical
repeat is dropped, a repeat with other values is an error. The valid rows are parked in spools; the
result is handed to a store only when no error was found, so a failed import writes nothing.

Several datasets in one import are read in order; a later one may update what an earlier one
gives (the store keeps the last), while within one dataset a conflicting duplicate is an error.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from chainmap.errors import ValidationFailed
from chainmap.ingest.problems import Problem, Severity, problems_from_validation_error
from chainmap.ingest.sources import DatasetSource, SourceTable, open_dataset
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
from chainmap.records import (
    BodyRow,
    CertificateRow,
    ChainRow,
    EnterpriseRow,
    FeedRow,
    LeaderRow,
    MemberRow,
    Row,
    SegmentRow,
    SupplyRow,
    Table,
)
from chainmap.rules import FLAG_BAD_CHECKSUM, classify_size, is_valid_uscc

__all__ = ["KnownKeys", "ValidatedImport", "validate_paths"]

#: at most this many problems are kept; the report says when more were found
MAX_PROBLEMS = 100_000
#: at most this many rows are listed for one unresolved reference
_MAX_PLACES = 20
_PROGRESS_EVERY = 5_000


class KnownKeys(Protocol):
    """What validation asks a store: which referenced keys it already holds."""

    def existing(self, table: Table, keys: Collection[str]) -> set[str]:
        """The subset of ``keys`` present in ``table`` (segments keyed ``chain_id\\tsegment_id``)."""
        ...

    def bodies(self) -> list[BodyRow]:
        """Every certification body the store holds."""
        ...


@dataclass(slots=True)
class ValidatedImport:
    """Valid rows of one import, table by table, ready for a store's ``write``."""

    sources: list[str]
    spools: dict[Table, Spool]
    leaders: dict[str, list[str]]
    feeds: dict[tuple[str, str], list[str]]
    warnings: list[Problem]
    rows_read: int
    duplicates_dropped: int

    def count(self, table: Table) -> int:
        if table is Table.LEADERS:
            return sum(map(len, self.leaders.values()))
        if table is Table.FEEDS:
            return sum(map(len, self.feeds.values()))
        return self.spools[table].count

    def batches(self, table: Table, size: int) -> Iterator[list[Row]]:
        if table is Table.LEADERS:
            rows: list[Row] = [LeaderRow(c, u) for c, us in self.leaders.items() for u in us]
            yield from (rows[i : i + size] for i in range(0, len(rows), size))
            return
        if table is Table.FEEDS:
            rows = [FeedRow(c, s, t) for (c, s), ts in self.feeds.items() for t in ts]
            yield from (rows[i : i + size] for i in range(0, len(rows), size))
            return
        make = partial(
            tuple.__new__, _ROW_TYPES[table]
        )  # a named tuple without Python-level __new__
        batch: list[Row] = []
        for chunk in self.spools[table].chunks():
            position = 0
            while position < len(chunk):
                take = size - len(batch)
                batch.extend(map(make, chunk[position : position + take]))
                position += take
                if len(batch) >= size:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def replaces(self, table: Table) -> list[str]:
        if table is Table.LEADERS:
            return sorted(self.leaders)
        if table is Table.FEEDS:
            return sorted(f"{c}\t{s}" for c, s in self.feeds)
        return []

    @property
    def total(self) -> int:
        return sum(self.count(t) for t in Table)

    def close(self) -> None:
        for spool in self.spools.values():
            spool.close()


_ROW_TYPES: dict[Table, Any] = {
    Table.BODIES: BodyRow,
    Table.ENTERPRISES: EnterpriseRow,
    Table.CHAINS: ChainRow,
    Table.SEGMENTS: SegmentRow,
    Table.MEMBERS: MemberRow,
    Table.SUPPLY: SupplyRow,
    Table.CERTIFICATES: CertificateRow,
}


@dataclass(slots=True)
class _Place:
    file: str
    row: int
    column: str


@dataclass
class _State:
    """What validation carries across tables and datasets."""

    known: KnownKeys | None
    accept_bad_checksum: bool
    problems: list[Problem] = field(default_factory=list)
    errors: int = 0
    truncated: int = 0
    spools: dict[Table, Spool] = field(default_factory=lambda: {t: Spool() for t in _ROW_TYPES})
    leaders: dict[str, list[str]] = field(default_factory=dict)
    feeds: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    #: keys given by the import so far: firms (USCC), chains (id), segments (chain_id\tsegment_id)
    defined: dict[Table, set[str]] = field(
        default_factory=lambda: {
            Table.ENTERPRISES: set(),
            Table.CHAINS: set(),
            Table.SEGMENTS: set(),
        }
    )
    firm_ids: dict[str, int] = field(default_factory=dict)
    products: dict[str, int] = field(default_factory=dict)
    bodies: dict[str, str] | None = None  # body id or name -> body id, loaded on first need
    pending: dict[tuple[Table, str], list[_Place]] = field(default_factory=dict)
    pending_counts: dict[tuple[Table, str], int] = field(default_factory=lambda: defaultdict(int))
    #: per table, key -> value hash << 32 | row; reset for each dataset
    seen: dict[Table, dict[Any, int]] = field(default_factory=lambda: defaultdict(dict))
    rows_read: int = 0
    duplicates: int = 0

    def report(self, problem: Problem) -> None:
        if problem.is_error:
            self.errors += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.truncated += 1

    def firm_id(self, uscc: str) -> int:
        found = self.firm_ids.get(uscc)
        if found is None:
            found = self.firm_ids[uscc] = len(self.firm_ids)
        return found

    def refer(self, table: Table, key: str, file: str, row: int, column: str) -> None:
        """Note a reference to resolve at the end, unless the key is already known."""
        if key in self.defined[table]:
            return
        places = self.pending.setdefault((table, key), [])
        self.pending_counts[(table, key)] += 1
        if len(places) < _MAX_PLACES:
            places.append(_Place(file, row, column))

    def first_time(
        self, table: Table, label: str, row: int, key: Any, values: Any, what: tuple[str, ...]
    ) -> bool:
        """True the first time ``key`` is seen in this dataset; an error if it repeats with other
        values. ``what`` names the key in the message (joined only when needed)."""
        seen = self.seen[table]
        digest = hash(values) & 0xFFFFFFFFFFFFFFFF
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = digest << 32 | row
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
            self.duplicates += 1
        return False


def _enterprise(state: _State, label: str, row: int, item: Enterprise) -> None:
    uscc = item.uscc
    flags = ""
    if state.accept_bad_checksum and not is_valid_uscc(uscc):
        flags = FLAG_BAD_CHECKSUM
        state.report(
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
        state.report(
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
    if state.first_time(Table.ENTERPRISES, label, row, uscc, record, (uscc,)):
        state.defined[Table.ENTERPRISES].add(uscc)
        state.spools[Table.ENTERPRISES].add(record)


def _known(value: float | None) -> str:
    return "unknown" if value is None else f"{value:g}"


def _body(state: _State, label: str, row: int, item: CertificationBody) -> None:
    record = (item.body_id, item.name, item.approval_no)
    if state.first_time(Table.BODIES, label, row, item.body_id, record, (item.body_id,)):
        state.spools[Table.BODIES].add(record)
        if state.bodies is not None:  # already loaded by an earlier dataset's certificates
            state.bodies[item.name] = state.bodies[item.body_id] = item.body_id


def _chain(state: _State, label: str, row: int, item: Chain) -> None:
    leaders = list(dict.fromkeys(item.leaders))
    record = (item.chain_id, item.name, item.region_code)
    values = (*record, *leaders)
    if state.first_time(Table.CHAINS, label, row, item.chain_id, values, (item.chain_id,)):
        state.defined[Table.CHAINS].add(item.chain_id)
        state.spools[Table.CHAINS].add(record)
        state.leaders[item.chain_id] = leaders
        for uscc in leaders:
            state.refer(Table.ENTERPRISES, uscc, label, row, "leaders")


def _segment(state: _State, label: str, row: int, item: Segment) -> None:
    record = (item.chain_id, item.segment_id, item.name, str(item.stage))
    key = f"{item.chain_id}\t{item.segment_id}"
    what = (f"{item.chain_id}/{item.segment_id}",)
    if state.first_time(Table.SEGMENTS, label, row, key, (*record, *item.feeds), what):
        state.defined[Table.SEGMENTS].add(key)
        state.spools[Table.SEGMENTS].add(record)
        state.feeds[(item.chain_id, item.segment_id)] = item.feeds
        state.refer(Table.CHAINS, item.chain_id, label, row, "chain_id")
        for target in item.feeds:
            state.refer(Table.SEGMENTS, f"{item.chain_id}\t{target}", label, row, "feeds")


def _member(state: _State, label: str, row: int, item: Membership) -> None:
    record = (item.chain_id, item.segment_id, item.uscc)
    if state.first_time(Table.MEMBERS, label, row, record, (), record):
        state.spools[Table.MEMBERS].add(record)
        segment = f"{item.chain_id}\t{item.segment_id}"
        if segment not in state.defined[Table.SEGMENTS]:
            state.refer(Table.SEGMENTS, segment, label, row, "segment_id")
        if item.uscc not in state.defined[Table.ENTERPRISES]:
            state.refer(Table.ENTERPRISES, item.uscc, label, row, "uscc")


def _supply(state: _State, label: str, row: int, item: SupplyLink) -> None:
    supplier, customer, product = item.supplier_uscc, item.customer_uscc, item.product or ""
    values = (item.share, item.annual_value)
    pid = state.products.setdefault(product, len(state.products))
    # one exact integer per (supplier, customer, product): far smaller than a tuple of strings
    key = pid << 80 | state.firm_id(supplier) << 40 | state.firm_id(customer)
    if state.first_time(Table.SUPPLY, label, row, key, values, (supplier, customer, product)):
        state.spools[Table.SUPPLY].add((supplier, customer, product, *values))
        firms = state.defined[Table.ENTERPRISES]
        if supplier not in firms:
            state.refer(Table.ENTERPRISES, supplier, label, row, "supplier_uscc")
        if customer not in firms:
            state.refer(Table.ENTERPRISES, customer, label, row, "customer_uscc")


def _certificate(state: _State, label: str, row: int, item: Certificate) -> None:
    bodies = _bodies(state)
    body_id = bodies.get(item.body)
    if body_id is None:
        body_id = bodies[item.body] = item.body
        state.spools[Table.BODIES].add((item.body, item.body, None))
        state.report(
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
    )
    if state.first_time(Table.CERTIFICATES, label, row, item.cert_no, record, (item.cert_no,)):
        state.spools[Table.CERTIFICATES].add(record)
        if item.uscc not in state.defined[Table.ENTERPRISES]:
            state.refer(Table.ENTERPRISES, item.uscc, label, row, "uscc")


def _bodies(state: _State) -> dict[str, str]:
    """Body ids and names known so far, with the store's loaded once."""
    if state.bodies is None:
        known = state.known.bodies() if state.known is not None else []
        state.bodies = {}
        for body in known:
            state.bodies[body.name] = state.bodies[body.body_id] = body.body_id
        for chunk in state.spools[Table.BODIES].chunks():
            for body_id, name, _ in chunk:
                state.bodies[name] = state.bodies[body_id] = body_id
    return state.bodies


_HANDLERS: dict[str, Callable[[_State, str, int, Any], None]] = {
    "bodies": _body,
    "enterprises": _enterprise,
    "chains": _chain,
    "segments": _segment,
    "members": _member,
    "supply": _supply,
    "certificates": _certificate,
}


def _check_header(state: _State, spec: TableSpec, table: SourceTable) -> bool:
    missing = [c for c in spec.required if c not in table.header]
    for column in missing:
        state.report(
            Problem(
                table.label,
                1,
                column,
                "",
                f"required column {column!r} is missing; the header needs "
                + ", ".join(spec.required),
            )
        )
    for column in table.header:
        if column and column not in spec.columns:
            state.report(
                Problem(table.label, 1, column, "", "unknown column; ignored", Severity.WARNING)
            )
    return not missing


def _validate_table(
    state: _State, spec: TableSpec, table: SourceTable, progress: Callable[[int], None] | None
) -> None:
    if not _check_header(state, spec, table):
        return
    validate = spec.model.model_validate
    handle = _HANDLERS[spec.name]
    context = {"accept_bad_checksum": state.accept_bad_checksum}
    label = table.label
    done = 0
    for row, raw in table.read():
        done += 1
        if done % _PROGRESS_EVERY == 0 and progress is not None:
            progress(_PROGRESS_EVERY)
        if "" in raw and len(raw) == 1:
            state.report(Problem(label, row, "", "", str(raw[""])))
            continue
        try:
            item: BaseModel = validate(raw, context=context)
        except ValidationError as error:
            for problem in problems_from_validation_error(error, label, row, raw):
                state.report(problem)
            continue
        handle(state, label, row, item)
    state.rows_read += done
    if progress is not None:
        progress(done % _PROGRESS_EVERY)


def _resolve_references(state: _State) -> None:
    """Report every reference that neither the import nor the store can satisfy."""
    by_table: dict[Table, list[str]] = defaultdict(list)
    defined = state.defined
    for table, key in state.pending:
        if key not in defined[table]:
            by_table[table].append(key)
    for table, keys in by_table.items():
        in_store = state.known.existing(table, keys) if state.known is not None else set()
        what = {Table.ENTERPRISES: "enterprise", Table.CHAINS: "chain", Table.SEGMENTS: "segment"}[
            table
        ]
        for key in sorted(set(keys) - in_store):
            shown = key.replace("\t", "/")
            places = state.pending[(table, key)]
            for place in places:
                state.report(
                    Problem(
                        place.file,
                        place.row,
                        place.column,
                        shown,
                        f"unknown {what} {shown}: not in this import nor in the "
                        f"store; add it to the {what} table first",
                    )
                )
            more = state.pending_counts[(table, key)] - len(places)
            if more > 0:
                state.report(
                    Problem(
                        places[0].file,
                        None,
                        places[0].column,
                        shown,
                        f"... and {more} more rows refer to unknown {what} {shown}",
                    )
                )


def validate_paths(
    paths: Sequence[Path],
    known: KnownKeys | None = None,
    *,
    accept_bad_checksum: bool = False,
    progress: Callable[[int], None] | None = None,
    sources: Sequence[DatasetSource] | None = None,
) -> ValidatedImport:
    """Validate datasets (folders, workbooks or JSON files) as one import.

    Raises :class:`~chainmap.errors.ValidationFailed` with every problem when any error is found;
    otherwise returns the rows to write, with the warnings. ``progress`` receives row counts.
    """
    state = _State(known, accept_bad_checksum)
    opened = list(sources) if sources is not None else [open_dataset(p) for p in paths]
    for source in opened:
        for note in source.notes:
            state.report(note)
        state.seen = defaultdict(dict)
        for spec in SPECS:
            table = source.tables.get(spec.name)
            if table is not None:
                _validate_table(state, spec, table, progress)
    state.seen = defaultdict(dict)
    _resolve_references(state)
    if state.truncated:
        state.problems.append(
            Problem("", None, "", "", f"{state.truncated} more problems were found and not listed")
        )
    if state.errors:
        for spool in state.spools.values():
            spool.close()
        raise ValidationFailed(state.problems)
    return ValidatedImport(
        sources=[str(s.path) for s in opened],
        spools=state.spools,
        leaders=state.leaders,
        feeds=state.feeds,
        warnings=state.problems,
        rows_read=state.rows_read,
        duplicates_dropped=state.duplicates,
    )
