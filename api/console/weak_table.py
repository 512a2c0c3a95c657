"""The console's weak-link table, one for every page that shows one (a chain's weak links, the
analyst's query, the regulator's regions): its query (filters, sort, page), the choices its
filter form offers, the rows of one page, and its export.

The rows are the API's: :func:`api.weak_links.weak_links_of` computes them for the caller, with
the lowest score asked for; this module only narrows them (region, industry, size, segment,
reason, chain, with the API's own semantics: :meth:`api.weak_links.Filters.admit`), orders them
and cuts them into pages. The export is the filtered, ordered table whole, through
:mod:`chainmap.exports`, with the columns ``chainmap weak-links --format xlsx`` writes
(:data:`chainmap.reports.WEAK_LINKS`), preceded by the chain's when the table spans chains.

A value the form could not have sent (a size that is no size, a segment no chain shown has, a
sort by no column) is refused with a 422 naming it, never ignored.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query, Response

from chainmap.analysis import REASONS, FirmFigures
from chainmap.analysis.certification import CertState
from chainmap.columns import Column, Kind, Table
from chainmap.enums import SizeClass
from chainmap.exports import MEDIA_TYPES, ExportFormat, export_bytes
from chainmap.records import ChainRow
from chainmap.reports import WEAK_LINKS, figures_rows
from chainmap.rules import industry_name, prefecture_key, region_full_name, region_name

from ..errors import ApiError
from ..weak_links import ChainWeakLinks, Filters
from .i18n import catalogue
from .render import attachment

__all__ = [
    "PER_PAGE",
    "PER_PAGE_MAX",
    "WEAK_LINKS_BY_CHAIN",
    "Choice",
    "Row",
    "TableQuery",
    "WeakTable",
    "attachment",
    "export",
    "ordered",
    "rows_of",
    "table_query",
    "weak_table",
]

#: rows on a page, unless ``per_page`` asks for another number (at most :data:`PER_PAGE_MAX`)
PER_PAGE = 50
PER_PAGE_MAX = 500

#: the export of a table spanning chains: the chain, then the columns of ``chainmap weak-links``
WEAK_LINKS_BY_CHAIN = Table(
    WEAK_LINKS.zh,
    WEAK_LINKS.en,
    (
        Column("chain_id", Kind.CODE, "产业链代码", "chain id"),
        Column("chain_name", Kind.TEXT, "产业链", "chain"),
        *WEAK_LINKS.columns,
    ),
)

_SIZES = tuple(s.value for s in SizeClass)
_SIZE_ORDER = {s: i for i, s in enumerate(_SIZES)}
_STATE_ORDER = {s.value: i for i, s in enumerate(CertState)}
_REGION = re.compile(r"^\d{2}(\d{2}){0,2}$")
_INDUSTRY = re.compile(r"^[A-T](\d{2}(\d{1,2})?)?$")
_PAGE_MAX = 1_000_000


@dataclass(frozen=True, slots=True)
class Row:
    """One weak link as the table shows it: a firm's figures towards a leader of a chain."""

    chain: ChainRow
    figures: FirmFigures
    #: the leader's name; None for a leader outside the caller's bounds (shown by its USCC)
    leader_name: str | None
    #: the firm's segments as (id, name), in order
    segment_pairs: tuple[tuple[str, str], ...]

    @property
    def segments(self) -> tuple[str, ...]:
        """The names of the firm's segments, each once."""
        return tuple(dict.fromkeys(name for _, name in self.segment_pairs))

    @property
    def segment_label(self) -> str:
        return "、".join(self.segments)

    def explanation(self, lang: str) -> str:
        f = self.figures
        return f.explanation_en if lang == "en" else f.explanation_zh


def rows_of(found: Iterable[ChainWeakLinks]) -> list[Row]:
    """The table's rows: every chain's, in the order the API gives them."""
    rows: list[Row] = []
    for chain in found:
        for f in chain.rows:
            ids = dict.fromkeys(s for s in f.segment.split(";") if s)
            pairs = tuple((s, chain.segment_names.get(s, s)) for s in ids)
            rows.append(Row(chain.chain, f, chain.leader_names.get(f.leader), pairs))
    return rows


@dataclass(frozen=True, slots=True)
class Sort:
    """A column the table may be ordered by: the message of its header, what orders it (None
    for a row that has no value: such rows come last either way), and its first direction."""

    key: str
    label: str
    value: Callable[[Row], Any]
    descending_first: bool = False
    numeric: bool = False


def _size(r: Row) -> int | None:
    return _SIZE_ORDER.get(r.figures.size or "")


#: the table's columns, in order (``chain`` only in a table spanning chains)
COLUMNS: tuple[Sort, ...] = (
    Sort("chain", "weak_table.col.chain", lambda r: (r.chain.name, r.chain.chain_id)),
    Sort("name", "weak_table.col.name", lambda r: (r.figures.name, r.figures.uscc)),
    Sort(
        "leader",
        "weak_table.col.leader",
        lambda r: (r.leader_name is None, r.leader_name or r.figures.leader),
    ),
    Sort("segment", "weak_table.col.segment", lambda r: r.segment_label),
    Sort("region", "weak_table.col.region", lambda r: r.figures.region_code),
    Sort("industry", "weak_table.col.industry", lambda r: r.figures.industry_code),
    Sort("size", "weak_table.col.size", _size),
    Sort(
        "certification",
        "weak_table.col.certification",
        lambda r: _STATE_ORDER.get(r.figures.certification),
    ),
    Sort("expires", "weak_table.col.expires", lambda r: r.figures.cert_expires_on),
    Sort("exposure", "weak_table.col.exposure", lambda r: r.figures.exposure, True, True),
    Sort("spof", "weak_table.col.spof", lambda r: r.figures.single_point_of_failure, True),
    Sort("single_source", "weak_table.col.single_source", lambda r: r.figures.single_source, True),
    Sort("score", "weak_table.col.score", lambda r: r.figures.score, True, True),
    Sort("reasons", "weak_table.col.reasons", lambda r: len(r.figures.reasons), True),
)
_BY_KEY = {c.key: c for c in COLUMNS}


def ordered(rows: Sequence[Row], key: str, descending: bool) -> list[Row]:
    """``rows`` ordered by the column ``key``; ties (and the rows without a value, last) by
    score, highest first, then chain, leader and USCC, so that the order never varies."""
    base = sorted(
        rows,
        key=lambda r: (-r.figures.score, r.chain.chain_id, r.figures.leader, r.figures.uscc),
    )
    value = _BY_KEY[key].value
    present = [r for r in base if value(r) is not None]
    absent = [r for r in base if value(r) is None]
    present.sort(key=value, reverse=descending)  # sorting stays stable when reversed
    return present + absent


@dataclass(frozen=True, slots=True)
class TableQuery:
    """What the table is asked for: its filters, its order and its page."""

    chain: str | None = None
    region: str | None = None
    industry: str | None = None
    size: str | None = None
    segment: str | None = None
    reason: str | None = None
    min_score: float | None = None
    sort: str = "score"
    descending: bool = True
    page: int = 1
    per_page: int = PER_PAGE
    as_of: date | None = None

    @property
    def wanted(self) -> Filters:
        """What the API computes the rows with: the lowest score asked for (the filters of
        the table are applied to the rows afterwards, so that the form's choices cover them)."""
        return Filters(min_score=self.min_score)

    @property
    def narrowing(self) -> Filters:
        return Filters(
            region=(self.region,) if self.region else None,
            industry=(self.industry,) if self.industry else None,
            segment=(self.segment,) if self.segment else None,
        )

    def admit(self, row: Row) -> bool:
        f = row.figures
        return (
            (self.chain is None or row.chain.chain_id == self.chain)
            and self.narrowing.admit(f)
            and (self.size is None or f.size == self.size)
            and (self.reason is None or self.reason in f.reasons)
        )

    @property
    def filtered(self) -> bool:
        """True when a filter narrows the table."""
        return any(
            v is not None
            for v in (self.chain, self.region, self.industry, self.size, self.segment, self.reason)
        ) or (self.min_score is not None)

    def params(self) -> dict[str, str]:
        """The query as the address's parameters, defaults left out."""
        out: dict[str, str] = {}
        for name in ("chain", "region", "industry", "size", "segment", "reason"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.min_score is not None:
            out["min_score"] = f"{self.min_score:g}"
        if (self.sort, self.descending) != ("score", True):
            out["sort"] = self.sort
            out["dir"] = "desc" if self.descending else "asc"
        if self.page != 1:
            out["page"] = str(self.page)
        if self.per_page != PER_PAGE:
            out["per_page"] = str(self.per_page)
        if self.as_of is not None:
            out["as_of"] = self.as_of.isoformat()
        return out


def _problem(name: str, value: str, en: str, zh: str) -> dict[str, Any]:
    return {
        "in": "query",
        "name": name,
        "value": value,
        "message_en": f"{name}: {value!r} {en}",
        "message_zh": f"参数 {name}：“{value}”{zh}",
    }


def _refused(problems: Sequence[dict[str, Any]]) -> ApiError:
    return ApiError(
        422,
        "invalid_parameter",
        "the table cannot be shown so: change or clear what is listed below",
        "无法按此条件显示表格：请修改或清除下列各项",
        problems=list(problems),
    )


_Text = Annotated[str, Query(max_length=640)]


def table_query(
    chain: _Text = "",
    region: _Text = "",
    industry: _Text = "",
    size: _Text = "",
    segment: _Text = "",
    reason: _Text = "",
    min_score: _Text = "",
    sort: _Text = "",
    dir: _Text = "",
    page: _Text = "",
    per_page: _Text = "",
    as_of: Annotated[date | None, Query()] = None,
) -> TableQuery:
    """The table's query from the address (an empty value, as a form's "all" sends it, is no
    filter): 422 naming every value the table does not know."""
    problems: list[dict[str, Any]] = []
    region, industry = region.strip(), industry.strip().upper()
    if region and (not _REGION.match(region) or region_name(region) is None):
        problems.append(
            _problem(
                "region",
                region,
                "is no region code of GB/T 2260 (2, 4 or 6 digits)",
                "不是有效的行政区划代码（2、4 或 6 位）",
            )
        )
    if industry and (not _INDUSTRY.match(industry) or industry_name(industry) is None):
        problems.append(
            _problem(
                "industry",
                industry,
                "is no industry code of GB/T 4754 (C, C36, C367, C3670)",
                "不是有效的国民经济行业代码（如 C、C36、C3670）",
            )
        )
    if size and size not in _SIZES:
        problems.append(
            _problem("size", size, f"is not one of {', '.join(_SIZES)}", "不是可选的企业规模")
        )
    if reason and reason not in REASONS:
        problems.append(_problem("reason", reason, "is no reason of a weak link", "不是薄弱原因"))
    score: float | None = None
    if min_score.strip():
        try:
            score = float(min_score)
        except ValueError:
            score = math.nan
        if not 0 <= score <= 1:  # NaN fails too
            problems.append(
                _problem(
                    "min_score", min_score, "is not a number from 0 to 1", "不是 0 到 1 之间的数"
                )
            )
    if sort and sort not in _BY_KEY:
        problems.append(_problem("sort", sort, "is no column of the table", "不是表格的列"))
    if dir and dir not in ("asc", "desc"):
        problems.append(_problem("dir", dir, "is neither asc nor desc", "只能是 asc 或 desc"))
    number = _whole(page, "page", 1, problems)
    rows = _whole(per_page, "per_page", PER_PAGE, problems)
    if problems:
        raise _refused(problems)
    column = _BY_KEY[sort or "score"]
    return TableQuery(
        chain=chain or None,
        region=region or None,
        industry=industry or None,
        size=size or None,
        segment=segment or None,
        reason=reason or None,
        min_score=score,
        sort=column.key,
        descending=column.descending_first if not dir else dir == "desc",
        page=min(number, _PAGE_MAX),
        per_page=min(rows, PER_PAGE_MAX),
        as_of=as_of,
    )


def _whole(text: str, name: str, default: int, problems: list[dict[str, Any]]) -> int:
    if not text.strip():
        return default
    if text.strip().isascii() and text.strip().isdigit() and int(text) >= 1:
        return int(text)
    problems.append(_problem(name, text, "is not a whole number from 1", "不是从 1 起的整数"))
    return default


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a filter: its value and what it is called."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Choices:
    """What each filter of the form offers: the values of the rows the caller may see."""

    chains: list[Choice] = field(default_factory=list)
    prefectures: list[Choice] = field(default_factory=list)
    counties: list[Choice] = field(default_factory=list)
    divisions: list[Choice] = field(default_factory=list)
    industries: list[Choice] = field(default_factory=list)
    sizes: list[Choice] = field(default_factory=list)
    segments: list[Choice] = field(default_factory=list)
    reasons: list[Choice] = field(default_factory=list)


def _prefix(code: str) -> str:
    """A 6-digit code as the shortest prefix that names the same unit: 320500 -> 3205."""
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def _region_label(code: str) -> str:
    return region_full_name(code) or code


def _industry_label(code: str) -> str:
    return industry_name(code) or code


def _choices(rows: Sequence[Row], query: TableQuery, lang: str) -> Choices:
    words = catalogue()
    chains = {r.chain.chain_id: r.chain.name for r in rows}
    counties = {r.figures.region_code for r in rows if r.figures.region_code}
    prefectures = {_prefix(prefecture_key(c)) for c in counties}
    classes = {r.figures.industry_code for r in rows if r.figures.industry_code}
    divisions = {c[:3] for c in classes if len(c) >= 3}
    sizes = {r.figures.size for r in rows if r.figures.size in _SIZE_ORDER}
    segments: dict[str, str] = {}
    for r in rows:
        for sid, name in r.segment_pairs:
            segments.setdefault(sid, name)
    reasons = {code for r in rows for code in r.figures.reasons}
    # the value asked for stays selectable, rows or none
    if query.chain:
        chains.setdefault(query.chain, query.chain)
    if query.region:
        (counties if len(query.region) == 6 else prefectures).add(query.region)
    if query.industry:
        (classes if len(query.industry) > 3 else divisions).add(query.industry)
    if query.size:
        sizes.add(query.size)
    if query.segment:
        segments.setdefault(query.segment, query.segment)
    if query.reason:
        reasons.add(query.reason)
    lang_index = 1 if lang == "en" else 0
    return Choices(
        chains=sorted((Choice(k, v) for k, v in chains.items()), key=lambda c: (c.label, c.value)),
        prefectures=[Choice(c, _region_label(c)) for c in sorted(prefectures)],
        counties=[Choice(c, _region_label(c)) for c in sorted(counties)],
        divisions=[Choice(c, _industry_label(c)) for c in sorted(divisions)],
        industries=[Choice(c, _industry_label(c)) for c in sorted(classes)],
        sizes=[
            Choice(s, words.text(f"weak_table.size.{s}", lang))
            for s in sorted(sizes, key=lambda s: _SIZE_ORDER.get(s or "", 9))
            if s
        ],
        segments=sorted(
            (Choice(k, v) for k, v in segments.items()), key=lambda c: (c.label, c.value)
        ),
        reasons=[Choice(c, REASONS[c][lang_index]) for c in REASONS if c in reasons],
    )


@dataclass(frozen=True, slots=True)
class WeakTable:
    """One page of the table, what its form offers, and the addresses of its links."""

    path: str
    query: TableQuery
    rows: list[Row]
    total: int
    seen: int
    pages: int
    choices: Choices
    with_chain: bool
    firm_links: bool
    min_score: float
    columns: tuple[Sort, ...]

    @property
    def page(self) -> int:
        return self.query.page

    @property
    def first(self) -> int:
        """The number of the page's first row (0 on an empty table)."""
        return (self.page - 1) * self.query.per_page + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0

    def href(self, **changes: Any) -> str:
        """The table's address with ``changes`` to its query (a value of None drops it)."""
        params = self.query.params()
        for name, value in changes.items():
            if value is None:
                params.pop(name, None)
            else:
                params[name] = str(value)
        return f"{self.path}?{urlencode(params)}" if params else self.path

    def page_href(self, number: int) -> str:
        return self.href(page=None if number == 1 else number)

    def sort_href(self, key: str) -> str:
        """Ordered by ``key``: the other way round when it already is, else its first way."""
        again = self.query.sort == key
        descending = not self.query.descending if again else _BY_KEY[key].descending_first
        return self.href(sort=key, dir="desc" if descending else "asc", page=None)

    def aria_sort(self, key: str) -> str:
        if self.query.sort != key:
            return "none"
        return "descending" if self.query.descending else "ascending"

    def export_href(self, format: str) -> str:
        return self.href(format=format, page=None)

    @property
    def pager(self) -> list[int | None]:
        """The pages to link: the first, the last and two either side of this one (None for a
        gap)."""
        near = {1, self.pages, *range(self.page - 2, self.page + 3)}
        shown = sorted(p for p in near if 1 <= p <= self.pages)
        out: list[int | None] = []
        for p in shown:
            if out and out[-1] is not None and p - (out[-1] or 0) > 1:
                out.append(None)
            out.append(p)
        return out

    @property
    def hidden(self) -> dict[str, str]:
        """The query's values the filter form keeps without showing (order, page size, day)."""
        params = self.query.params()
        return {k: params[k] for k in ("sort", "dir", "per_page", "as_of") if k in params}


def _check_known(
    found: Sequence[ChainWeakLinks], query: TableQuery, with_chain: bool
) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    if query.chain is not None and (
        not with_chain or query.chain not in {c.chain.chain_id for c in found}
    ):
        problems.append(
            _problem("chain", query.chain, "is no chain of this table", "不是本表的产业链")
        )
    if query.segment is not None:
        known = {s for c in found for s in c.segment_names}
        if query.segment not in known:
            problems.append(
                _problem(
                    "segment",
                    query.segment,
                    "is no segment of the chains shown",
                    "不是所示产业链的环节",
                )
            )
    if query.sort == "chain" and not with_chain:
        problems.append(_problem("sort", "chain", "is no column of the table", "不是表格的列"))
    return problems


def _selected(found: Sequence[ChainWeakLinks], query: TableQuery, with_chain: bool) -> list[Row]:
    problems = _check_known(found, query, with_chain)
    if problems:
        raise _refused(problems)
    return ordered([r for r in rows_of(found) if query.admit(r)], query.sort, query.descending)


def weak_table(
    found: Sequence[ChainWeakLinks],
    query: TableQuery,
    *,
    path: str,
    lang: str,
    with_chain: bool,
    firm_links: bool,
    min_score: float,
) -> WeakTable:
    """The page of the table ``query`` asks for, over the rows ``found`` (computed for the
    caller with ``query.wanted``). ``min_score`` is the weights' threshold (the form's default);
    ``firm_links``: whether names link to the firms' pages."""
    chosen = _selected(found, query, with_chain)
    per = query.per_page
    pages = max(1, -(-len(chosen) // per))
    query = replace(query, page=min(query.page, pages))
    start = (query.page - 1) * per
    return WeakTable(
        path=path,
        query=query,
        rows=chosen[start : start + per],
        total=len(chosen),
        seen=sum(len(c.rows) for c in found),
        pages=pages,
        choices=_choices(rows_of(found), query, lang),
        with_chain=with_chain,
        firm_links=firm_links,
        min_score=min_score,
        columns=COLUMNS if with_chain else COLUMNS[1:],
    )


def _export_rows(rows: Sequence[Row], with_chain: bool) -> list[dict[str, Any]]:
    out = figures_rows(r.figures for r in rows)
    if with_chain:
        out = [
            {"chain_id": r.chain.chain_id, "chain_name": r.chain.name, **record}
            for r, record in zip(rows, out, strict=True)
        ]
    return out


def export(
    found: Sequence[ChainWeakLinks],
    query: TableQuery,
    format: ExportFormat,
    *,
    lang: str,
    with_chain: bool,
    name: str,
    day: date,
) -> Response:
    """The filtered, ordered table, every page of it, as an XLSX or CSV download named
    ``name`` and the day."""
    rows = _selected(found, query, with_chain)
    table = WEAK_LINKS_BY_CHAIN if with_chain else WEAK_LINKS
    data = export_bytes(_export_rows(rows, with_chain), table, format, lang=lang)
    suffix = f"{day.isoformat()}.{format.value}"
    return Response(
        data,
        media_type=MEDIA_TYPES[format],
        headers={
            "Content-Disposition": attachment(f"{name}_{suffix}", f"weak-links_{suffix}"),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
