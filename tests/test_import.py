"""Import through the CLI: bad input is reported with file, row and column, exit status 2, and the
store is left exactly as it was; clean input is written once, idempotently, with later data winning."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sample_chain import DEALER, LEADER, TABLES, TIER1_A, TIER1_B, TIER2, make_uscc, write_dataset
from typer.testing import CliRunner

from chainmap.cli import app

runner = CliRunner()
Tables = dict[str, list[list[str]]]


def run(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to compare a store before and after."""
    with sqlite3.connect(db) as con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: sorted(con.execute(f"SELECT * FROM {n}")) for n in names}  # noqa: S608


@pytest.fixture
def store(tmp_path: Path, dataset: Path) -> Path:
    """A store holding the hand-built chain."""
    db = tmp_path / "chain.db"
    result = run("import", dataset, "--store", f"sqlite:///{db}")
    assert result.exit_code == 0, result.output
    return db


def problems(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_import_writes_every_table(store: Path) -> None:
    result = run("stats", "--store", f"sqlite:///{store}", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output) == {
        "enterprises": 5,
        "supply_links": 4,
        "certificates": 3,
        "chains": 1,
        "segments": 5,
        "members": 5,
        "bodies": 1,
    }


def test_reimport_changes_nothing(store: Path, dataset: Path) -> None:
    before = dump(store)
    result = run("import", dataset, "--store", f"sqlite:///{store}")
    assert result.exit_code == 0, result.output
    after = dump(store)
    # only the count of imports moves (caches of computed results compare it)
    assert dict(after.pop("meta"))["generation"] == "2"
    assert dict(before.pop("meta"))["generation"] == "1"
    assert after == before


def test_later_dataset_updates_earlier(
    store: Path, tmp_path: Path, edited: Callable[..., Tables]
) -> None:
    renamed = [list(r) for r in TABLES["enterprises"]]
    renamed[2][1] = "昆山恒达新能源电池有限公司"
    update = write_dataset(
        tmp_path / "update",
        {
            "enterprises": renamed,
            "chains": [
                TABLES["chains"][0],
                ["NEV-T", "新能源汽车产业链", "320500", f"{LEADER};{TIER1_A}"],
            ],
        },
    )
    result = run("import", update, "--store", f"sqlite:///{store}")
    assert result.exit_code == 0, result.output
    rows = dump(store)
    names = {r[0]: r[1] for r in rows["enterprises"]}
    assert names[TIER1_A] == "昆山恒达新能源电池有限公司"
    assert len(rows["enterprises"]) == 5
    assert rows["chain_leaders"] == sorted([("NEV-T", LEADER), ("NEV-T", TIER1_A)])
    assert rows["chains"] == [("NEV-T", "新能源汽车产业链", "320500")]


def test_leaders_are_replaced_not_added(store: Path, tmp_path: Path) -> None:
    update = write_dataset(
        tmp_path / "update",
        {"chains": [TABLES["chains"][0], ["NEV-T", "新能源汽车产业链", "320500", TIER1_B]]},
    )
    assert run("import", update, "--store", f"sqlite:///{store}").exit_code == 0
    assert dump(store)["chain_leaders"] == [("NEV-T", TIER1_B)]


def test_incremental_certificates_resolve_firms_in_the_store(store: Path, tmp_path: Path) -> None:
    later = write_dataset(
        tmp_path / "later",
        {
            "certificates": [
                TABLES["certificates"][0],
                [
                    "00125Q10009R0S",
                    TIER2,
                    "GB/T 19001-2016",
                    "CQC",
                    "有效",
                    "2025-01-02",
                    "2028-01-01",
                    "",
                    "",
                ],
            ]
        },
    )
    result = run("import", later, "--store", f"sqlite:///{store}")
    assert result.exit_code == 0, result.output
    certs = {r[0]: r for r in dump(store)["certificates"]}
    assert certs["00125Q10009R0S"][1] == TIER2
    assert certs["00125Q10009R0S"][2:4] == ("GB/T 19001", "2016")


def _supply_row(*cells: str) -> list[str]:
    return list(cells)


BAD_CASES: list[tuple[str, dict[str, list[list[str]]], str, str, str]] = [
    # (case, replaced tables, file, column, words the message must contain)
    (
        "bad check character",
        {
            "enterprises": [
                *TABLES["enterprises"],
                ["91350203M0001QAY9B", "厦门某公司", "350203", "C3670", "", "", "", "", ""],
            ]
        },
        "enterprises.csv",
        "uscc",
        "expected '9'",
    ),
    (
        "province that does not exist",
        {
            "enterprises": [
                *TABLES["enterprises"],
                [make_uscc(9), "某公司", "990101", "C3670", "", "", "", "", ""],
            ]
        },
        "enterprises.csv",
        "region_code",
        "no province",
    ),
    (
        "section letter contradicting the division",
        {
            "enterprises": [
                *TABLES["enterprises"],
                [make_uscc(9), "某公司", "320583", "A3670", "", "", "", "", ""],
            ]
        },
        "enterprises.csv",
        "industry_code",
        "belongs to section C",
    ),
    (
        "supply from an unknown firm",
        {"supply": [*TABLES["supply"], [make_uscc(77), LEADER, "螺栓", "0.4", ""]]},
        "supply.csv",
        "supplier_uscc",
        "unknown enterprise",
    ),
    (
        "member of an unknown segment",
        {"members": [*TABLES["members"], ["NEV-T", "chips", TIER1_B]]},
        "members.csv",
        "segment_id",
        "unknown segment NEV-T/chips",
    ),
    (
        "certificate of an unknown firm",
        {
            "certificates": [
                *TABLES["certificates"],
                [
                    "X-1",
                    make_uscc(78),
                    "GB/T 19001-2016",
                    "CQC",
                    "有效",
                    "2024-01-01",
                    "2027-01-01",
                    "",
                    "",
                ],
            ]
        },
        "certificates.csv",
        "uscc",
        "unknown enterprise",
    ),
    (
        "conflicting duplicate",
        {
            "enterprises": [
                *TABLES["enterprises"],
                [TIER2, "合肥另一个名字有限公司", "340100", "C2613", "40", "1500", "", "", ""],
            ]
        },
        "enterprises.csv",
        "",
        "duplicate of row 5 with different values",
    ),
    (
        "share above 1",
        {"supply": [*TABLES["supply"], [TIER1_B, TIER1_A, "外壳", "1.2", ""]]},
        "supply.csv",
        "share",
        "at most 1 (100%)",
    ),
    (
        "a firm supplying itself",
        {"supply": [*TABLES["supply"], [TIER1_B, TIER1_B, "外壳", "", ""]]},
        "supply.csv",
        "customer_uscc",
        "cannot supply itself",
    ),
    (
        "certificate expiring before it was issued",
        {
            "certificates": [
                *TABLES["certificates"],
                [
                    "X-2",
                    TIER2,
                    "GB/T 19001-2016",
                    "CQC",
                    "有效",
                    "2024-01-01",
                    "2023-01-01",
                    "",
                    "",
                ],
            ]
        },
        "certificates.csv",
        "expires_on",
        "before issued_on",
    ),
    (
        "unknown certificate status",
        {
            "certificates": [
                *TABLES["certificates"],
                [
                    "X-3",
                    TIER2,
                    "GB/T 19001-2016",
                    "CQC",
                    "好的",
                    "2024-01-01",
                    "2027-01-01",
                    "",
                    "",
                ],
            ]
        },
        "certificates.csv",
        "status",
        "not known",
    ),
    (
        "missing required column",
        {"supply": [["supplier_uscc", "product"], [TIER1_A, "电池"]]},
        "supply.csv",
        "customer_uscc",
        "missing",
    ),
    (
        "row longer than the header",
        {"members": [*TABLES["members"], ["NEV-T", "parts", TIER1_B, "extra"]]},
        "members.csv",
        "",
        "row has 4 cells",
    ),
    (
        "feeding an unknown segment",
        {"segments": [*TABLES["segments"], ["NEV-T", "recycling", "回收", "downstream", "mining"]]},
        "segments.csv",
        "feeds",
        "unknown segment NEV-T/mining",
    ),
]


@pytest.mark.parametrize(
    ("case", "changes", "file", "column", "words"), BAD_CASES, ids=[c[0] for c in BAD_CASES]
)
def test_bad_input_is_reported_and_nothing_is_written(
    store: Path,
    tmp_path: Path,
    edited: Callable[..., Tables],
    case: str,
    changes: Tables,
    file: str,
    column: str,
    words: str,
) -> None:
    bad = write_dataset(tmp_path / "bad", edited(**changes))
    before = dump(store)
    report = tmp_path / "errors.csv"
    result = run(
        "import", bad, "--store", f"sqlite:///{store}", "--errors-out", report, "--lang", "en"
    )
    assert result.exit_code == 2, result.output
    assert "nothing was written" in result.output
    found = [p for p in problems(report) if p["severity"] == "error"]
    assert any(
        p["file"] == file and p["column"] == column and words in p["message"] for p in found
    ), found
    assert all(p["row"] for p in found if p["file"] == file and "more rows" not in p["message"])
    assert dump(store) == before


def test_failed_import_does_not_create_a_store(
    tmp_path: Path, edited: Callable[..., Tables]
) -> None:
    bad = write_dataset(
        tmp_path / "bad", edited(supply=[*TABLES["supply"], [make_uscc(77), LEADER, "", "", ""]])
    )
    db = tmp_path / "new.db"
    result = run("import", bad, "--store", f"sqlite:///{db}")
    assert result.exit_code == 2
    assert not db.exists()


def test_bad_checksum_accepted_on_request_and_flagged(
    store: Path, tmp_path: Path, edited: Callable[..., Tables]
) -> None:
    odd = "91350203M0001QAY9B"
    data = write_dataset(
        tmp_path / "odd",
        edited(
            enterprises=[
                *TABLES["enterprises"],
                [odd, "厦门某公司", "350203", "C3670", "", "", "", "", ""],
            ]
        ),
    )
    report = tmp_path / "warnings.csv"
    result = run(
        "import",
        data,
        "--store",
        f"sqlite:///{store}",
        "--accept-bad-checksum",
        "--errors-out",
        report,
    )
    assert result.exit_code == 0, result.output
    flags = {r[0]: r[-1] for r in dump(store)["enterprises"]}
    assert flags[odd] == "uscc_bad_checksum"
    assert flags[LEADER] == ""
    assert any(p["value"] == odd and p["severity"] == "warning" for p in problems(report))


def test_identical_duplicates_are_dropped(
    store: Path, tmp_path: Path, edited: Callable[..., Tables]
) -> None:
    data = write_dataset(tmp_path / "dup", edited(supply=[*TABLES["supply"], TABLES["supply"][1]]))
    result = run("import", data, "--store", f"sqlite:///{store}")
    assert result.exit_code == 0, result.output
    assert "去掉完全相同的重复行 1 行" in result.output
    assert len(dump(store)["supply"]) == 4


def test_contradicting_size_is_a_warning_and_the_given_size_wins(
    tmp_path: Path, edited: Callable[..., Tables]
) -> None:
    rows = [list(r) for r in TABLES["enterprises"]]
    rows[4][7] = "中型"  # 40 employees and 1500 万元 make a small industrial firm
    data = write_dataset(tmp_path / "size", edited(enterprises=rows))
    db = tmp_path / "s.db"
    report = tmp_path / "warnings.csv"
    result = run(
        "import", data, "--store", f"sqlite:///{db}", "--errors-out", report, "--lang", "en"
    )
    assert result.exit_code == 0, result.output
    warned = problems(report)
    assert [(p["severity"], p["row"], p["column"]) for p in warned] == [("warning", "5", "size")]
    assert "the 2011 standard gives small" in warned[0]["message"]
    sizes = {r[0]: (r[7], r[8]) for r in dump(db)["enterprises"]}
    assert sizes[TIER2] == ("medium", "explicit")
    assert sizes[DEALER] == ("small", "derived")  # retail: 30 staff, 3000 万元
    assert sizes[TIER1_B] == ("micro", "derived")  # 15 staff
    chinese = tmp_path / "warnings-zh.csv"
    run("import", data, "--store", f"sqlite:///{db}", "--errors-out", chinese)
    assert "企业规模填为中型，但按 2011 年划型标准" in problems(chinese)[0]["message"]


def test_a_firm_outside_the_size_standard_gets_no_size_and_a_warning_why(
    tmp_path: Path, edited: Callable[..., Tables]
) -> None:
    bank, railway, estate = make_uscc(81), make_uscc(82), make_uscc(83)
    rows = [
        *TABLES["enterprises"],
        [bank, "昆山农村商业银行股份有限公司", "320583", "J6623", "900", "80000", "", "", ""],
        [railway, "昆山铁路货运有限公司", "320583", "G5320", "120", "5000", "", "", ""],
        [estate, "昆山置业有限公司", "320583", "K7010", "40", "1500", "6000", "", ""],
    ]
    data = write_dataset(tmp_path / "outside", edited(enterprises=rows))
    db = tmp_path / "o.db"
    report = tmp_path / "warnings.csv"
    result = run(
        "import", data, "--store", f"sqlite:///{db}", "--errors-out", report, "--lang", "en"
    )
    assert result.exit_code == 0, result.output
    warned = [p for p in problems(report) if p["column"] == "size"]
    assert [p["row"] for p in warned] == ["7", "8"]  # the bank and the railway
    messages = [p["message"] for p in warned]
    assert "no size derived for industry J6623: finance (J)" in messages[0]
    assert "银发〔2015〕309号" in messages[0]
    assert "no size derived for industry G5320: railway transport" in messages[1]
    sizes = {r[0]: (r[7], r[8]) for r in dump(db)["enterprises"]}
    assert sizes[bank] == (None, None) and sizes[railway] == (None, None)
    assert sizes[estate] == ("medium", "derived")  # 房地产开发经营: 1500 万元, assets 6000 万元


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings_excel_writes_import_the_same(tmp_path: Path, encoding: str) -> None:
    data = write_dataset(tmp_path / encoding, encoding=encoding)
    db = tmp_path / f"{encoding}.db"
    assert run("import", data, "--store", f"sqlite:///{db}").exit_code == 0
    reference = tmp_path / "ref.db"
    assert (
        run(
            "import", write_dataset(tmp_path / "ref"), "--store", f"sqlite:///{reference}"
        ).exit_code
        == 0
    )
    assert dump(db) == dump(reference)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("uscc,name\n".encode("utf-16"), "UTF-16"),
        (
            b"uscc,name,region_code,industry_code\n" + b"\x81\x30\xff\xfe,x,110105,C36\n",
            "neither UTF-8 nor GB18030",
        ),
    ],
)
def test_unreadable_encoding_is_refused(
    tmp_path: Path, store: Path, content: bytes, words: str
) -> None:
    folder = tmp_path / "enc"
    folder.mkdir()
    (folder / "enterprises.csv").write_bytes(content)
    before = dump(store)
    result = run("import", folder, "--store", f"sqlite:///{store}")
    assert result.exit_code == 2
    assert words in result.output
    assert dump(store) == before


def test_xlsx_and_json_import_like_csv(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in TABLES.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            # numbers as Excel keeps them: region codes and counts become numbers
            sheet.append([int(c) if c.isdigit() and len(c) < 10 else c for c in row])
    xlsx = tmp_path / "chain.xlsx"
    workbook.save(xlsx)

    document = {
        name: [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
        for name, rows in TABLES.items()
    }
    json_file = tmp_path / "chain.json"
    json_file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    reference = tmp_path / "ref.db"
    assert (
        run(
            "import", write_dataset(tmp_path / "csv"), "--store", f"sqlite:///{reference}"
        ).exit_code
        == 0
    )
    for source in (xlsx, json_file):
        db = tmp_path / f"{source.suffix[1:]}.db"
        result = run("import", source, "--store", f"sqlite:///{db}")
        assert result.exit_code == 0, result.output
        assert dump(db) == dump(reference)


def test_not_a_dataset(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    result = run("import", tmp_path / "notes.txt", "--store", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.exit_code == 2
    assert "is not a dataset" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("import", empty, "--store", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.exit_code == 2
    assert "holds no chainmap table" in result.output


def test_uscc_typed_with_spaces_hyphens_or_full_width_is_stored_as_one_code(
    tmp_path: Path, edited: Callable[..., Tables]
) -> None:
    spaced = f"{TIER2[:4]} {TIER2[4:8]}-{TIER2[8:]}"
    wide = "".join(chr(ord(c) + 0xFEE0) for c in TIER2)  # full-width digits and letters
    firms = [list(r) for r in TABLES["enterprises"]]
    firms[4][0] = spaced
    supply = [list(r) for r in TABLES["supply"]]
    supply[3][0] = wide  # TIER2 supplies TIER1_A
    data = write_dataset(tmp_path / "typed", edited(enterprises=firms, supply=supply))
    db = tmp_path / "t.db"
    result = run("import", data, "--store", f"sqlite:///{db}")
    assert result.exit_code == 0, result.output
    stored = dump(db)
    assert TIER2 in {r[0] for r in stored["enterprises"]}
    assert (TIER2, TIER1_A) in {(r[0], r[1]) for r in stored["supply"]}
