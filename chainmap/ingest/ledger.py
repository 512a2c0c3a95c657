"""The flat ledger (台账): one row per firm, turned into chainmap's tables.

A ledger row gives a firm (统一社会信用代码, 企业名称, 行政区划代码, 行业代码 …), its chain by name
(所属产业链), its segment by name (产业链环节), its tier (链级: 链主 / 一级供应商 / 二级供应商 … /
下游客户), its certificate (认证证书编号, 认证机构, 证书状态, 发证日期, 有效期至 …) and, if the
bureau keeps them there, its suppliers or direct customers by name or USCC in one cell
(、 , ; ；). A supply sheet may carry the links instead, naming firms by USCC or by name.

From these rows :func:`derive` makes the rows of ``enterprises``, ``chains``, ``segments``,
``members``, ``supply`` and ``certificates``, each pointing back at the ledger row it came from,
so that a problem names the sheet, the row and the column as the workbook heads it:

- a chain's and a segment's id is its name (long names shortened with a hash), so the same ledger
  imported again gives the same ids and changes nothing;
- a chain's leaders are its rows whose tier is 链主 (or whose 是否链主 is 是);
- a segment's stage is its 上中下游 cell, else follows its firms' tiers: a segment holding a
  leader or a direct customer is downstream, one holding tier-1 suppliers midstream, others
  upstream; a firm without a segment is put in the segment named after its tier;
- a segment feeds the segments its firms supply, within the chain;
- a certificate number of 无, 空, — or / means the firm has none; a ledger without a standard
  column records its certificates as GB/T 19001-2016 (the QMS standard the programme is about).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chainmap.ingest.problems import Problem
from chainmap.ingest.tables import SPECS
from chainmap.ingest.workbook import NOTE, ORIGIN, Origin
from chainmap.rules.uscc import normalize_uscc
from chainmap.rules.values import clean_text, is_none_word, yes_no

__all__ = [
    "CUSTOMER",
    "DEFAULT_STANDARD",
    "LEADER",
    "LedgerSheet",
    "derive",
    "parse_tier",
    "stable_id",
]

#: the standard of a ledger's certificates when the ledger has no standard column
DEFAULT_STANDARD = "GB/T 19001-2016"

_COLUMNS = {spec.name: spec.columns for spec in SPECS}
#: the columns of a ledger row that describe the firm, and its certificate
_ENTERPRISE = _COLUMNS["enterprises"]
_CERTIFICATE = tuple(c for c in _COLUMNS["certificates"] if c != "uscc")
_LIST = re.compile(r"[、,，;；\n/]+")
_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_TIER = re.compile(r"^(?:第)?([一二两三四五六七八九十]|\d+)\s*级(?:供应商|供方|配套|企业)?$")
#: tier of a leader, and of a direct customer downstream of it
LEADER, CUSTOMER = 0, -1


def stable_id(name: str) -> str:
    """A key made from a name: the name itself, or a shortened name and a hash past 64 characters.

    >>> stable_id("新能源汽车产业链")
    '新能源汽车产业链'
    >>> len(stable_id("很长的名称" * 20))
    64
    """
    text = " ".join(clean_text(name).split())
    if len(text) <= 64:
        return text
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{text[:55]}~{digest}"


def parse_tier(raw: Any) -> int | None:
    """The tier a 链级 cell gives: 0 for 链主, n for an n-th tier supplier, -1 for a customer.

    None when the cell says nothing this reader knows.

    >>> [parse_tier(t) for t in ("链主", "一级供应商", "2级供应商", "第三级", "下游客户", "xx")]
    [0, 1, 2, 3, -1, None]
    """
    text = "".join(clean_text(str(raw)).split())
    if text in ("链主", "链主企业", "龙头企业", "链长企业"):
        return LEADER
    if text in ("客户", "下游客户", "直接客户", "下游企业", "采购方"):
        return CUSTOMER
    match = _TIER.match(text)
    if match is None:
        return None
    digits = match.group(1)
    return int(digits) if digits.isdigit() else _DIGITS[digits]


_CODE = re.compile(r"[0-9A-Z]{18}")


def _looks_like_uscc(text: str) -> bool:
    return _CODE.fullmatch(normalize_uscc(text)) is not None


@dataclass(slots=True)
class LedgerSheet:
    """The rows of one sheet read for the ledger: its label, headings and rows."""

    table: str  # "ledger", "enterprises" (named firms only) or "supply" (links by name)
    label: str
    headings: dict[str, str]
    rows: list[tuple[int, dict[str, Any]]]


@dataclass(slots=True)
class _Derived:
    tables: dict[str, list[tuple[int, dict[str, Any]]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, table: str, origin: Origin, row: int, values: dict[str, Any]) -> None:
        self.tables[table].append((row, {**values, ORIGIN: origin}))

    def problem(self, table: str, row: int, problem: Problem) -> None:
        self.tables[table].append((row, {NOTE: problem}))


#: what a name maps to when two firms of the workbook bear it
_AMBIGUOUS = ""


def _names(sheets: Iterable[LedgerSheet]) -> dict[str, str]:
    """Firm name -> USCC, from every sheet that names firms (a name two firms bear -> "")."""
    names: dict[str, str] = {}
    for sheet in sheets:
        if sheet.table == "supply":
            continue
        for _, row in sheet.rows:
            name, uscc = row.get("name"), row.get("uscc")
            if isinstance(name, str) and isinstance(uscc, str) and name.strip():
                key, code = " ".join(clean_text(name).split()), normalize_uscc(uscc)
                names[key] = code if names.get(key, code) == code else _AMBIGUOUS
    return names


def _resolve(
    item: str, names: Mapping[str, str], heading: str, label: str, row: int
) -> tuple[str | None, Problem | None]:
    """A firm named in a cell: its USCC, or a problem saying it is not in the workbook."""
    if _looks_like_uscc(item):
        return normalize_uscc(item), None
    found = names.get(" ".join(clean_text(item).split()))
    if found == _AMBIGUOUS:
        return None, Problem(
            label,
            row,
            heading,
            item,
            f"two firms of this workbook are named {item!r}: give the USCC instead",
            zh=f"本表中有两家企业都叫“{item}”：请改填统一社会信用代码",
        )
    if found is not None:
        return found, None
    return None, Problem(
        label,
        row,
        heading,
        item,
        f"{item!r} is not a firm of this workbook: give its USCC, or add a row for it",
        zh=f"“{item}”不是本表中的企业：请填写其统一社会信用代码，或为它添加一行",
    )


def derive(sheets: list[LedgerSheet]) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """The tables a workbook's ledger, firm and supply sheets give, row by row.

    Each row carries its :class:`~chainmap.ingest.workbook.Origin` (sheet and headings); what
    cannot be derived comes as a ``{NOTE: problem}`` row at the ledger row that causes it.
    """
    out = _Derived()
    names = _names(sheets)
    leaders: dict[str, list[str]] = defaultdict(list)
    chain_first: dict[str, tuple[Origin, int, str]] = {}
    segment_tiers: dict[tuple[str, str], set[int]] = defaultdict(set)
    segment_stage: dict[tuple[str, str], str] = {}
    segment_first: dict[tuple[str, str], tuple[Origin, int, str]] = {}
    segment_of: dict[str, set[tuple[str, str]]] = defaultdict(set)  # uscc -> (chain, segment)
    links: list[tuple[str, str, Origin, int, str]] = []  # supplier, customer, where, row, column
    for sheet in sheets:
        if sheet.table != "ledger":
            continue
        origin = Origin(sheet.label, _ledger_headings(sheet.headings))
        for number, row in sheet.rows:
            if NOTE in row:
                out.problem("enterprises", number, row[NOTE])
                continue
            firm = {k: row[k] for k in _ENTERPRISE if k in row}
            if firm:
                out.add("enterprises", origin, number, firm)
            uscc_raw = row.get("uscc")
            uscc = normalize_uscc(uscc_raw) if isinstance(uscc_raw, str) else None
            if uscc is None:
                continue  # the enterprise row reports the missing code
            _certificate(out, origin, number, row, uscc, sheet.headings)
            tier = _tier(out, origin, number, row, sheet.headings)
            chain_name = row.get("chain")
            if not isinstance(chain_name, str) or not chain_name.strip():
                continue
            chain_id = stable_id(chain_name)
            chain_first.setdefault(chain_id, (origin, number, chain_name.strip()))
            if tier == LEADER or _is_leader(row):
                leaders[chain_id].append(uscc)
            segment_name = row.get("segment") or (
                clean_text(str(row["tier"])) if "tier" in row else "未注明环节"
            )
            key = (chain_id, stable_id(str(segment_name)))
            segment_first.setdefault(key, (origin, number, str(segment_name).strip()))
            if tier is not None:
                segment_tiers[key].add(tier)
            if "stage" in row:
                segment_stage.setdefault(key, str(row["stage"]))
            segment_of[uscc].add(key)
            out.add(
                "members", origin, number, {"chain_id": key[0], "segment_id": key[1], "uscc": uscc}
            )
            for column, upstream in (("suppliers", True), ("customers", False)):
                for item in _items(row.get(column)):
                    other, problem = _resolve(
                        item, names, sheet.headings.get(column, column), sheet.label, number
                    )
                    if problem is not None:
                        out.problem("supply", number, problem)
                    elif other is not None:
                        pair = (other, uscc) if upstream else (uscc, other)
                        links.append((*pair, origin, number, column))
    for sheet in sheets:
        if sheet.table == "supply":
            _supply_sheet(out, sheet, names, links)
    for supplier, customer, origin, number, column in links:
        if column in ("suppliers", "customers"):
            out.add(
                "supply",
                origin,
                number,
                {"supplier_uscc": supplier, "customer_uscc": customer},
            )
    _chains(out, chain_first, leaders)
    feeds = _feeds(links, segment_of)
    for key, (origin, number, name) in segment_first.items():
        stage = segment_stage.get(key) or _stage(segment_tiers[key])
        out.add(
            "segments",
            origin,
            number,
            {
                "chain_id": key[0],
                "segment_id": key[1],
                "name": name,
                "stage": stage,
                "feeds": sorted(feeds.get(key, ())),
            },
        )
    return dict(out.tables)


def _ledger_headings(headings: Mapping[str, str]) -> dict[str, str]:
    """The ledger's headings under the names of the derived tables' columns."""
    derived = dict(headings)
    for column, source in (
        ("chain_id", "chain"),
        ("segment_id", "segment"),
        ("leaders", "tier"),
        ("supplier_uscc", "suppliers"),
        ("customer_uscc", "customers"),
    ):
        if source in headings:
            derived[column] = headings[source]
    return derived


def _items(cell: Any) -> list[str]:
    if not isinstance(cell, str) or is_none_word(cell):
        return []
    return [item.strip() for item in _LIST.split(clean_text(cell)) if item.strip()]


def _is_leader(row: Mapping[str, Any]) -> bool:
    value = row.get("is_leader")
    try:
        return value is not None and yes_no(value)
    except ValueError:
        return False


def _tier(
    out: _Derived, origin: Origin, number: int, row: Mapping[str, Any], headings: Mapping[str, str]
) -> int | None:
    if "tier" not in row:
        return None
    tier = parse_tier(row["tier"])
    if tier is None:
        heading = headings.get("tier", "tier")
        out.problem(
            "members",
            number,
            Problem(
                origin.label,
                number,
                heading,
                str(row["tier"]),
                f"{heading} {row['tier']!r} is no tier; write 链主, 一级供应商, 二级供应商 … "
                "or 下游客户",
                zh=f"{heading}“{row['tier']}”无法识别；请填 链主、一级供应商、二级供应商……或 下游客户",
            ),
        )
    return tier


def _certificate(
    out: _Derived,
    origin: Origin,
    number: int,
    row: Mapping[str, Any],
    uscc: str,
    headings: Mapping[str, str],
) -> None:
    cert_no = row.get("cert_no")
    if cert_no is None or is_none_word(cert_no):
        return
    certificate = {k: row[k] for k in _CERTIFICATE if k in row}
    certificate["uscc"] = uscc
    certificate.setdefault("standard", DEFAULT_STANDARD)
    out.add("certificates", origin, number, certificate)


def _supply_sheet(
    out: _Derived,
    sheet: LedgerSheet,
    names: Mapping[str, str],
    links: list[tuple[str, str, Origin, int, str]],
) -> None:
    """A supply sheet whose firms are named by USCC or by name."""
    headings = dict(sheet.headings)
    for code, named in (("supplier_uscc", "supplier"), ("customer_uscc", "customer")):
        if code not in headings and named in headings:
            headings[code] = headings[named]
    origin = Origin(sheet.label, headings)
    for number, row in sheet.rows:
        if NOTE in row:
            out.problem("supply", number, row[NOTE])
            continue
        values = {k: v for k, v in row.items() if k not in ("supplier", "customer")}
        resolved = True
        for code, named in (("supplier_uscc", "supplier"), ("customer_uscc", "customer")):
            if code in values or named not in row:
                continue
            uscc, problem = _resolve(str(row[named]), names, headings[named], sheet.label, number)
            if problem is not None:
                out.problem("supply", number, problem)
                resolved = False
            else:
                values[code] = uscc
        if resolved:
            out.add("supply", origin, number, values)
            supplier, customer = values.get("supplier_uscc"), values.get("customer_uscc")
            if isinstance(supplier, str) and isinstance(customer, str):
                links.append(
                    (normalize_uscc(supplier), normalize_uscc(customer), origin, number, "")
                )


def _chains(
    out: _Derived,
    first: Mapping[str, tuple[Origin, int, str]],
    leaders: Mapping[str, list[str]],
) -> None:
    for chain_id, (origin, number, name) in first.items():
        chosen = list(dict.fromkeys(leaders.get(chain_id, ())))
        if not chosen:
            heading = origin.headings.get("leaders", origin.headings.get("chain", "链级"))
            out.problem(
                "chains",
                number,
                Problem(
                    origin.label,
                    number,
                    heading,
                    name,
                    f"chain {name!r} has no leader: mark its leader's row 链主 in the "
                    f"{heading} column",
                    zh=f"产业链“{name}”没有链主：请在“{heading}”列把链主企业标为“链主”",
                ),
            )
            continue
        out.add("chains", origin, number, {"chain_id": chain_id, "name": name, "leaders": chosen})


def _feeds(
    links: Iterable[tuple[str, str, Origin, int, str]],
    segment_of: Mapping[str, set[tuple[str, str]]],
) -> dict[tuple[str, str], set[str]]:
    """Segment -> the segments of the same chain its firms supply."""
    feeds: dict[tuple[str, str], set[str]] = defaultdict(set)
    for supplier, customer, *_ in links:
        for chain_id, segment in segment_of.get(supplier, ()):
            for other_chain, other in segment_of.get(customer, ()):
                if other_chain == chain_id and other != segment:
                    feeds[(chain_id, segment)].add(other)
    return feeds


def _stage(tiers: set[int]) -> str:
    """A segment's stage from its firms' tiers (midstream when none is known)."""
    if LEADER in tiers or CUSTOMER in tiers:
        return "downstream"
    return "midstream" if 1 in tiers or not tiers else "upstream"
