"""The plan as DOCX and XLSX: what the files hold read back, formulas and codes guarded,
deterministic bytes, and LibreOffice converting both to PDF."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from api_world import L1, L2, TREE, World
from api_world import world as world  # the fixture
from openpyxl import load_workbook
from sample_chain import write_dataset
from test_plan_decision import plan_of
from typer.testing import CliRunner

from chainmap.cli import app
from chainmap.ingest.load import import_datasets
from chainmap.plans import load_measures
from chainmap.plans.joint import Batch
from chainmap.plans.office import DOCX_MEDIA, XLSX_MEDIA, plan_docx, plan_xlsx
from chainmap.plans.plan import ChainPlan
from chainmap.store import open_store

TRAP = '=HYPERLINK("x","y")'


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> ChainPlan:
    folder = tmp_path_factory.mktemp("office")
    built = plan_of(write_dataset(folder / "data"), folder)
    # a firm whose name would be a formula, in the first batch
    first = built.batches[0]
    trapped = (replace(first.members[0], name=TRAP), *first.members[1:])
    built.batches = [Batch(first.group, trapped, first.body_id), *built.batches[1:]]
    return built


def _texts(data: bytes) -> tuple[list[str], list[str]]:
    from docx import Document

    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return paragraphs, cells


def test_the_docx_holds_the_headings_the_decision_and_a_picture_per_chart(plan: ChainPlan) -> None:
    from docx import Document

    data = plan_docx(plan, load_measures(), "zh")
    paragraphs, cells = _texts(data)
    for heading in (
        "决策摘要",
        "主要指标与目标",
        "4. 问题清单",
        "5. 分类分级措施",
        "6. 联合认证批次",
        "7. 目标与里程碑",
    ):
        assert heading in paragraphs
    assert any(plan.name in p for p in paragraphs)
    coverage = plan.indicators[0]
    assert f"{100 * coverage.now:.1f}%" in cells and f"{100 * coverage.at_end:.1f}%" in cells
    assert TRAP in "".join(cells)  # a document shows the name as it is: Word runs no formula
    charts = plan.charts()
    drawn = bool(charts["schedule"]["quarters"]) + sum(
        bool(charts[k]) for k in ("segments", "prefectures", "sizes")
    )
    assert drawn >= 3
    assert len(Document(io.BytesIO(data)).inline_shapes) == drawn
    paragraphs, _ = _texts(plan_docx(plan, load_measures(), "en"))
    assert "Decision summary" in paragraphs


def test_the_xlsx_sheets_guard_formulas_and_keep_usccs_as_text(plan: ChainPlan) -> None:
    book = load_workbook(io.BytesIO(plan_xlsx(plan, load_measures(), "zh")))
    assert book.sheetnames == ["问题清单", "联合认证批次", "进度"]
    batches = book["联合认证批次"]
    header = [c.value for c in batches[1]]
    assert {"认证机构", "审核季度", "审核人日", "企业", "统一社会信用代码"} <= set(header)
    rows = list(batches.iter_rows(min_row=2))
    assert len(rows) == sum(len(b.members) for b in plan.batches)
    firm, uscc = header.index("企业"), header.index("统一社会信用代码")
    assert rows[0][firm].value == "'" + TRAP
    assert all(r[uscc].data_type == "s" and r[uscc].number_format == "@" for r in rows)
    assert {r[uscc].value for r in rows} == {c.uscc for b in plan.batches for c in b.members}
    schedule = list(book["进度"].iter_rows(values_only=True))
    assert schedule[0][:3] == ("季度", "批次数", "企业数")
    assert [r[0] for r in schedule[1:]] == [q.quarter for q in plan.schedule]
    assert book["问题清单"].max_row == len(plan.problems) + 1
    english = load_workbook(io.BytesIO(plan_xlsx(plan, load_measures(), "en")))
    assert english.sheetnames == ["Problems", "Batches", "Schedule"]


def test_the_files_are_the_same_bytes_each_time(plan: ChainPlan) -> None:
    measures = load_measures()
    assert plan_docx(plan, measures) == plan_docx(plan, measures)
    assert plan_xlsx(plan, measures) == plan_xlsx(plan, measures)
    from docx import Document

    properties = Document(io.BytesIO(plan_docx(plan, measures))).core_properties
    assert properties.created is not None and properties.created.date() == plan.as_of
    book = load_workbook(io.BytesIO(plan_xlsx(plan, measures)))
    assert book.properties.modified is not None
    assert book.properties.modified.date() == plan.as_of


@pytest.fixture(scope="module")
def pdfs(soffice: str, plan: ChainPlan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both files converted to PDF by LibreOffice, in one run."""
    folder = tmp_path_factory.mktemp("pdf")
    measures = load_measures()
    (folder / "docx.docx").write_bytes(plan_docx(plan, measures))
    (folder / "xlsx.xlsx").write_bytes(plan_xlsx(plan, measures))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(folder / "docx.docx"),
            str(folder / "xlsx.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder


def _pdf(path: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    pages = next(
        int(line.split()[-1]) for line in info.stdout.splitlines() if line.startswith("Pages:")
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return pages, text


def test_libreoffice_converts_the_docx_to_pdf(pdfs: Path, plan: ChainPlan) -> None:
    pages, text = _pdf(pdfs / "docx.pdf")
    assert pages >= 2
    assert plan.name in text and "决策摘要" in text


def test_libreoffice_converts_the_xlsx_to_pdf(pdfs: Path, plan: ChainPlan) -> None:
    pages, text = _pdf(pdfs / "xlsx.pdf")
    assert pages >= 3  # a sheet starts a page
    firm = plan.batches[-1].members[-1]
    assert firm.uscc in text and firm.name in text
    assert "'" + TRAP in text  # shown as text, not run as a formula


def test_the_plan_command_writes_docx_and_xlsx_to_a_file_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'plan.db'}"
    import_datasets([write_dataset(tmp_path / "data")], lambda: open_store(url, create=True))
    args = ["plan", "--chain", "NEV-T", "--store", url, "--as-of", "2026-11-01"]
    runner = CliRunner()
    refused = runner.invoke(app, [*args, "--format", "docx"])
    assert refused.exit_code == 2 and "--out" in refused.output
    for format in ("docx", "xlsx"):
        out = tmp_path / f"plan.{format}"
        written = runner.invoke(app, [*args, "--format", format, "--out", str(out)])
        assert written.exit_code == 0, written.output
        again = tmp_path / f"again.{format}"
        runner.invoke(app, [*args, "--format", format, "--out", str(again)])
        assert out.read_bytes() == again.read_bytes()  # same data and day, same bytes
    assert load_workbook(tmp_path / "plan.xlsx").sheetnames == ["问题清单", "联合认证批次", "进度"]


def test_the_api_serves_docx_and_xlsx_as_attachments(world: World) -> None:
    from docx import Document

    answer = world.get("leader1", "/chains/C1/plan", format="docx", lang="zh")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == DOCX_MEDIA
    assert answer.headers["content-disposition"].startswith('attachment; filename="C1.zh.')
    assert answer.headers["content-disposition"].endswith('.docx"')
    text = "".join(
        c.text for t in Document(io.BytesIO(answer.content)).tables for r in t.rows for c in r.cells
    )
    assert L2 not in text  # a leader's plan is about its tree only
    again = world.get("leader1", "/chains/C1/plan", format="docx", lang="zh")
    assert again.content == answer.content
    book = world.get("leader1", "/chains/C1/plan", format="xlsx", lang="en")
    assert book.headers["content-type"] == XLSX_MEDIA
    assert book.headers["content-disposition"].endswith('.xlsx"')
    sheets = load_workbook(io.BytesIO(book.content))
    assert sheets.sheetnames == ["Problems", "Batches", "Schedule"]
    rows = list(sheets["Batches"].iter_rows(values_only=True))
    column = rows[0].index("USCC")
    firms = {r[column] for r in rows[1:]}
    assert firms and firms <= TREE[L1]
