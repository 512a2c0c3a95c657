"""A bureau's own workbook goes in as it is: title rows, Chinese headers with units, 合计 rows,
one row per firm (the 台账) with its chain, segment, tier and certificate, a supply sheet naming
firms by name. Problems name the sheet, the row and the column as the workbook heads it, in
Chinese by default, and nothing is written when anything is wrong."""

from __future__ import annotations

import csv
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from ledger_book import (
    BATTERY,
    CELLS,
    CHAIN,
    DEALER,
    HEADERS,
    LEADER,
    MOTOR,
    ledger_rows,
    write_ledger,
)
from typer.testing import CliRunner

from chainmap.cli import app
from chainmap.records import FirmQuery
from chainmap.store import open_store

runner = CliRunner()


def run(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    if not db.exists():
        return {}
    with sqlite3.connect(db) as con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: sorted(con.execute(f"SELECT * FROM {n}")) for n in names}  # noqa: S608


def problems(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def revenue_of(db: Path, uscc: str) -> float:
    with sqlite3.connect(db) as con:
        (revenue,) = con.execute(
            "SELECT revenue FROM enterprises WHERE uscc = ?", (uscc,)
        ).fetchone()
    return float(revenue)


def import_into(url: str, *args: str | Path) -> Any:
    return run("import", *args, "--store", url)


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return write_ledger(tmp_path / "苏州市认证台账.xlsx")


def test_a_messy_ledger_imports_as_it_is(store_url: str, ledger: Path, tmp_path: Path) -> None:
    report = tmp_path / "warnings.csv"
    result = import_into(store_url, ledger, "--errors-out", report)
    assert result.exit_code == 0, result.output
    with open_store(store_url) as store:
        counts = store.stats()
        chains = store.chains()
        graph = store.chain(chains[0].chain_id)
    assert [(c.chain_id, c.name) for c in chains] == [(CHAIN, CHAIN)]
    assert {r.uscc for r in graph.leaders} == {LEADER}
    firms = {f.uscc: f for f in graph.enterprises}
    assert set(firms) == {LEADER, BATTERY, MOTOR, CELLS, DEALER}
    # 1,850人 -> 1850; 12.5亿 -> 125000 万元; ２１０００ -> 21000; 3.2万 -> 3.2 万元; 85人 -> 85
    assert (firms[LEADER].employees, firms[LEADER].revenue) == (1850, 125000)
    assert (firms[BATTERY].revenue, firms[BATTERY].assets) == (3.2, 21000)
    assert firms[MOTOR].employees == 85
    # 无 and — are no certificate; 已过期 and 暂停使用 are read as the registry's words
    status = {c.uscc: c.status for c in graph.certificates}
    assert status == {LEADER: "valid", BATTERY: "expired", CELLS: "suspended"}
    assert counts["certificates"] == 3
    # links named by firm name, shares in percent
    shares = {(s.supplier, s.customer): s.share for s in graph.supply}
    assert shares == {
        (BATTERY, LEADER): 0.6,
        (MOTOR, LEADER): 1.0,
        (CELLS, BATTERY): 0.4,
        (LEADER, DEALER): 1.0,
    }
    # segments from their names, stage from the tiers, feeds from the links
    stages = {s.name: s.stage for s in graph.segments}
    assert stages == {
        "整车制造": "downstream",
        "动力电池": "midstream",
        "电驱电机": "midstream",
        "正极材料": "upstream",
        "销售服务": "downstream",
    }
    feeds = {(f.from_segment, f.to_segment) for f in graph.feeds}
    assert feeds == {
        ("动力电池", "整车制造"),
        ("电驱电机", "整车制造"),
        ("正极材料", "动力电池"),
        ("整车制造", "销售服务"),
    }
    # the chain's name merged down its rows counts for every row
    assert {m.uscc for m in graph.members} == set(firms)
    warned = problems(report)
    assert {"ledger_totals", "ledger_note", "ignored_sheet"} <= {_kind(p) for p in warned}
    assert not [p for p in warned if p["severity"] == "error"]


def _kind(problem: dict[str, str]) -> str:
    if problem["message"] == "合计行，已跳过":
        return "ledger_totals"
    if problem["message"] == "表格下方的说明，已跳过":
        return "ledger_note"
    if problem["message"] == "不含数据表，已忽略" and problem["file"].endswith("[填表说明]"):
        return "ignored_sheet"
    return "other"


def test_the_same_ledger_again_changes_nothing(tmp_path: Path, ledger: Path) -> None:
    db = tmp_path / "chain.db"
    assert import_into(f"sqlite:///{db}", ledger).exit_code == 0
    before = dump(db)
    again = import_into(f"sqlite:///{db}", ledger)
    assert again.exit_code == 0, again.output
    after = dump(db)
    before.pop("meta", None), after.pop("meta", None)  # the store's generation counts imports
    assert after == before


def test_a_bad_code_is_reported_by_sheet_row_and_chinese_column(tmp_path: Path) -> None:
    rows = ledger_rows()
    rows[3][4] = "C9999"  # row 9: an industry code that does not exist
    rows[2][3] = "3205"  # row 8: a region code of four digits
    book = write_ledger(tmp_path / "bad.xlsx", rows)
    db = tmp_path / "chain.db"
    report = tmp_path / "problems.csv"
    result = import_into(f"sqlite:///{db}", book, "--errors-out", report)
    assert result.exit_code == 2, result.output
    assert "未写入任何数据" in result.output
    errors = [p for p in problems(report) if p["severity"] == "error"]
    where = {(p["file"], p["row"], p["column"], p["value"]) for p in errors}
    assert ("bad.xlsx[企业台账]", "8", "所属区划", "3205") in where
    assert ("bad.xlsx[企业台账]", "9", "行业代码", "C9999") in where
    assert all(not p["message"].isascii() for p in errors), errors
    assert not db.exists() or dump(db).get("enterprises", []) == []


def test_problems_come_in_english_on_request_and_never_in_pydantic_words(tmp_path: Path) -> None:
    rows = ledger_rows()
    rows[0][5] = "很多"  # employees
    rows[1][6] = "三百万"  # revenue
    rows[3][14] = "去年"  # issue date
    book = write_ledger(tmp_path / "bad.xlsx", rows)
    for lang, marker in (("zh", "请写成"), ("en", "e.g.")):
        report = tmp_path / f"problems-{lang}.csv"
        result = import_into(
            f"sqlite:///{tmp_path / 'x.db'}", book, "--errors-out", report, "--lang", lang
        )
        assert result.exit_code == 2
        found = {p["column"]: p for p in problems(report) if p["severity"] == "error"}
        assert {"从业人员（人）", "营业收入（万元）", "发证日期"} <= set(found), found
        assert found["从业人员（人）"]["value"] == "很多"
        for problem in found.values():
            text = problem["message"]
            assert "Input should" not in text and "could not convert" not in text, text
        for column in ("从业人员（人）", "营业收入（万元）", "发证日期"):
            assert marker in found[column]["message"], found[column]


def test_a_rejected_firm_is_named_once_where_other_rows_refer_to_it(tmp_path: Path) -> None:
    rows = ledger_rows()
    rows[1][3] = "999999"  # the battery maker's region does not exist: its row is rejected
    book = write_ledger(tmp_path / "bad.xlsx", rows)
    report = tmp_path / "problems.csv"
    result = import_into(f"sqlite:///{tmp_path / 'x.db'}", book, "--errors-out", report)
    assert result.exit_code == 2
    errors = [p for p in problems(report) if p["severity"] == "error"]
    assert [p["row"] for p in errors if p["column"] == "所属区划"] == ["7"]
    mentions = [p for p in errors if BATTERY in p["value"] and p["column"] != "所属区划"]
    assert mentions, errors
    assert all("第 7 行未通过校验" in p["message"] for p in mentions), mentions
    assert not [p for p in errors if "不存在：本次导入和库中都没有" in p["message"]]
    # once per table that names it (members, supply, certificates), not once per row
    assert len(mentions) == len({p["file"] + p["message"][:12] for p in mentions})


def test_a_column_holding_data_that_maps_to_nothing_is_an_error(tmp_path: Path) -> None:
    headers = [*HEADERS, "联系人电话"]
    rows = [[*row, "0512-1234567"] for row in ledger_rows()]
    book = write_ledger(tmp_path / "extra.xlsx", rows, headers)
    db = tmp_path / "x.db"
    report = tmp_path / "problems.csv"
    result = import_into(f"sqlite:///{db}", book, "--errors-out", report)
    assert result.exit_code == 2
    (lost,) = [p for p in problems(report) if p["column"] == "联系人电话"]
    assert (lost["severity"], lost["row"], lost["value"]) == ("error", "6", "0512-1234567")
    assert "--ignore-column 联系人电话" in lost["message"]
    assert not db.exists() or not dump(db).get("enterprises")
    kept = import_into(f"sqlite:///{db}", book, "--ignore-column", "联系人电话")
    assert kept.exit_code == 0, kept.output


def test_a_mapping_file_names_a_bureaus_own_columns(tmp_path: Path) -> None:
    headers = ["序号", "企业统一编码", *HEADERS[2:]]
    book = write_ledger(tmp_path / "own.xlsx", ledger_rows(), headers)
    db = tmp_path / "x.db"
    refused = import_into(f"sqlite:///{db}", book)
    assert refused.exit_code == 2
    mapping = tmp_path / "映射.toml"
    mapping.write_text('[columns]\n"企业统一编码" = "uscc"\n', encoding="utf-8")
    result = import_into(f"sqlite:///{db}", book, "--mapping", mapping)
    assert result.exit_code == 0, result.output
    with open_store(f"sqlite:///{db}") as store:
        assert store.stats()["enterprises"] == 5
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[columns]\n"企业统一编码" = "usc"\n', encoding="utf-8")
    bad = import_into(f"sqlite:///{db}", book, "--mapping", wrong)
    assert bad.exit_code == 2 and "names no chainmap column" in bad.output


def test_a_sheet_that_looks_like_a_table_but_maps_to_nothing_is_an_error(tmp_path: Path) -> None:
    lines: list[list[Any]] = [["日期", "培训主题", "人数"], ["2026-05-01", "质量管理体系", 30]]
    extra = ("培训记录", lines * 2)
    book = write_ledger(tmp_path / "more.xlsx", extra_sheet=extra)
    db = tmp_path / "x.db"
    report = tmp_path / "problems.csv"
    result = import_into(f"sqlite:///{db}", book, "--errors-out", report)
    assert result.exit_code == 2
    (lost,) = [p for p in problems(report) if p["file"] == "more.xlsx[培训记录]"]
    assert lost["severity"] == "error" and "--ignore-sheet" in lost["message"]
    assert import_into(f"sqlite:///{db}", book, "--ignore-sheet", "培训记录").exit_code == 0


def test_a_dry_run_says_what_would_be_written_and_writes_nothing(tmp_path: Path) -> None:
    book = write_ledger(tmp_path / "book.xlsx")
    db = tmp_path / "x.db"
    result = import_into(f"sqlite:///{db}", book, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "试运行" in result.output
    assert re.search(r"企业 \(enterprises\)\s*│\s*5 │", result.output), result.output
    assert re.search(r"认证证书 \(certificates\)\s*│\s*3 │", result.output), result.output
    assert not db.exists()


def test_a_chain_without_a_leader_is_refused(tmp_path: Path) -> None:
    rows = ledger_rows()
    rows[0][10] = "一级供应商"
    book = write_ledger(tmp_path / "headless.xlsx", rows)
    report = tmp_path / "problems.csv"
    result = import_into(f"sqlite:///{tmp_path / 'x.db'}", book, "--errors-out", report)
    assert result.exit_code == 2
    errors = [p for p in problems(report) if p["severity"] == "error"]
    assert any("没有链主" in p["message"] and p["row"] == "6" for p in errors), errors


def test_headers_in_yuan_are_converted_to_wan_yuan(tmp_path: Path) -> None:
    headers = [h.replace("营业收入（万元）", "营业收入（元）") for h in HEADERS]
    rows = ledger_rows()
    rows[2][6] = 68_000_000  # 元
    book = write_ledger(tmp_path / "yuan.xlsx", rows, headers)
    db = tmp_path / "x.db"
    result = import_into(f"sqlite:///{db}", book)
    assert result.exit_code == 0, result.output
    assert revenue_of(db, MOTOR) == 6800


def test_a_unit_that_does_not_fit_its_column_is_an_error(tmp_path: Path) -> None:
    headers = [h.replace("从业人员（人）", "从业人员（万元）") for h in HEADERS]
    book = write_ledger(tmp_path / "unit.xlsx", ledger_rows(), headers)
    report = tmp_path / "problems.csv"
    result = import_into(f"sqlite:///{tmp_path / 'x.db'}", book, "--errors-out", report)
    assert result.exit_code == 2
    assert any(p["column"] == "从业人员（万元）" for p in problems(report))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_template_imports_as_it_is(tmp_path: Path, lang: str) -> None:
    from openpyxl import load_workbook

    book = tmp_path / ("模板.xlsx" if lang == "zh" else "template.xlsx")
    assert run("template", "--lang", lang, "--out", book).exit_code == 0
    workbook = load_workbook(book)
    ledger = workbook.worksheets[0]
    lists = {v.formula1 for v in ledger.data_validations.dataValidation}
    assert any("链主" in f for f in lists)
    assert any(("有效" if lang == "zh" else "valid") in f for f in lists)
    assert len(workbook.sheetnames) == 3
    db = tmp_path / "x.db"
    result = import_into(f"sqlite:///{db}", book)
    assert result.exit_code == 0, result.output
    with open_store(f"sqlite:///{db}") as store:
        counts = store.stats()
    assert (counts["enterprises"], counts["chains"], counts["certificates"]) == (1, 1, 1)


def test_csv_files_with_chinese_names_and_headers(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    with (folder / "企业名录.csv").open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["统一社会信用代码", "企业名称", "行政区划代码", "国民经济行业代码", "从业人数"]
        )
        writer.writerow([LEADER, "苏州示例汽车有限公司", "320505", "C3612", "1850人"])
        writer.writerow(["合计", "", "", "", "1850"])
    db = tmp_path / "x.db"
    result = import_into(f"sqlite:///{db}", folder)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT uscc, employees FROM enterprises").fetchall() == [(LEADER, 1850)]


def test_a_retired_region_code_is_stored_under_its_successor_keeping_the_original(
    store_url: str, tmp_path: Path
) -> None:
    rows = ledger_rows()
    rows[2][3] = "371202"  # 莱城区, part of 莱芜市 until 2019: now 济南市莱芜区 370116
    book = write_ledger(tmp_path / "old.xlsx", rows)
    report = tmp_path / "warnings.csv"
    result = import_into(store_url, book, "--errors-out", report)
    assert result.exit_code == 0, result.output
    (warned,) = [p for p in problems(report) if p["value"] == "371202"]
    assert (warned["severity"], warned["row"], warned["column"]) == ("warning", "8", "所属区划")
    assert "370116" in warned["message"] and "已撤销" in warned["message"]
    with open_store(store_url) as store:
        found, _ = store.search_enterprises(FirmQuery(text=MOTOR))
    (motor,) = found
    assert motor.region_code == "370116"
    assert "region_retired:371202" in motor.flags.split(";")


def test_the_documented_ledger_names_are_the_ones_read() -> None:
    """docs/data-format.md's ledger table: every name it gives heads the column it says."""
    from chainmap.ingest.aliases import aliases

    doc = (Path(__file__).parent.parent / "docs" / "data-format.md").read_text(encoding="utf-8")
    section = doc.split("**The ledger**")[1].split("From the ledger")[0]
    checked = 0
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        columns = re.findall(r"`(\w+)`", cells[0])
        names = [n.strip() for n in re.split(r"[,;]", cells[1]) if n.strip()]
        for name in names:
            assert aliases().column("ledger", name) in columns, (name, columns)
            checked += 1
    assert checked >= 40


def test_a_name_two_firms_bear_must_be_given_as_a_code(tmp_path: Path) -> None:
    rows = ledger_rows()
    rows[2][2] = "苏州示例电池有限公司"  # the motor maker now bears the battery maker's name
    book = write_ledger(tmp_path / "twins.xlsx", rows)
    report = tmp_path / "problems.csv"
    result = import_into(f"sqlite:///{tmp_path / 'x.db'}", book, "--errors-out", report)
    assert result.exit_code == 2
    errors = [p for p in problems(report) if p["severity"] == "error"]
    assert {(p["file"], p["row"], p["column"]) for p in errors} >= {
        ("twins.xlsx[供应关系]", "3", "供应商名称"),
        ("twins.xlsx[供应关系]", "5", "客户名称"),
    }
    twins = [p for p in errors if p["value"] == "苏州示例电池有限公司"]
    assert len(twins) == 2 and all("请改填统一社会信用代码" in p["message"] for p in twins)
    (gone,) = [p for p in errors if p["value"] == "昆山示例电机有限公司"]
    assert "不是本表中的企业" in gone["message"]


def test_headers_with_line_breaks_remarks_and_marks_are_read(tmp_path: Path) -> None:
    headers = list(HEADERS)
    headers[1] = "*统一社会信用代码\n（18位）"
    headers[5] = "从业人员\n(人)"
    headers[6] = "营业收入/百万元"
    headers[14] = "发证日期\n（yyyy-mm-dd）"
    headers[13] = "证书状态（有效/暂停/撤销/注销/过期）"
    rows = ledger_rows()
    rows[2][6] = 68  # 百万元
    book = write_ledger(tmp_path / "wps.xlsx", rows, headers)
    db = tmp_path / "x.db"
    result = import_into(f"sqlite:///{db}", book)
    assert result.exit_code == 0, result.output
    assert revenue_of(db, MOTOR) == 6800


def test_a_currency_in_a_header_is_refused_not_taken_for_wan_yuan(tmp_path: Path) -> None:
    headers = [h.replace("营业收入（万元）", "营业收入（美元）") for h in HEADERS]
    book = write_ledger(tmp_path / "usd.xlsx", ledger_rows(), headers)
    report = tmp_path / "problems.csv"
    result = import_into(f"sqlite:///{tmp_path / 'x.db'}", book, "--errors-out", report)
    assert result.exit_code == 2
    (refused,) = [p for p in problems(report) if p["column"] == "营业收入（美元）"]
    assert refused["severity"] == "error" and "万元" in refused["message"]


_PYDANTIC_WORDS = ("Input should", "Field required", "validation error", "type=", "Value error")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_bad_value_is_reported_in_pydantics_words(tmp_path: Path, lang: str) -> None:
    garbage = [
        "abc",
        "-5",
        "1e999",
        "nan",
        "１２３４５６７８９０１２３４５６７８９０",
        "x" * 210,
        "50%%",
        "是",
    ]
    rows = []
    for number, junk in enumerate(garbage):
        row = ledger_rows()[number % 5]
        row = [junk if col in (3, 4, 5, 6, 7, 10, 13, 14, 15) else v for col, v in enumerate(row)]
        row[2] = junk if number % 2 else row[2]
        rows.append(row)
    book = write_ledger(tmp_path / "junk.xlsx", rows)
    report = tmp_path / "problems.csv"
    result = import_into(
        f"sqlite:///{tmp_path / 'x.db'}", book, "--errors-out", report, "--lang", lang
    )
    assert result.exit_code == 2
    found = problems(report)
    assert len([p for p in found if p["severity"] == "error"]) >= len(garbage)
    for problem in found:
        assert not any(w in problem["message"] for w in _PYDANTIC_WORDS), problem
        assert not problem["value"].startswith(("{", "[", "(")), problem


def test_an_excel_97_2003_workbook_is_read_too(tmp_path: Path) -> None:
    import xlwt  # writes .xls, as old Excel and WPS installations still save

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("企业台账")
    sheet.write_merge(0, 0, 0, len(HEADERS) - 1, "苏州市认证台账")
    for col, name in enumerate(HEADERS):
        sheet.write(2, col, name)
    rows = ledger_rows()
    chain_col = HEADERS.index("所属产业链")
    for r, row in enumerate(rows, start=3):
        for col, value in enumerate(row):
            if value is not None and col != chain_col:
                sheet.write(r, col, value)
    sheet.write_merge(3, 2 + len(rows), chain_col, chain_col, CHAIN)  # merged down the rows
    path = tmp_path / "old.xls"
    book.save(str(path))
    db = tmp_path / "x.db"
    result = import_into(f"sqlite:///{db}", path)
    assert result.exit_code == 0, result.output
    with open_store(f"sqlite:///{db}") as store:
        counts = store.stats()
    assert (counts["enterprises"], counts["chains"], counts["certificates"]) == (5, 1, 3)
    assert counts["members"] == 5  # every row got the merged chain name


def test_a_generated_dataset_written_as_a_ledger_imports_to_the_same_firms_and_links(
    tmp_path: Path,
) -> None:
    from chainmap.samples import generate_dataset
    from chainmap.samples.ledger import write_ledger_workbook

    data = tmp_path / "data"
    generate_dataset(data, enterprises=600, chains=3, seed=5)
    book = tmp_path / "台账示例.xlsx"
    rows = write_ledger_workbook(data, book, seed=5)
    from_csv, from_ledger = tmp_path / "csv.db", tmp_path / "ledger.db"
    assert import_into(f"sqlite:///{from_csv}", data).exit_code == 0
    result = import_into(f"sqlite:///{from_ledger}", book)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(from_csv) as a, sqlite3.connect(from_ledger) as b:
        for sql in (
            "SELECT uscc, name, region_code, industry_code, employees, revenue, assets"
            " FROM enterprises",
            "SELECT supplier, customer, product, share, annual_value FROM supply",
        ):
            assert sorted(a.execute(sql)) == sorted(b.execute(sql)), sql
        (members,) = b.execute("SELECT count(*) FROM members").fetchone()
        (chains,) = b.execute("SELECT count(*) FROM chains").fetchone()
    assert (members, chains) == (rows, 3)


def test_the_problems_file_cannot_run_a_formula_copied_from_the_data(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    hostile = '=HYPERLINK("http://example.invalid","详情")'
    with (folder / "企业名录.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["统一社会信用代码", "企业名称", "行政区划代码", "行业代码"])
        writer.writerow([LEADER, "苏州示例汽车有限公司", hostile, "C3612"])
    report = tmp_path / "problems.csv"
    result = import_into(f"sqlite:///{tmp_path / 'x.db'}", folder, "--errors-out", report)
    assert result.exit_code == 2
    (bad,) = [p for p in problems(report) if p["column"] == "行政区划代码"]
    assert bad["value"] == "'" + hostile


def test_json_nested_too_deeply_is_refused_with_a_message(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = import_into(f"sqlite:///{tmp_path / 'x.db'}", deep)
    assert result.exit_code == 2
    assert "nests arrays or objects too deeply" in result.output
    assert not (tmp_path / "x.db").exists()
