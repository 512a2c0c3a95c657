"""The Excel template a bureau fills in: the ledger's headers, drop-downs, instructions, an example.

``chainmap template --lang zh --out 模板.xlsx`` writes it. The headers are the first names of the
alias table (:mod:`chainmap.ingest.aliases`), so the template imports as it is, example row and
all; the drop-downs offer the words the importer reads (企业规模, 证书状态, 链级).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chainmap.ingest.aliases import aliases
from chainmap.rules.uscc import org_code_check_character, uscc_check_character

__all__ = ["LEDGER_COLUMNS", "SUPPLY_COLUMNS", "write_template"]


@dataclass(frozen=True, slots=True)
class _Column:
    name: str  # chainmap's column in the ledger (or supply) table
    required: bool
    zh: str  # what to write, in Chinese
    en: str
    width: int = 16


LEDGER_COLUMNS = (
    _Column("uscc", True, "18 位统一社会信用代码", "18-character Unified Social Credit Code", 22),
    _Column("name", True, "企业注册名称", "registered name", 30),
    _Column(
        "region_code", True, "6 位行政区划代码（GB/T 2260），如 320583", "6-digit GB/T 2260 code"
    ),
    _Column(
        "industry_code", True, "国民经济行业代码（GB/T 4754-2017），如 C3670", "GB/T 4754-2017 code"
    ),
    _Column("employees", False, "从业人员，人；可写 85 或 85人", "employees; 85 or 85人"),
    _Column("revenue", False, "上年营业收入，万元；可写 1200 或 1.2万", "revenue, 万元"),
    _Column("assets", False, "资产总额，万元", "total assets, 万元"),
    _Column(
        "size", False, "微型/小型/中型/大型；不填则按工信部联企业〔2011〕300号推算", "size class"
    ),
    _Column("chain", True, "所属产业链名称，同一条链写法一致", "the chain's name", 22),
    _Column("segment", False, "产业链环节名称，如 动力电池", "the segment's name"),
    _Column("tier", True, "链主 / 一级供应商 / 二级供应商 / 三级供应商 / 下游客户", "tier"),
    _Column(
        "suppliers", False, "本企业的直接供应商，写名称或代码，用“、”分隔", "direct suppliers", 24
    ),
    _Column(
        "cert_no", False, "质量管理体系认证证书编号；没有证书写“无”", "QMS certificate number", 20
    ),
    _Column("body", False, "认证机构名称", "certification body", 22),
    _Column("status", False, "有效/暂停/撤销/注销/过期", "certificate status"),
    _Column("issued_on", False, "发证日期，如 2025-03-01", "issue date"),
    _Column("expires_on", False, "有效期至（最后有效的一天）", "last day in force"),
    _Column("last_audit_on", False, "最近一次监督审核日期，可不填", "last surveillance audit"),
)
SUPPLY_COLUMNS = (
    _Column("supplier", True, "供应商名称或统一社会信用代码，须在企业台账中", "supplier", 30),
    _Column("customer", True, "客户名称或统一社会信用代码，须在企业台账中", "customer", 30),
    _Column("product", False, "供应的产品", "product"),
    _Column("share", False, "占客户该产品采购的比例，如 40%", "share of the customer's purchases"),
    _Column("annual_value", False, "年采购额，万元", "annual value, 万元"),
)
_LISTS = {
    "size": ("微型", "小型", "中型", "大型"),
    "status": ("有效", "暂停", "撤销", "注销", "过期"),
    "tier": ("链主", "一级供应商", "二级供应商", "三级供应商", "下游客户"),
}
_LISTS_EN = {
    "size": ("micro", "small", "medium", "large"),
    "status": ("valid", "suspended", "withdrawn", "cancelled", "expired"),
    "tier": ("链主", "一级供应商", "二级供应商", "三级供应商", "下游客户"),
}
_ROWS = 2000  # rows the drop-downs cover


def _example_uscc() -> str:
    """A code that passes both check characters, made for the example (no real firm's)."""
    body = "MA1EXMP0"
    first17 = "91320583" + body + org_code_check_character(body)
    return first17 + uscc_check_character(first17)


def _example(lang: str) -> dict[str, object]:
    return {
        "uscc": _example_uscc(),
        "name": "昆山示例精密机械有限公司",
        "region_code": "320583",
        "industry_code": "C3670",
        "employees": "850人",
        "revenue": 32000,
        "assets": 28000,
        "size": "中型" if lang == "zh" else "medium",
        "chain": "新能源汽车产业链",
        "segment": "整车制造",
        "tier": "链主",
        "cert_no": "00125Q12345R0M",
        "body": "中国质量认证中心",
        "status": "有效" if lang == "zh" else "valid",
        "issued_on": "2025-03-01",
        "expires_on": "2028-02-28",
    }


def _heading(table: str, column: _Column, lang: str) -> str:
    if lang == "en":
        return column.name
    names = aliases().columns[table][column.name]
    name = next(n for n in names if not n.isascii())
    unit = {"employees": "（人）", "revenue": "（万元）", "assets": "（万元）"}
    unit["annual_value"] = "（万元）"
    return name + unit.get(column.name, "") + ("*" if column.required else "")


def write_template(out: Path, lang: str = "zh") -> None:
    """Write the ledger template (企业台账, 供应关系, 填表说明) to ``out``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    zh = lang == "zh"
    workbook = Workbook()
    ledger = workbook.active
    ledger.title = "企业台账" if zh else "ledger"
    width = len(LEDGER_COLUMNS)
    ledger.cell(1, 1, "产业链企业质量认证台账" if zh else "Industry-chain QMS certification ledger")
    ledger.cell(1, 1).font = Font(bold=True, size=14)
    ledger.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ledger.cell(2, 1, "填报单位：" if zh else "Reported by:")
    ledger.cell(2, 6, "填报时间：" if zh else "Date:")
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    example = _example(lang)
    lists = _LISTS if zh else _LISTS_EN
    for index, column in enumerate(LEDGER_COLUMNS, start=1):
        cell = ledger.cell(3, index, _heading("ledger", column, lang))
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        value = example.get(column.name)
        if value is not None:
            ledger.cell(4, index, value)
        letter = get_column_letter(index)
        ledger.column_dimensions[letter].width = column.width
        if column.name in lists:
            check = DataValidation(
                type="list",
                formula1='"' + ",".join(lists[column.name]) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请从列表中选择" if zh else "Choose from the list",
                error=("可选：" if zh else "Allowed: ") + "、".join(lists[column.name]),
            )
            check.add(f"{letter}4:{letter}{_ROWS}")
            ledger.add_data_validation(check)
    ledger.freeze_panes = "C4"

    supply = workbook.create_sheet("供应关系" if zh else "supply")
    for index, column in enumerate(SUPPLY_COLUMNS, start=1):
        cell = supply.cell(1, index, _heading("supply", column, lang))
        cell.font = Font(bold=True)
        cell.fill = header_fill
        supply.column_dimensions[get_column_letter(index)].width = column.width
    supply.freeze_panes = "A2"

    notes = workbook.create_sheet("填表说明" if zh else "instructions")
    notes.column_dimensions["A"].width = 26
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 70
    notes.append(["填表说明" if zh else "How to fill in this workbook"])
    notes.append(
        [
            "企业台账每家企业每条产业链填一行；供应关系每行一条供货关系，也可在台账“供应商”列中填写。"
            if zh
            else "One ledger row per firm and chain; supply links in the supply sheet or in the "
            "ledger's suppliers column."
        ]
    )
    notes.append(
        [
            "列" if zh else "column",
            "必填" if zh else "required",
            "填写要求" if zh else "what to write",
        ]
    )
    for table, columns in (("ledger", LEDGER_COLUMNS), ("supply", SUPPLY_COLUMNS)):
        for column in columns:
            notes.append(
                [
                    _heading(table, column, lang).rstrip("*"),
                    ("是" if zh else "yes") if column.required else "",
                    column.zh if zh else column.en,
                ]
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
