"""A sample dataset written as a bureau keeps it: one ledger workbook (台账).

The sheet 企业台账 has a merged title row, 填报单位 and 填报时间 rows, a blank row, then Chinese
headers with units, one row per firm and chain (its segment, tier and certificate), values typed
as people type them (85人, 1.2万, 已过期, 无), a 合计 row and a note. The sheet 供应关系 names
suppliers and customers by name, with shares as percentages; 填表说明 explains the columns.
It is what the importer must take as it is, and what its benchmark reads.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict, deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chainmap.rules.values import money

__all__ = ["LEDGER_HEADERS", "SUPPLY_HEADERS", "write_ledger_workbook"]

LEDGER_HEADERS = (
    "序号",
    "统一社会信用代码",
    "企业名称",
    "所属区划",
    "行业代码",
    "从业人员（人）",
    "营业收入（万元）",
    "资产总额（万元）",
    "所属产业链",
    "产业链环节",
    "链级",
    "认证证书编号",
    "认证机构",
    "证书状态",
    "发证日期",
    "有效期至",
)
SUPPLY_HEADERS = ("序号", "供应商名称", "客户名称", "供应产品", "采购占比", "年采购额（万元）")
_STATUS = {
    "valid": ("有效", "有效", "有效"),
    "suspended": ("暂停", "暂停使用", "已暂停"),
    "revoked": ("撤销", "已撤销", "撤销"),
    "withdrawn": ("撤销", "已撤销", "撤销"),
    "cancelled": ("注销", "已注销", "注销"),
    "expired": ("过期", "已过期", "过期失效"),
    "unknown": ("未知", "未知", "未知"),
}
_TIER = {0: "链主", 1: "一级供应商", 2: "二级供应商", 3: "三级供应商", -1: "下游客户"}
_INSTRUCTIONS = (
    "填表说明",
    "1. 每家企业每条产业链填一行；链级填 链主、一级供应商、二级供应商 或 下游客户。",
    "2. 统一社会信用代码填 18 位；行政区划代码填 6 位（GB/T 2260）；行业代码按 GB/T 4754-2017。",
    "3. 无认证证书的企业，证书编号填“无”。",
    "4. 营业收入、资产总额以万元计；从业人员以人计。",
)


def _read(folder: Path, table: str) -> Iterator[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def _tiers(
    folder: Path, leaders: dict[str, list[str]], members: dict[str, set[str]]
) -> dict[tuple[str, str], int]:
    """(chain, firm) -> tier: 0 the leaders, n the n-th supplier tier upstream, -1 a customer."""
    suppliers: dict[str, list[str]] = defaultdict(list)
    customers: dict[str, list[str]] = defaultdict(list)
    for link in _read(folder, "supply"):
        suppliers[link["customer_uscc"]].append(link["supplier_uscc"])
        customers[link["supplier_uscc"]].append(link["customer_uscc"])
    tiers: dict[tuple[str, str], int] = {}
    for chain, heads in leaders.items():
        inside = members[chain]
        queue = deque((uscc, 0) for uscc in heads)
        for uscc in heads:
            tiers[(chain, uscc)] = 0
        while queue:
            firm, tier = queue.popleft()
            for supplier in suppliers[firm]:
                if supplier in inside and (chain, supplier) not in tiers and tier < 3:
                    tiers[(chain, supplier)] = tier + 1
                    queue.append((supplier, tier + 1))
        for uscc in heads:
            for customer in customers[uscc]:
                if customer in inside:
                    tiers.setdefault((chain, customer), -1)
    return tiers


def _messy_number(rng: random.Random, value: str, unit: str) -> Any:
    """A number as a person may type it: 85, 85人, １２０, 3.2亿 (in a 万元 column: 32,000 万元),
    1,234.5; every form reads back to the same number."""
    if not value:
        return None
    number = float(value)
    pick = rng.random()
    plain = int(number) if number.is_integer() else number
    if pick < 0.6:
        return plain
    if pick < 0.75 and unit == "人":
        return f"{int(number)}人"
    if pick < 0.85:
        return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in str(plain))
    if unit == "万元" and number >= 10_000:
        typed = f"{number / 10_000:.12g}亿"
        return typed if money(typed) == number else plain
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def write_ledger_workbook(
    folder: Path, out: Path, *, seed: int = 1, title: str = "产业链企业质量认证台账"
) -> int:
    """Write the dataset in ``folder`` (CSV files, as ``chainmap generate`` writes them) as a
    ledger workbook at ``out``; return the number of ledger rows.

    Firms whose tier cannot be told (off every leader's supply paths) are written without one.
    """
    from openpyxl import Workbook

    rng = random.Random(seed)
    firms = {row["uscc"]: row for row in _read(folder, "enterprises")}
    chains = {row["chain_id"]: row for row in _read(folder, "chains")}
    leaders = {c: row["leaders"].split(";") for c, row in chains.items()}
    segments = {
        (row["chain_id"], row["segment_id"]): row["name"] for row in _read(folder, "segments")
    }
    members: dict[str, set[str]] = defaultdict(set)
    rows: list[tuple[str, str, str]] = []
    for member in _read(folder, "members"):
        members[member["chain_id"]].add(member["uscc"])
        rows.append((member["chain_id"], member["segment_id"], member["uscc"]))
    certificate: dict[str, dict[str, str]] = {}
    for row in _read(folder, "certificates"):
        best = certificate.get(row["uscc"])
        if best is None or row["issued_on"] > best["issued_on"]:
            certificate[row["uscc"]] = row
    bodies = {row["body_id"]: row["name"] for row in _read(folder, "bodies")}
    tiers = _tiers(folder, leaders, members)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("企业台账")
    width = len(LEDGER_HEADERS)
    sheet.append([f"苏州市{title}"] + [None] * (width - 1))
    sheet.append(["填报单位：苏州市市场监督管理局", None, None, None, None, "填报时间：2026年11月"])
    sheet.append([])
    sheet.append(list(LEDGER_HEADERS))
    employees_total = 0
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    for number, (chain_id, segment_id, uscc) in enumerate(rows, start=1):
        firm = firms[uscc]
        cert = certificate.get(uscc)
        employees_total += int(firm["employees"] or 0)
        tier = tiers.get((chain_id, uscc))
        status = cert["status"] if cert else ""
        cells: list[Any] = [
            number,
            uscc if rng.random() > 0.05 else f"{uscc[:4]} {uscc[4:10]} {uscc[10:]}",
            firm["name"],
            firm["region_code"],
            firm["industry_code"],
            _messy_number(rng, firm["employees"], "人"),
            _messy_number(rng, firm["revenue"], "万元"),
            _messy_number(rng, firm["assets"], "万元"),
            chains[chain_id]["name"],
            segments[(chain_id, segment_id)],
            _TIER.get(tier) if tier is not None else None,
            cert["cert_no"] if cert else rng.choice(("无", "无", "—", None)),
            bodies.get(cert["body"], cert["body"]) if cert else None,
            rng.choice(_STATUS.get(status, (status,))) if cert else None,
            cert["issued_on"] if cert else None,
            cert["expires_on"] if cert else None,
        ]
        sheet.append(cells)
    sheet.append(["合计", None, f"{len(rows)} 行", None, None, employees_total])
    sheet.append(["注：本表由各区市场监管局汇总，链级以链主为起点向上游计。"])

    supply = workbook.create_sheet("供应关系")
    supply.append(["供应关系表"])
    supply.append(list(SUPPLY_HEADERS))
    for number, link in enumerate(_read(folder, "supply"), start=1):
        share = link["share"]
        supply.append(
            [
                number,
                firms[link["supplier_uscc"]]["name"],
                firms[link["customer_uscc"]]["name"],
                link["product"] or None,
                f"{float(share) * 100:g}%" if share else None,
                float(link["annual_value"]) if link["annual_value"] else None,
            ]
        )
    notes = workbook.create_sheet("填表说明")
    for line in _INSTRUCTIONS:
        notes.append([line])
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
    return len(rows)
