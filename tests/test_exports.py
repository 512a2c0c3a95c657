"""CSV and XLSX that Excel cannot turn against its user: the writer, and every command through it.

A firm named ``=HYPERLINK("http://x","详情")`` stays text, an all-digit USCC and an industry code
with a leading zero stay text, numbers stay numbers, and each command's CSV or workbook holds
the rows its JSON holds.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sample_chain import LEADER, TABLES, TIER1_A, TIER1_B, TIER2, make_uscc, write_dataset
from typer.testing import CliRunner

from chainmap.analysis import WEAK_LINK_FIELDS, FirmFigures
from chainmap.cli import app
from chainmap.columns import Column, Kind, Table
from chainmap.errors import ConfigError
from chainmap.exports import csv_bytes, neutralise, write_export, xlsx_bytes
from chainmap.ingest.load import import_datasets
from chainmap.reports import (
    BATCH_MEMBERS,
    ROBUSTNESS,
    SEGMENTS,
    STATS,
    WEAK_LINKS,
    WHAT_IF,
    batch_member_rows,
)
from chainmap.store import open_store

runner = CliRunner()
HOSTILE = '=HYPERLINK("http://x","详情")'
DIGITS = make_uscc(105, "340100")  # 913401000000010546: every character a digit
AS_OF = ["--as-of", "2026-11-01"]
OLD_CERT, CERT = "00121Q10003R1S", "0012100031"  # TIER1_B's certificate

TABLE = Table(
    "测试",
    "test",
    (
        Column("uscc", Kind.CODE, "统一社会信用代码", "USCC"),
        Column("name", Kind.TEXT, "企业名称", "name"),
        Column("region_code", Kind.CODE, "行政区划代码", "region code"),
        Column("change", Kind.FLOAT, "变化", "change"),
        Column("firms", Kind.INT, "企业数", "firms"),
        Column("due", Kind.DATE, "截止日", "due", nullable=True),
        Column("reasons", Kind.LIST, "原因", "reasons"),
        Column("single", Kind.BOOL, "独家", "single"),
    ),
)
ROWS = [
    {
        "uscc": DIGITS,
        "name": HOSTILE,
        "region_code": "010101",
        "change": -0.25,
        "firms": -3,
        "due": "2026-12-31",
        "reasons": ["uncertified", "single_source"],
        "single": True,
    },
    {
        "uscc": "91320583MA1XXXXX1X",
        "name": "+86 苏州",
        "region_code": "320583",
        "change": 0.5,
        "firms": 7,
        "due": None,
        "reasons": [],
        "single": False,
    },
]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", "＝1+1", HOSTILE])
def test_text_that_starts_a_formula_is_prefixed(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["苏州电池有限公司", "1-2", "a=b", "", "'=x"])
def test_other_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text


def test_csv_has_a_bom_inert_text_and_plain_numbers() -> None:
    raw = csv_bytes(ROWS, TABLE)
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["name"] == "'" + HOSTILE  # the quotes inside escaped by the csv module
    assert rows[1]["name"] == "'+86 苏州"
    assert rows[0]["uscc"] == DIGITS
    assert rows[0]["reasons"] == "uncertified;single_source"
    # a negative number is a number: written bare, never quoted or prefixed
    line = text.splitlines()[1]
    assert ",-0.25,-3,2026-12-31," in line
    assert '"\'=HYPERLINK(""http://x"",""详情"")"' in line
    assert not csv_bytes(ROWS, TABLE, bom=False).startswith("\ufeff".encode())


def _sheet(data: bytes | Path) -> Any:
    book = load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)
    return book.worksheets[0]


def test_xlsx_text_is_inert_codes_are_text_numbers_are_numbers() -> None:
    sheet = _sheet(xlsx_bytes(ROWS, TABLE))
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == [c.zh for c in TABLE.columns]
    name = sheet["B2"]
    assert name.value == "'" + HOSTILE and name.data_type == "s"
    for cell, value in ((sheet["A2"], DIGITS), (sheet["C2"], "010101")):
        assert cell.value == value
        assert cell.data_type == "s" and cell.number_format == "@"
    assert sheet["D2"].value == -0.25 and sheet["D2"].data_type == "n"
    assert sheet["E2"].value == -3 and sheet["E2"].data_type == "n"
    assert sheet["F2"].value == datetime(2026, 12, 31)
    assert sheet["F3"].value is None
    assert sheet["G2"].value == "uncertified;single_source"
    assert sheet["H2"].value is True
    assert sheet["B3"].value == "'+86 苏州"
    # columns as wide as their text, a Chinese character counting two
    assert sheet.column_dimensions["A"].width >= len("统一社会信用代码") * 2
    assert sheet.column_dimensions["B"].width >= len(HOSTILE)


def test_xlsx_headers_in_english() -> None:
    sheet = _sheet(xlsx_bytes(ROWS, TABLE, lang="en"))
    assert [c.value for c in sheet[1]] == [c.en for c in TABLE.columns]
    assert sheet.title == "test"


def test_a_failed_write_keeps_the_earlier_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "weak.xlsx"
    write_export(out, ROWS, TABLE, "xlsx")
    before = out.read_bytes()

    def refuse(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("chainmap.exports.os.replace", refuse)
    with pytest.raises(ConfigError, match="No space left"):
        write_export(out, ROWS[:1], TABLE, "xlsx")
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["weak.xlsx"]


def test_the_weak_link_record_is_declared_once() -> None:
    """FirmFigures' fields, in order, then what as_dict adds; the CSV columns are its names."""
    added = {"region_name", "industry_name", "explanation_zh", "explanation_en"}
    kinds = {"str": Kind.TEXT, "int": Kind.INT, "float": Kind.FLOAT, "bool": Kind.BOOL}
    kinds |= {"date": Kind.DATE, "tuple[str, ...]": Kind.LIST}
    fields = [c for c in WEAK_LINK_FIELDS if c.name not in added]
    declared = dataclasses.fields(FirmFigures)
    assert [c.name for c in fields] == [f.name for f in declared]
    for column, field in zip(fields, declared, strict=True):
        annotation = str(field.type)
        assert column.nullable == annotation.endswith(" | None"), column.name
        kind = kinds[annotation.removesuffix(" | None")]
        assert column.kind in ({kind, Kind.CODE} if kind is Kind.TEXT else {kind}), column.name
    assert WEAK_LINKS.names == tuple(c.name for c in WEAK_LINK_FIELDS)
    assert {c.name for c in WEAK_LINK_FIELDS} >= added
    assert len({c.zh for c in WEAK_LINK_FIELDS}) == len(WEAK_LINK_FIELDS)


def test_the_api_schema_is_the_record() -> None:
    from chainmap.api.schemas import WeakLink

    assert tuple(WeakLink.model_fields) == WEAK_LINKS.names
    for column in WEAK_LINK_FIELDS:
        assert WeakLink.model_fields[column.name].annotation == column.annotation, column.name
    described = WeakLink.model_json_schema()["properties"]
    assert "江苏省苏州市昆山市" in described["region_name"]["description"]


def test_segment_columns_are_the_segment_record() -> None:
    from chainmap.analysis import SegmentFigures

    assert SEGMENTS.names == SegmentFigures.__slots__


# -- the commands ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample chain with TIER2 named as a formula and given an all-digit USCC, and TIER1_B's
    certificate numbered in digits with leading zeros."""
    folder = tmp_path_factory.mktemp("hostile")
    tables = {
        table: [
            [cell.replace(TIER2, DIGITS).replace(OLD_CERT, CERT) for cell in row] for row in rows
        ]
        for table, rows in TABLES.items()
    }
    for row in tables["enterprises"]:
        if row[0] == DIGITS:
            row[1] = HOSTILE
    write_dataset(folder / "data", tables)
    url = f"sqlite:///{folder / 'chain.db'}"
    import_datasets([folder / "data"], lambda: open_store(url, create=True), workers=1)
    return url


def _run(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def _chain(store: str, command: str, *rest: str) -> list[str]:
    return [command, "--chain", "NEV-T", "--store", store, *rest]


#: each command, the extra arguments it needs, the table it writes and how its JSON becomes rows
COMMANDS: dict[str, tuple[list[str], Table, Callable[[Any], list[dict[str, Any]]]]] = {
    "weak-links": ([*AS_OF], WEAK_LINKS, lambda rows: rows),
    "segments": ([*AS_OF], SEGMENTS, lambda rows: rows),
    "what-if": (["--fail", TIER1_A], WHAT_IF, lambda rows: rows),
    "robustness": (
        [*AS_OF, "--runs", "2", "--points", "4"],
        ROBUSTNESS,
        lambda found: [
            {
                "leader": r["leader"],
                "firms": r["firms"],
                "removed": k,
                "supplied_by_score": a,
                "supplied_random": b,
                "r_index_by_score": r["targeted"]["r_index"],
                "r_index_random": r["random_mean"]["r_index"],
            }
            for r in found
            for k, a, b in zip(
                r["targeted"]["removed"],
                r["targeted"]["supplied"],
                r["random_mean"]["supplied"],
                strict=True,
            )
        ],
    ),
    "joint-cert": ([*AS_OF], BATCH_MEMBERS, batch_member_rows),
}


def _args(store: str, command: str) -> list[str]:
    extra = COMMANDS[command][0]
    return _chain(store, command, *extra)


def _cell(value: Any, column: Column) -> Any:
    """What a workbook cell holds for a JSON value."""
    if value is None:
        return None
    if column.kind is Kind.LIST:
        return neutralise(";".join(value))
    if column.kind is Kind.DATE:
        return datetime.combine(date.fromisoformat(value), datetime.min.time())
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, float):  # a workbook keeps 15 to 17 significant digits, as Excel does
        return pytest.approx(value, rel=1e-14)
    return value


@pytest.mark.parametrize("command", [*COMMANDS, "stats"])
def test_xlsx_holds_the_rows_of_the_json(hostile_store: str, command: str, tmp_path: Path) -> None:
    if command == "stats":
        args, table = ["stats", "--store", hostile_store], STATS
        counts = json.loads(_run(*args, "--format", "json").stdout)
        rows = [{"what": k, "count": v} for k, v in counts.items()]
    else:
        args = _args(hostile_store, command)
        _, table, flatten = COMMANDS[command]
        rows = flatten(json.loads(_run(*args, "--format", "json").stdout))
    assert rows
    out = tmp_path / f"{command}.xlsx"
    _run(*args, "--format", "xlsx", "--out", str(out), "--lang", "en")
    sheet = _sheet(out)
    assert sheet.freeze_panes == "A2"
    lines = list(sheet.iter_rows(values_only=True))
    assert list(lines[0]) == [c.en for c in table.columns]
    assert len(lines) == len(rows) + 1
    for line, row in zip(lines[1:], rows, strict=True):
        for value, column in zip(line, table.columns, strict=True):
            assert value == _cell(row.get(column.name), column), (column.name, row)
    # and the CSV has the same rows, as text
    raw = runner.invoke(app, [*args, "--format", "csv"]).stdout_bytes
    assert raw.startswith("\ufeff".encode())
    assert len(list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))) == len(rows)


def test_a_hostile_name_comes_out_inert(hostile_store: str, tmp_path: Path) -> None:
    args = _args(hostile_store, "weak-links")
    listed = json.loads(_run(*args, "--format", "json").stdout)
    assert HOSTILE in [r["name"] for r in listed]  # JSON keeps the name as it is
    text = _run(*args, "--format", "csv").stdout_bytes.decode("utf-8-sig")
    by = {r["uscc"]: r for r in csv.DictReader(io.StringIO(text))}
    assert by[DIGITS]["name"] == "'" + HOSTILE
    out = tmp_path / "weak.xlsx"
    _run(*args, "--format", "xlsx", "--out", str(out))
    sheet = _sheet(out)
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["链主统一社会信用代码", "统一社会信用代码", "企业名称"]
    cells = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    firm = cells[DIGITS]
    uscc, name = firm[1], firm[2]
    assert uscc.data_type == "s" and uscc.number_format == "@"
    assert name.value == "'" + HOSTILE and name.data_type == "s"
    certificate = cells[TIER1_B][header.index("证书编号")]
    assert certificate.value == CERT and certificate.number_format == "@"
    score = firm[header.index("薄弱评分")]
    assert isinstance(score.value, float) and score.data_type == "n"
    assert firm[0].value == LEADER


@pytest.mark.parametrize("command", [*COMMANDS, "stats"])
def test_xlsx_without_out_is_refused(hostile_store: str, command: str) -> None:
    args = (
        ["stats", "--store", hostile_store] if command == "stats" else _args(hostile_store, command)
    )
    result = runner.invoke(app, [*args, "--format", "xlsx"])
    assert result.exit_code == 2
    assert "--out" in result.output and "xlsx" in result.output


def test_robustness_draws_with_a_png_out_and_writes_with_another(
    hostile_store: str, tmp_path: Path
) -> None:
    args = _args(hostile_store, "robustness")
    refused = runner.invoke(app, [*args, "--format", "xlsx", "--out", str(tmp_path / "c.png")])
    assert refused.exit_code == 2
    listed = _run(*args, "--format", "csv", "--out", str(tmp_path / "c.csv"))
    assert (tmp_path / "c.csv").read_bytes().startswith("\ufeff".encode())
    assert listed.stdout == ""


def test_joint_cert_writes_its_file(hostile_store: str, tmp_path: Path) -> None:
    args = _args(hostile_store, "joint-cert")
    for format in ("csv", "json"):
        out = tmp_path / f"batches.{format}"
        result = _run(*args, "--format", format, "--out", str(out))
        assert "wrote" in result.stderr and out.name in result.stderr
        assert result.stdout == ""
    rows = list(csv.DictReader(io.StringIO((tmp_path / "batches.csv").read_text("utf-8-sig"))))
    batches = json.loads((tmp_path / "batches.json").read_text("utf-8"))
    assert [r["uscc"] for r in rows] == [m["uscc"] for m in batch_member_rows(batches)]
    assert "'" + HOSTILE in [r["name"] for r in rows]


def test_the_out_file_name_chooses_the_format(hostile_store: str, tmp_path: Path) -> None:
    args = _args(hostile_store, "segments")
    out = tmp_path / "环节.xlsx"
    assert _run(*args, "--out", str(out)).stdout == ""  # no --format: the name says xlsx
    assert _sheet(out)["A1"].value == "环节代码"
    mismatch = runner.invoke(app, [*args, "--format", "csv", "--out", str(tmp_path / "a.xlsx")])
    assert mismatch.exit_code == 2
    assert "a.xlsx ends in .xlsx, but --format is csv" in " ".join(mismatch.output.split())
