"""A city bureau's ledger workbook as people keep it, built by the tests (no file is shipped).

Sheet 企业台账: a merged title row, 填报单位 and 填报时间, a blank row, Chinese headers with units and
a 序号 column, one row per firm and chain with values typed as people type them, the chain's name
merged down its rows, a 合计 row and a note. Sheet 供应关系: links by firm name, shares in percent.
Sheet 填表说明: text only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sample_chain import make_uscc

from chainmap.samples.ledger import LEDGER_HEADERS

LEADER = make_uscc(101)  # 链主: 苏州示例汽车有限公司
BATTERY = make_uscc(102, "320506")  # 一级供应商
MOTOR = make_uscc(103, "320583")  # 一级供应商
CELLS = make_uscc(104, "340100")  # 二级供应商
DEALER = make_uscc(105, "320505")  # 下游客户

HEADERS = list(
    LEDGER_HEADERS
)  # 序号, 统一社会信用代码, 企业名称 ... 有效期至, as the sample ledger
CHAIN = "新能源汽车产业链"


def ledger_rows() -> list[list[Any]]:
    """The firm rows (below the header), spreadsheet rows 6 to 10."""
    return [
        [
            1,
            LEADER,
            "苏州示例汽车有限公司",
            "320505",
            "C3612",
            "1,850人",
            "12.5亿",
            98000,
            CHAIN,
            "整车制造",
            "链主",
            "00124Q10001R1L",
            "中国质量认证中心",
            "有效",
            "2024-03-01",
            "2027-02-28",
        ],
        [
            2,
            BATTERY,
            "苏州示例电池有限公司",
            "320506",
            "C3841",
            420,
            "3.2万",
            "２１０００",
            None,
            "动力电池",
            "一级供应商",
            "00124Q10002R0M",
            "中国质量认证中心",
            "已过期",
            "2020-05-10",
            "2023-05-09",
        ],
        [
            3,
            f"{MOTOR[:4]} {MOTOR[4:10]}-{MOTOR[10:]}",  # typed with a space and a hyphen
            "昆山示例电机有限公司",
            "320583",
            "C3812",
            "85人",
            6800,
            5200,
            None,
            "电驱电机",
            "一级供应商",
            "无",
            None,
            None,
            None,
            None,
        ],
        [
            4,
            CELLS,
            "合肥示例材料有限公司",
            "340100",
            "C2613",
            40,
            1500,
            900,
            None,
            "正极材料",
            "二级供应商",
            "00124Q10004R0S",
            "方圆标志认证集团",
            "暂停使用",
            "2024-06-01",
            "2027-05-31",
        ],
        [
            5,
            DEALER,
            "苏州示例汽车销售有限公司",
            "320505",
            "F5261",
            30,
            9000,
            2000,
            None,
            "销售服务",
            "下游客户",
            "—",
            None,
            None,
            None,
            None,
        ],
    ]


def supply_rows() -> list[list[Any]]:
    """Links by name: spreadsheet rows 3 to 7 of 供应关系."""
    return [
        [1, "苏州示例电池有限公司", "苏州示例汽车有限公司", "动力电池", "60%", 52000],
        [2, "昆山示例电机有限公司", "苏州示例汽车有限公司", "驱动电机", "100%", 18000],
        [3, "合肥示例材料有限公司", "苏州示例电池有限公司", "正极材料", "40 %", 9000],
        [4, "苏州示例汽车有限公司", "苏州示例汽车销售有限公司", "整车", 1, None],
    ]


def write_ledger(
    path: Path,
    rows: list[list[Any]] | None = None,
    headers: list[str] | None = None,
    links: list[list[Any]] | None = None,
    extra_sheet: tuple[str, list[list[Any]]] | None = None,
) -> Path:
    """Write the workbook; ``rows``/``headers``/``links`` replace the defaults."""
    from openpyxl import Workbook

    headers = headers or HEADERS
    rows = ledger_rows() if rows is None else rows
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业台账"
    sheet.cell(1, 1, "苏州市新能源汽车产业链企业质量认证台账")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.cell(2, 1, "填报单位：苏州市市场监督管理局")
    sheet.cell(3, 1, "填报时间：2026年11月")
    # row 4 blank
    for col, name in enumerate(headers, start=1):
        sheet.cell(5, col, name)
    for r, values in enumerate(rows, start=6):
        for col, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(r, col, value)
    if rows and headers is HEADERS:  # the chain's name merged down its rows
        chain_col = headers.index("所属产业链") + 1
        sheet.merge_cells(
            start_row=6, start_column=chain_col, end_row=5 + len(rows), end_column=chain_col
        )
    total = 6 + len(rows)
    sheet.cell(total, 1, "合计")
    sheet.cell(total, 6, 2425)
    sheet.cell(total + 1, 1, "注：链级以链主为起点向上游计；无证书的填“无”。")

    supply = workbook.create_sheet("供应关系")
    supply.append(["供应关系表"])
    supply.append(["序号", "供应商名称", "客户名称", "供应产品", "采购占比", "年采购额（万元）"])
    for link in supply_rows() if links is None else links:
        supply.append(link)

    notes = workbook.create_sheet("填表说明")
    notes.append(["1. 每家企业每条产业链填一行。"])
    notes.append(["2. 无证书的企业证书编号填“无”。"])
    if extra_sheet is not None:
        title, extra = extra_sheet
        other = workbook.create_sheet(title)
        for line in extra:
            other.append(line)
    workbook.save(path)
    return path
