"""The plan as the files a bureau circulates: a Word document (DOCX) and an Excel workbook (XLSX).

The DOCX holds the plan's headings, the decision page's tables, the problem list, the measures
by class, the joint-certification batches with their firms, the schedule and responsibilities,
and the charts of :meth:`chainmap.plans.plan.ChainPlan.charts` drawn as PNG pictures
(matplotlib).

The XLSX has three sheets: the problem list (问题清单), the batches (联合认证批次, one row per
firm) and the schedule (进度), each printed landscape a page wide with its header on every page,
guarded as :mod:`chainmap.exports` guards every workbook: text that would start a formula is
prefixed with ``'`` and USCCs are text cells.

Both are deterministic for the same data and day: the documents' dates and the archives' file
times are the plan's day, never the time of writing.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from html import unescape
from typing import Any

from chainmap.exports import neutralise
from chainmap.plans.measures import MeasureRules
from chainmap.plans.plan import ChainPlan
from chainmap.plans.problems import LEVELS
from chainmap.plans.render import (
    _COLUMNS,
    _T,
    _WORDS,
    BATCH_COLUMNS,
    PROBLEM_COLUMNS,
    SCHEDULE_COLUMNS,
    _ask_lines,
    _indicator_row,
    _pct,
    _problem_sentence,
    _reach,
    measure_rows,
    plan_batch_rows,
    plan_levels,
    problem_rows,
    schedule_rows,
)

__all__ = ["DOCX_MEDIA", "XLSX_MEDIA", "plan_docx", "plan_xlsx"]

DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: fonts with Chinese glyphs, in the order tried; DejaVu Sans (matplotlib's own) last
_CJK_FONTS = [
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "DejaVu Sans",
]
_GREEN, _GREY, _RED = "#2a8a5a", "#e6e6e6", "#c0392b"
#: characters XML 1.0 forbids (openpyxl and python-docx refuse them)
_XML_ILLEGAL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_CELL_LIMIT = 32_767


def _plain(text: object) -> str:
    """Text the Markdown renderer escaped, as written in a document."""
    return unescape(str(text).replace("\\|", "|")).translate(_XML_ILLEGAL)


def _fixed(data: bytes, day: date) -> bytes:
    """An Office file (a zip) with its file times and core-property dates set to ``day``."""
    stamp = f"{day.isoformat()}T00:00:00Z"
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                for tag in ("dcterms:created", "dcterms:modified"):
                    text = re.sub(rf"(<{tag}[^>]*>)[^<]*(</{tag}>)", rf"\g<1>{stamp}\g<2>", text)
                content = text.encode("utf-8")
            info = zipfile.ZipInfo(item.filename, date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, content)
    return out.getvalue()


# ---- charts ----------------------------------------------------------------------------------


def _figure_png(draw: Any, width: float, height: float) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with (
        matplotlib.rc_context(
            {"font.family": "sans-serif", "font.sans-serif": _CJK_FONTS, "font.size": 9}
        ),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")  # a glyph a machine's fonts lack is drawn as a box
        figure = Figure(figsize=(width, height), dpi=150)
        FigureCanvasAgg(figure)
        draw(figure)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def _bars_png(rows: Sequence[tuple[str, float | None, str]]) -> bytes:
    """Horizontal bars of coverage, one per ``(label, share or None, note)``, first on top."""

    def draw(figure: Any) -> None:
        axes = figure.add_subplot()
        ys = list(range(len(rows)))[::-1]
        axes.barh(ys, [1.0] * len(rows), color=_GREY, height=0.6)
        axes.barh(ys, [v or 0.0 for _, v, _ in rows], color=_GREEN, height=0.6)
        axes.set_yticks(ys, [label for label, _, _ in rows])
        axes.set_xlim(0, 1.45)
        axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
        for y, (_, value, note) in zip(ys, rows, strict=True):
            axes.text(1.02, y, f"{_pct(value)} {note}", va="center")
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)

    return _figure_png(draw, 6.5, 0.7 + 0.3 * len(rows))


def _curve_png(
    start: float | None,
    points: Sequence[tuple[str, float | None]],
    target: float,
    words: tuple[str, str],
) -> bytes:
    """The schedule's cumulative coverage quarter by quarter, the target as a dashed line."""

    def draw(figure: Any) -> None:
        axes = figure.add_subplot()
        labels = [words[0], *(q for q, _ in points)]
        values = [start or 0.0, *(v or 0.0 for _, v in points)]
        axes.plot(range(len(labels)), values, marker="o", color=_GREEN)
        axes.axhline(target, color=_RED, linestyle="--", label=f"{words[1]} {_pct(target)}")
        axes.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 8 else 0)
        axes.set_ylim(0, 1.05)
        axes.set_yticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
        axes.legend(loc="lower right")
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)

    return _figure_png(draw, 6.5, 3.2)


def _charts(plan: ChainPlan, lang: str) -> dict[str, bytes]:
    """Each chart's PNG, keyed by the key of its heading in the renderer's texts; a chart
    without data is left out."""
    data = plan.charts()
    firms = "家" if lang == "zh" else " firms"

    def rows(key: str, words: bool = False) -> list[tuple[str, float | None, str]]:
        return [
            (
                _WORDS[r["label"]][lang] if words else str(r["label"]),
                r["coverage"],
                f"({r['firms']}{firms})",
            )
            for r in data[key]
        ]

    out: dict[str, bytes] = {}
    schedule = data["schedule"]
    if schedule["quarters"]:
        out["progress"] = _curve_png(
            schedule["start"],
            [(q["label"], q["coverage"]) for q in schedule["quarters"]],
            schedule["target"],
            (_T["start"][lang], _T["target_word"][lang]),
        )
    for key, source, words in (
        ("by_segment", "segments", False),
        ("by_region", "prefectures", False),
        ("by_size", "sizes", True),
    ):
        found = rows(source, words)
        if found:
            out[key] = _bars_png(found)
    return out


# ---- DOCX ------------------------------------------------------------------------------------


def plan_docx(plan: ChainPlan, rules: MeasureRules, lang: str = "zh") -> bytes:
    """The plan as a Word document (see the module docstring); ``lang`` is ``zh`` or ``en``."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    def t(key: str, **values: object) -> str:
        return _plain(_T[key][lang].format(**values))

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    normal = document.styles["Normal"]
    normal.font.size = Pt(10)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Sans CJK SC")

    def heading(text: str, level: int) -> None:
        document.add_heading(_plain(text), level)

    def table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        if not rows:
            document.add_paragraph(t("none"))
            return
        grid = document.add_table(rows=1, cols=len(columns))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, columns, strict=True):
            cell.text = _plain(text)
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            for cell, text in zip(grid.add_row().cells, row, strict=True):
                cell.text = _plain(text)
        document.add_paragraph()

    def heads(*keys: str) -> list[str]:
        return [_COLUMNS[k][lang] for k in keys]

    charts = _charts(plan, lang)

    def chart(key: str) -> None:
        if key in charts:
            document.add_picture(io.BytesIO(charts[key]), width=Cm(16))

    by = plan.target_date.isoformat()
    document.add_heading(t("title", name=plan.name, chain=plan.chain_id), 0)
    document.add_paragraph(t("as_of", day=plan.as_of.isoformat()))

    heading(t("s0"), 1)
    heading(t("indicators"), 2)
    table(
        [
            _COLUMNS["indicator"][lang],
            t("now"),
            t("target_word"),
            t("at_end", by=by),
            *heads("status"),
        ],
        [_indicator_row(i, plan, lang) for i in plan.indicators],
    )
    document.add_paragraph(_plain(" ".join(_reach(plan, lang))))
    heading(t("progress"), 2)
    chart("progress")
    table(
        heads("quarter", "cumulative", "after"),
        [[q.quarter, str(q.certified), _pct(q.coverage_after)] for q in plan.schedule],
    )
    heading(t("top"), 2)
    for i in plan.headline:
        document.add_paragraph(_plain(_problem_sentence(plan.problems[i], lang)), "List Number")
    if not plan.headline:
        document.add_paragraph(t("none"))
    heading(t("asks"), 2)
    for line in _ask_lines(plan.asks, lang):
        document.add_paragraph(_plain(line.removeprefix("- ")), "List Bullet")

    heading(t("s2"), 1)
    share = plan.certified / plan.firms if plan.firms else None
    document.add_paragraph(
        t(
            "overall",
            firms=plan.firms,
            certified=plan.certified,
            share=_pct(share),
            exposure=_pct(plan.coverage_now),
        )
    )
    for key in ("by_segment", "by_region", "by_size"):
        heading(t(key), 2)
        chart(key)

    heading(t("s4"), 1)
    document.add_paragraph(t("level_rule", **plan_levels(plan)))
    table(heads(*PROBLEM_COLUMNS), problem_rows(plan, lang))

    heading(t("s5"), 1)
    table(heads("measure", "firms"), measure_rows(plan, rules, lang))

    heading(t("s6"), 1)
    table(heads(*BATCH_COLUMNS), plan_batch_rows(plan, lang, ready=False))

    heading(t("s7"), 1)
    document.add_paragraph(
        t("target", now=_pct(plan.coverage_now), target=_pct(plan.target), by=by)
    )
    table(heads(*SCHEDULE_COLUMNS), schedule_rows(plan))

    heading(t("s8"), 1)
    bodies = sorted({b.body_id for b in plan.batches if b.body_id})
    for line in (
        t("duty_leader", names="、".join(n for _, n in plan.leaders)),
        t("duty_bodies", names="、".join(plan.body_name(b) or b for b in bodies) or "–"),
        t("duty_regulator"),
    ):
        document.add_paragraph(line, "List Bullet")

    moment = datetime(plan.as_of.year, plan.as_of.month, plan.as_of.day)
    properties = document.core_properties
    properties.title = t("title", name=plan.name, chain=plan.chain_id)
    properties.author = properties.last_modified_by = "chainmap"
    properties.created = properties.modified = moment
    properties.revision = 1
    out = io.BytesIO()
    document.save(out)
    return _fixed(out.getvalue(), plan.as_of)


# ---- XLSX ------------------------------------------------------------------------------------

_SHEETS = {
    "problems": {"zh": "问题清单", "en": "Problems"},
    "batches": {"zh": "联合认证批次", "en": "Batches"},
    "schedule": {"zh": "进度", "en": "Schedule"},
}
_HEADERS: dict[str, dict[str, str]] = {
    "rank": {"zh": "序号", "en": "#"},
    "level": {"zh": "层级", "en": "level"},
    "category": {"zh": "问题类别", "en": "category"},
    "segment": {"zh": "环节", "en": "segment"},
    "prefecture": {"zh": "地市", "en": "prefecture"},
    "prefecture_code": {"zh": "地市代码", "en": "prefecture code"},
    "firms": {"zh": "涉及企业", "en": "firms concerned"},
    "usccs": {"zh": "涉及企业统一社会信用代码", "en": "USCCs concerned"},
    "share": {"zh": "经由采购额", "en": "purchases through"},
    "measure": {"zh": "措施", "en": "measure"},
    "owner": {"zh": "责任方", "en": "owner"},
    "deadline": {"zh": "完成时限", "en": "deadline"},
    "batch": {"zh": "批次", "en": "batch"},
    "quarter": {"zh": "审核季度", "en": "quarter"},
    "period": {"zh": "季度", "en": "quarter"},
    "ready": {"zh": "可审核季度", "en": "ready from"},
    "body": {"zh": "认证机构", "en": "body"},
    "body_id": {"zh": "认证机构代码", "en": "body code"},
    "division": {"zh": "行业大类", "en": "industry division"},
    "firm": {"zh": "企业", "en": "firm"},
    "uscc": {"zh": "统一社会信用代码", "en": "USCC"},
    "size": {"zh": "规模", "en": "size"},
    "state": {"zh": "认证状态", "en": "certification"},
    "score": {"zh": "得分", "en": "score"},
    "days": {"zh": "审核人日", "en": "audit-days"},
    "batches": {"zh": "批次数", "en": "batches"},
    "firm_count": {"zh": "企业数", "en": "firms"},
    "capacity": {"zh": "审核能力（人日）", "en": "capacity (audit-days)"},
    "cumulative": {"zh": "累计获证企业", "en": "firms certified (cumulative)"},
    "after": {"zh": "期末覆盖率", "en": "coverage after"},
}
#: columns whose cells are codes: text, never numbers
_CODES = {"prefecture_code", "usccs", "uscc", "body_id"}
_PERCENT = {"share", "after"}
#: columns of long text: wrapped in a column this wide, so that a printed page stays readable
_WRAPPED = {"firms": 30, "usccs": 20, "measure": 30, "owner": 24, "firm": 30, "body": 24}


def _cell_text(value: object) -> str:
    return neutralise(str(value).translate(_XML_ILLEGAL))[:_CELL_LIMIT]


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def plan_xlsx(plan: ChainPlan, rules: MeasureRules, lang: str = "zh") -> bytes:
    """The plan's problem list, batches (a row per firm) and schedule as a workbook (see the
    module docstring); ``lang`` is ``zh`` or ``en``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    def w(word: str | None) -> str:
        return _WORDS.get(word or "unknown", {}).get(lang, word or "")

    problems: list[dict[str, Any]] = [
        {
            "rank": i,
            "level": LEVELS[p.level][0 if lang == "zh" else 1],
            "category": p.label.zh if lang == "zh" else p.label.en,
            "segment": p.segment,
            "prefecture": p.prefecture_name or p.prefecture,
            "prefecture_code": p.prefecture,
            "firms": "、".join(n or u for u, n in p.firms),
            "usccs": ";".join(u for u, _ in p.firms),
            "share": p.exposure_share,
            "measure": p.label.measure_zh if lang == "zh" else p.label.measure_en,
            "owner": "、".join(o.name for o in p.owners),
            "deadline": p.deadline,
        }
        for i, p in enumerate(plan.problems, 1)
    ]
    members: list[dict[str, Any]] = [
        {
            "batch": i,
            "quarter": q or _T["out_of_time"][lang],
            "ready": ready,
            "body": plan.body_name(b.body_id) if b.body_id else _T["waiting"][lang],
            "body_id": b.body_id,
            "division": b.division_name or b.group[0],
            "prefecture": b.prefecture_name or b.group[1],
            "firm": c.name,
            "uscc": c.uscc,
            "size": w(c.size),
            "state": w(c.certification),
            "score": round(c.score, 6),
            "days": c.audit_days,
        }
        for i, (b, q, ready) in enumerate(
            zip(plan.batches, plan.batch_quarters, plan.ready_quarters, strict=True), 1
        )
        for c in b.members
    ]
    progress: list[dict[str, Any]] = [
        {
            "period": q.quarter,
            "batches": q.batches,
            "firm_count": q.firms,
            "days": q.audit_days,
            "capacity": q.capacity,
            "cumulative": q.certified,
            "after": q.coverage_after,
        }
        for q in plan.schedule
    ]
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    sheets: list[tuple[str, list[dict[str, Any]]]] = [
        ("problems", problems),
        ("batches", members),
        ("schedule", progress),
    ]
    for sheet_key, rows in sheets:
        sheet = book.create_sheet(_SHEETS[sheet_key][lang])
        keys = list(rows[0]) if rows else []
        if not keys:
            keys = {
                "problems": ["rank", "level", "category", "segment", "firms", "deadline"],
                "batches": ["batch", "quarter", "body", "firm", "uscc", "days"],
                "schedule": ["period", "batches", "firm_count", "cumulative", "after"],
            }[sheet_key]
        headers = [_HEADERS[k][lang] for k in keys]
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = bold
        widths = [_width(h) for h in headers]
        for r, row in enumerate(rows, 2):
            lines = 1  # a wrapped cell's lines set its row's height: not every reader measures
            for c, key in enumerate(keys, 1):
                value = row[key]
                if value is None:
                    continue
                if isinstance(value, str) or key in _CODES:
                    value = _cell_text(value)
                cell = sheet.cell(row=r, column=c, value=value)
                if key in _CODES:
                    cell.number_format = "@"
                elif key in _PERCENT:
                    cell.number_format = "0.0%"
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                shown = value.isoformat() if isinstance(value, date) else str(value)
                widths[c - 1] = max(widths[c - 1], _width(shown))
                cell.alignment = wrap if key in _WRAPPED else top
                if key in _WRAPPED:
                    lines = max(lines, -(-_width(shown) // (_WRAPPED[key] - 2)))
            if lines > 1:
                sheet.row_dimensions[r].height = 15 * min(lines, 20)
        for c, (key, width) in enumerate(zip(keys, widths, strict=True), 1):
            most = _WRAPPED.get(key, 60)
            sheet.column_dimensions[get_column_letter(c)].width = min(most, width + 2)
        sheet.freeze_panes = "A2"
        # printed (or converted to PDF) landscape on A4, a page wide, the header on every page
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.print_title_rows = "1:1"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(keys))}{len(rows) + 1}"
    moment = datetime(plan.as_of.year, plan.as_of.month, plan.as_of.day)
    book.properties.title = _plain(_T["title"][lang].format(name=plan.name, chain=plan.chain_id))
    book.properties.creator = book.properties.lastModifiedBy = "chainmap"
    book.properties.created = book.properties.modified = moment
    out = io.BytesIO()
    book.save(out)
    return _fixed(out.getvalue(), plan.as_of)
