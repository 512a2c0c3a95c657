"""A small hand-built chain whose every figure is known, and a writer for datasets."""

from __future__ import annotations

import csv
from pathlib import Path

from chainmap.rules import org_code_check_character, uscc_check_character


def make_uscc(n: int, region: str = "320583") -> str:
    """A valid USCC for firm number ``n`` (both check characters computed)."""
    body = f"{n:08d}"
    first17 = "91" + region + body + org_code_check_character(body)
    return first17 + uscc_check_character(first17)


LEADER = make_uscc(1)
TIER1_A = make_uscc(2)
TIER1_B = make_uscc(3, "320500")
TIER2 = make_uscc(4, "340100")
DEALER = make_uscc(5, "110105")

TABLES: dict[str, list[list[str]]] = {
    "enterprises": [
        [
            "uscc",
            "name",
            "region_code",
            "industry_code",
            "employees",
            "revenue",
            "assets",
            "size",
            "maturity",
        ],
        [
            LEADER,
            "昆山整车制造股份有限公司",
            "320583",
            "C3611",
            "5000",
            "900000",
            "800000",
            "",
            "4",
        ],
        [TIER1_A, "昆山恒达电池有限公司", "320583", "C3841", "120", "8000", "5000", "", "3"],
        [TIER1_B, "苏州精工汽车零部件有限公司", "320500", "3670", "15", "200", "", "", "2"],
        [TIER2, "合肥锂源材料有限公司", "340100", "C2613", "40", "1500", "", "小型", ""],
        [DEALER, "北京朝阳汽车销售服务有限公司", "110105", "F5261", "30", "3000", "", "", "1"],
    ],
    "chains": [
        ["chain_id", "name", "region_code", "leaders"],
        ["NEV-T", "新能源汽车产业链（测试）", "320500", LEADER],
    ],
    "segments": [
        ["chain_id", "segment_id", "name", "stage", "feeds"],
        ["NEV-T", "materials", "锂电材料", "upstream", "cells"],
        ["NEV-T", "cells", "动力电池", "midstream", "assembly"],
        ["NEV-T", "parts", "汽车零部件", "midstream", "assembly"],
        ["NEV-T", "assembly", "整车制造", "midstream", "sales"],
        ["NEV-T", "sales", "销售与售后", "downstream", ""],
    ],
    "members": [
        ["chain_id", "segment_id", "uscc"],
        ["NEV-T", "assembly", LEADER],
        ["NEV-T", "cells", TIER1_A],
        ["NEV-T", "parts", TIER1_B],
        ["NEV-T", "materials", TIER2],
        ["NEV-T", "sales", DEALER],
    ],
    "supply": [
        ["supplier_uscc", "customer_uscc", "product", "share", "annual_value"],
        [TIER1_A, LEADER, "动力电池", "1", "50000"],
        [TIER1_B, LEADER, "座椅", "0.6", "3000"],
        [TIER2, TIER1_A, "正极材料", "1", "8000"],
        [LEADER, DEALER, "整车", "1", "20000"],
    ],
    "certificates": [
        [
            "cert_no",
            "uscc",
            "standard",
            "body",
            "status",
            "issued_on",
            "expires_on",
            "scope",
            "grade",
        ],
        [
            "00124Q10001R0M",
            LEADER,
            "GB/T 19001-2016",
            "CQC",
            "有效",
            "2024-03-01",
            "2027-02-28",
            "整车制造",
            "",
        ],
        [
            "00124Q10002R0S",
            TIER1_A,
            "ISO 9001:2015",
            "中国质量认证中心",
            "valid",
            "2023-12-01",
            "2026-11-30",
            "",
            "",
        ],
        [
            "00121Q10003R1S",
            TIER1_B,
            "GB/T 19001-2016",
            "CQC",
            "暂停",
            "2021-05-01",
            "2024-04-30",
            "",
            "",
        ],
    ],
    "bodies": [
        ["body_id", "name", "approval_no"],
        ["CQC", "中国质量认证中心", "CNCA-R-2002-001"],
    ],
}


def write_dataset(
    folder: Path,
    tables: dict[str, list[list[str]]] | None = None,
    encoding: str = "utf-8",
) -> Path:
    """Write ``tables`` (default: the hand-built chain) as CSV files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (tables if tables is not None else TABLES).items():
        with (folder / f"{name}.csv").open("w", encoding=encoding, newline="") as out:
            csv.writer(out).writerows(rows)
    return folder
