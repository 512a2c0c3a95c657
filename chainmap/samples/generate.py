"""Write a realistic, reproducible sample dataset: firms, chains, supply links and certificates.

The layout (:mod:`~chainmap.samples.layout`) makes each segment a contiguous range of firm numbers,
so the only per-firm state kept is two flat arrays (USCCs and revenue) and everything else streams
to the CSV files: a million firms and three million links fit in a few hundred MB. Randomness comes
from :class:`random.Random` streams seeded from ``seed`` alone, and no date is read from the
clock, so the same arguments give byte-identical files.
"""

from __future__ import annotations

import csv
import random
from array import array
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from chainmap.errors import ConfigError
from chainmap.ingest.tables import SPECS
from chainmap.samples.firms import (
    certificate_rows,
    certificate_state,
    firm_figures,
    firm_name,
    maturity_cell,
    sample_uscc,
)
from chainmap.samples.layout import (
    MIN_FIRMS_PER_CHAIN,
    ChainPlan,
    SegmentPlan,
    plan_chains,
    random_stream,
    region_pools,
    uscc_at,
)
from chainmap.samples.supply import supply_rows
from chainmap.samples.templates import BODIES, REGIONS, SegmentTemplate

__all__ = [
    "COLUMNS",
    "ENCODINGS",
    "MIN_FIRMS_PER_CHAIN",
    "REFERENCE_DATE",
    "GenerationSummary",
    "generate_dataset",
]

#: the day certificate states are true on unless told otherwise; never today, so output is stable
REFERENCE_DATE = date(2026, 11, 1)
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
MAX_ENTERPRISES = 5_000_000  # certificate serials and 字号 stay unique well past this
GUEST_SHARE = 0.05  # suppliers that are members of a second chain too
PROGRESS_EVERY = 5_000

#: the columns of each file, as the importer documents them
COLUMNS: dict[str, tuple[str, ...]] = {spec.name: spec.columns for spec in SPECS}


@dataclass(frozen=True, slots=True)
class GenerationSummary:
    """Rows written to each file (header rows not counted)."""

    enterprises: int
    chains: int
    segments: int
    members: int
    supply: int
    certificates: int
    bodies: int


@dataclass(slots=True)
class _Tally:
    """Rows written per file, and rows not yet reported to the progress callback."""

    callback: Callable[[int], None] | None
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))
    pending: int = 0


def generate_dataset(
    out: Path,
    *,
    enterprises: int,
    chains: int,
    seed: int,
    encoding: str = "utf-8",
    as_of: date = REFERENCE_DATE,
    progress: Callable[[int], None] | None = None,
) -> GenerationSummary:
    """Write a sample dataset of ``enterprises`` firms in ``chains`` industry chains to ``out``.

    Parameters
    ----------
    out
        Folder for the seven CSV files; created if missing, files in it are overwritten.
    enterprises
        Number of firms; at least ``MIN_FIRMS_PER_CHAIN`` per chain.
    chains
        Number of chains; the five templates (新能源汽车, 光伏, 纺织服装, 智能家电, 医疗器械) are
        used in turn, later rounds in other regions (NEV-01, PV-01, ..., NEV-02 ...).
    seed
        Seed of every random choice; the same arguments give byte-identical files.
    encoding
        ``utf-8``, ``utf-8-sig`` (with BOM) or ``gb18030`` (like GBK exports from Chinese systems).
    as_of
        The day certificate states refer to: 有效 ones are in force on it, 过期 ones ended before it.
    progress
        Called with the number of rows written since its last call, every few thousand rows.

    Returns
    -------
    GenerationSummary
        Rows written per file.

    Raises
    ------
    ConfigError
        When an argument is out of range or ``out`` is not a usable folder.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     generate_dataset(Path(folder), enterprises=200, chains=2, seed=1).chains
    2
    """
    encoding = _check_arguments(out, enterprises, chains, encoding)
    plan = plan_chains(enterprises, chains, seed)
    tally = _Tally(progress)
    with ExitStack() as stack:

        def open_table(name: str) -> Any:
            handle = stack.enter_context(
                (out / f"{name}.csv").open("w", encoding=encoding, newline="")
            )
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(COLUMNS[name])
            return writer

        out.mkdir(parents=True, exist_ok=True)
        _write(
            open_table("bodies"),
            "bodies",
            tally,
            [(b.body_id, b.name, b.approval_no) for b in BODIES],
        )
        codes, revenue = _write_firms(
            open_table("enterprises"), open_table("certificates"), plan, seed, as_of, tally
        )
        _write(open_table("chains"), "chains", tally, _chain_rows(plan, codes))
        _write(open_table("segments"), "segments", tally, _segment_rows(plan))
        _write(open_table("members"), "members", tally, _member_rows(plan, codes, seed))
        _write(open_table("supply"), "supply", tally, supply_rows(plan, codes, revenue, seed))
    _report(tally, final=True)
    return GenerationSummary(**tally.rows)


def _check_arguments(out: Path, enterprises: int, chains: int, encoding: str) -> str:
    for label, value in (("enterprises", enterprises), ("chains", chains)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"--{label} must be a whole number, not {value!r}")
    if chains < 1:
        raise ConfigError(f"--chains is {chains}; give at least 1 chain")
    if enterprises < MIN_FIRMS_PER_CHAIN * chains:
        raise ConfigError(
            f"--enterprises {enterprises} is too few for {chains} chain(s): each chain needs at "
            f"least {MIN_FIRMS_PER_CHAIN} firms; raise --enterprises to "
            f"{MIN_FIRMS_PER_CHAIN * chains} or more, or lower --chains"
        )
    if enterprises > MAX_ENTERPRISES:
        raise ConfigError(
            f"--enterprises {enterprises} is more than the generator supports; "
            f"give at most {MAX_ENTERPRISES:,}"
        )
    if encoding.lower() not in ENCODINGS:
        raise ConfigError(
            f"--encoding {encoding!r} is not supported; use one of {', '.join(ENCODINGS)}"
        )
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file; give a folder (it is created if missing)")
    return encoding.lower()


def _write_firms(
    firms: Any, certificates: Any, plan: list[ChainPlan], seed: int, as_of: date, tally: _Tally
) -> tuple[bytearray, array[float]]:
    """Write enterprises.csv and certificates.csv; return every firm's USCC and revenue."""
    rng = random_stream(seed, "firms")
    total = plan[-1].hi
    codes = bytearray(18 * total)
    revenue = array("f", bytes(4 * total))
    region_index = {r.code: i for i, r in enumerate(REGIONS)}
    names: dict[tuple[str, str], int] = {}
    serial = 0
    for chain in plan:
        pools = region_pools(chain.homes)
        for segment in chain.segments.values():
            template, size = segment.template, segment.hi - segment.lo
            lead = segment is chain.leader_segment
            for firm in range(segment.lo, segment.hi):
                leader = lead and firm - segment.lo < chain.leaders
                if leader:
                    region = REGIONS[region_index[chain.homes[firm - segment.lo]]]
                    industry = template.industries[0]
                else:  # 35 % home prefecture, 30 % its province, 25 % next door, 10 % anywhere
                    draw = rng.random()
                    pool = pools[0 if draw < 0.35 else 1 if draw < 0.65 else 2 if draw < 0.9 else 3]
                    region = REGIONS[rng.choice(pool)]
                    industry = rng.choice(template.industries)
                uscc = sample_uscc(firm, region.code)
                codes[18 * firm : 18 * firm + 18] = uscc.encode("ascii")
                figures = firm_figures(rng, industry, (firm - segment.lo) / size, leader)
                revenue[firm] = figures.revenue
                name = firm_name(rng, names, region.city, rng.choice(template.words), leader)
                state = certificate_state(rng, figures.employees, leader)
                maturity = maturity_cell(rng, figures.employees, state, leader)
                firms.writerow((uscc, name, region.code, industry, *figures.cells, maturity))
                written = 1
                if state is not None:
                    product = rng.choice(template.products)
                    rows = certificate_rows(
                        rng,
                        serial,
                        uscc,
                        state,
                        figures.employees,
                        product,
                        template.activity,
                        as_of,
                    )
                    certificates.writerows(rows)
                    serial += len(rows)
                    tally.rows["certificates"] += len(rows)
                    written += len(rows)
                tally.rows["enterprises"] += 1
                tally.pending += written
                if tally.pending >= PROGRESS_EVERY:
                    _report(tally)
    return codes, revenue


def _chain_rows(plan: list[ChainPlan], codes: bytearray) -> Iterable[tuple[str, ...]]:
    for chain in plan:
        first = chain.leader_segment.lo
        leaders = ";".join(uscc_at(codes, f) for f in range(first, first + chain.leaders))
        yield chain.chain_id, chain.name, chain.region_code, leaders


def _segment_rows(plan: list[ChainPlan]) -> Iterable[tuple[str, ...]]:
    for chain in plan:
        for s in chain.template.segments:
            yield chain.chain_id, s.key, s.name, s.stage.value, ";".join(s.feeds)


def _member_rows(plan: list[ChainPlan], codes: bytearray, seed: int) -> Iterable[tuple[str, ...]]:
    """Every firm in its own segment, then the ~5 % of suppliers that serve a second chain too."""
    for chain in plan:
        for segment in chain.segments.values():
            for firm in range(segment.lo, segment.hi):
                yield chain.chain_id, segment.template.key, uscc_at(codes, firm)
    if len(plan) < 2:
        return
    rng = random_stream(seed, "guests")
    for chain in plan:
        twins = [c for c in plan if c.template is chain.template and c is not chain]
        others = twins or [c for c in plan if c is not chain]
        for segment in chain.segments.values():
            if not segment.template.feeds or segment is chain.leader_segment:
                continue  # only suppliers serve a second chain
            size = segment.hi - segment.lo
            count = min(size, int(size * GUEST_SHARE + rng.random()))
            for firm in sorted(rng.sample(range(segment.lo, segment.hi), count)):
                other, target = _second_home(rng, rng.choice(others), segment.template)
                target.guests.append(firm)
                yield other.chain_id, target.template.key, uscc_at(codes, firm)


def _second_home(
    rng: random.Random, other: ChainPlan, home: SegmentTemplate
) -> tuple[ChainPlan, SegmentPlan]:
    """The segment of ``other`` a supplier from ``home`` joins.

    The same segment when ``other`` is a chain of the same kind, else a supplier segment of
    ``other`` at the same stage (or any supplier segment).
    """
    same = other.segments.get(home.key)
    if same is not None and same.template is home:
        return other, same
    suppliers = [
        s for s in other.segments.values() if s.template.feeds and s is not other.leader_segment
    ]
    alike = [s for s in suppliers if s.template.stage is home.stage]
    return other, rng.choice(alike or suppliers)


def _write(writer: Any, table: str, tally: _Tally, rows: Iterable[tuple[str, ...]]) -> None:
    for row in rows:
        writer.writerow(row)
        tally.rows[table] += 1
        tally.pending += 1
        if tally.pending >= PROGRESS_EVERY:
            _report(tally)


def _report(tally: _Tally, *, final: bool = False) -> None:
    if tally.callback is not None and tally.pending and (final or tally.pending >= PROGRESS_EVERY):
        tally.callback(tally.pending)
    tally.pending = 0
