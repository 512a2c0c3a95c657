"""The plan as Markdown, in Chinese (the default) or English. Every figure comes from the plan's
data (:class:`chainmap.plans.plan.ChainPlan`); text from the data is escaped."""

from __future__ import annotations

from html import escape

import markdown

from chainmap.analysis import CertState
from chainmap.enums import SizeClass, Stage
from chainmap.plans.measures import MeasureRules
from chainmap.plans.plan import ChainPlan

__all__ = ["render_html", "render_markdown"]

_T: dict[str, dict[str, str]] = {
    "title": {"zh": "一链一策：{name}（{chain}）", "en": "One chain, one policy: {name} ({chain})"},
    "as_of": {"zh": "数据截至 {day}。", "en": "Figures as of {day}."},
    "s1": {"zh": "1. 产业链概况", "en": "1. Chain profile"},
    "leaders": {"zh": "链主企业", "en": "Chain leaders"},
    "segments": {"zh": "环节（由上游到下游）", "en": "Segments (upstream to downstream)"},
    "sizes": {"zh": "企业规模", "en": "Firms by size class"},
    "regions": {"zh": "企业地区分布（地市）", "en": "Firms by prefecture"},
    "products": {"zh": "链主主要采购产品", "en": "What the leaders buy"},
    "s2": {"zh": "2. 认证现状", "en": "2. Certification status"},
    "overall": {
        "zh": "全链 {firms} 家企业中 {certified} 家持有有效认证证书（{share}）；"
        "按链主采购敞口计，有效期超过预警期的认证覆盖率为 {exposure}。",
        "en": "{certified} of the chain's {firms} firms hold a certificate in force ({share}); "
        "weighted by the leaders' exposure, certificates valid beyond the warning period cover "
        "{exposure}.",
    },
    "by_segment": {"zh": "分环节认证覆盖", "en": "Coverage by segment"},
    "by_region": {"zh": "分地区认证覆盖", "en": "Coverage by prefecture"},
    "expiring": {"zh": "即将到期的证书", "en": "Certificates expiring soon"},
    "none": {"zh": "无。", "en": "None."},
    "s3": {"zh": "3. 薄弱环节", "en": "3. Weak links"},
    "s4": {"zh": "4. 问题清单", "en": "4. Problem list"},
    "s5": {"zh": "5. 分类分级措施", "en": "5. Measures by class"},
    "s6": {"zh": "6. 联合认证批次", "en": "6. Joint-certification batches"},
    "waiting": {"zh": "待排期", "en": "waiting"},
    "s7": {"zh": "7. 目标与里程碑", "en": "7. Targets and milestones"},
    "target": {
        "zh": "当前覆盖率 {now}，目标为 {by} 前达到 {target}。",
        "en": "Coverage now {now}; the target is {target} by {by}.",
    },
    "s8": {"zh": "8. 职责分工", "en": "8. Responsibilities"},
    "duty_leader": {
        "zh": "链主企业（{names}）：组织上游供应商参加联合认证，共享质量管理经验，将认证要求纳入采购。",
        "en": "Chain leaders ({names}): bring their suppliers into joint certification, share "
        "their quality-management practice, and write certification into purchasing.",
    },
    "duty_bodies": {
        "zh": "认证机构（{names}）：按批次开展联合审核，控制审核人日，如实报告认证结果。",
        "en": "Certification bodies ({names}): audit the batches jointly within the audit-days "
        "planned, and report the results truthfully.",
    },
    "duty_regulator": {
        "zh": "市场监管部门：统筹推进本方案，跟踪季度里程碑，开展认证有效性抽查。",
        "en": "Market regulators: steer this plan, follow the quarterly milestones, and check "
        "certification effectiveness by sampling.",
    },
    "appendix": {"zh": "附录：一企一策清单", "en": "Appendix: measures per firm"},
}
_COLUMNS: dict[str, dict[str, str]] = {
    "segment": {"zh": "环节", "en": "segment"},
    "stage": {"zh": "位置", "en": "stage"},
    "firms": {"zh": "企业数", "en": "firms"},
    "certified": {"zh": "有效认证", "en": "certified"},
    "coverage": {"zh": "覆盖率", "en": "coverage"},
    "exposure_coverage": {"zh": "按敞口覆盖率", "en": "by exposure"},
    "size": {"zh": "规模", "en": "size"},
    "prefecture": {"zh": "地市", "en": "prefecture"},
    "product": {"zh": "产品", "en": "product"},
    "suppliers": {"zh": "供应商数", "en": "suppliers"},
    "firm": {"zh": "企业", "en": "firm"},
    "uscc": {"zh": "统一社会信用代码", "en": "USCC"},
    "certificate": {"zh": "证书编号", "en": "certificate"},
    "expires": {"zh": "到期日", "en": "expires"},
    "rank": {"zh": "序号", "en": "#"},
    "state": {"zh": "认证状态", "en": "certification"},
    "score": {"zh": "得分", "en": "score"},
    "why": {"zh": "原因", "en": "why"},
    "category": {"zh": "问题类别", "en": "category"},
    "level": {"zh": "层级", "en": "level"},
    "count": {"zh": "数量", "en": "count"},
    "measure": {"zh": "措施", "en": "measure"},
    "group": {"zh": "行业大类/地市", "en": "division / prefecture"},
    "body": {"zh": "认证机构", "en": "body"},
    "days": {"zh": "审核人日", "en": "audit-days"},
    "effect": {"zh": "覆盖率变化", "en": "coverage"},
    "quarter": {"zh": "季度", "en": "quarter"},
    "batches": {"zh": "批次", "en": "batches"},
    "after": {"zh": "期末覆盖率", "en": "coverage after"},
    "measures": {"zh": "措施", "en": "measures"},
}
# size classes, stages and certification states carry their Chinese labels in their enums
_WORDS: dict[str, dict[str, str]] = {
    **{e.value: {"zh": e.label_zh, "en": e.value} for e in (*SizeClass, *Stage, *CertState)},
    "unknown": {"zh": "未知", "en": "unknown"},
    "enterprise": {"zh": "企业", "en": "enterprise"},
    "segment": {"zh": "环节", "en": "segment"},
    "chain": {"zh": "全链", "en": "chain"},
    "certification_gap": {"zh": "认证缺口", "en": "certification gap"},
    "single_point_of_failure": {"zh": "单点故障", "en": "single point of failure"},
    "single_sourcing": {"zh": "独家供应", "en": "single sourcing"},
    "concentration": {"zh": "采购集中", "en": "concentration"},
    "low_maturity": {"zh": "成熟度低", "en": "low maturity"},
}


def _esc(text: object) -> str:
    """Data text safe in a Markdown table cell (and in the HTML a renderer makes of it)."""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\n", " ")
    )


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _named(code: str, name: str | None, lang: str) -> str:
    """A region or industry as the plan shows it: its name, the code after it, 江苏省苏州市（320500）;
    the code alone when the table does not name it."""
    if not name:
        return _esc(code) or "–"
    return f"{_esc(name)}（{_esc(code)}）" if lang == "zh" else f"{_esc(name)} ({_esc(code)})"


def render_markdown(plan: ChainPlan, rules: MeasureRules, lang: str = "zh") -> str:
    """The plan in Markdown; ``lang`` is ``zh`` or ``en``."""

    def t(key: str, **values: object) -> str:
        return _T[key][lang].format(**values)

    def w(word: str | None) -> str:
        return _WORDS.get(word or "unknown", {}).get(lang, _esc(word))

    def table(columns: list[str], rows: list[list[str]]) -> list[str]:
        if not rows:
            return [t("none"), ""]
        head = "| " + " | ".join(_COLUMNS[c][lang] for c in columns) + " |"
        rule = "|" + "---|" * len(columns)
        return [head, rule, *("| " + " | ".join(r) + " |" for r in rows), ""]

    out = [f"# {t('title', name=_esc(plan.name), chain=_esc(plan.chain_id))}", ""]
    out += [t("as_of", day=plan.as_of.isoformat()), ""]
    out += [f"## {t('s1')}", "", f"### {t('leaders')}", ""]
    out += [f"- {_esc(name)}（{uscc}）" for uscc, name in plan.leaders] + [""]
    out += [f"### {t('segments')}", ""]
    out += table(
        ["segment", "stage", "firms"],
        [[_esc(s.name), w(s.stage), str(s.firms)] for s in plan.segments],
    )
    out += [f"### {t('sizes')}", ""]
    out += table(["size", "firms"], [[w(k), str(v)] for k, v in plan.sizes.items()])
    out += [f"### {t('regions')}", ""]
    out += table(
        ["prefecture", "firms"],
        [[_named(r.code, r.name, lang), str(r.firms)] for r in plan.regions],
    )
    out += [f"### {t('products')}", ""]
    out += table(["product", "suppliers"], [[_esc(p), str(n)] for p, n in plan.products])

    out += [f"## {t('s2')}", ""]
    share = plan.certified / plan.firms if plan.firms else None
    out += [
        t(
            "overall",
            firms=plan.firms,
            certified=plan.certified,
            share=_pct(share),
            exposure=_pct(plan.coverage_now),
        ),
        "",
    ]
    out += [f"### {t('by_segment')}", ""]
    out += table(
        ["segment", "firms", "certified", "coverage", "exposure_coverage"],
        [
            [
                _esc(s.name),
                str(s.firms),
                str(s.certified),
                _pct(s.coverage),
                _pct(s.exposure_coverage),
            ]
            for s in plan.segments
        ],
    )
    out += [f"### {t('by_region')}", ""]
    out += table(
        ["prefecture", "firms", "certified", "coverage", "exposure_coverage"],
        [
            [
                _named(r.code, r.name, lang),
                str(r.firms),
                str(r.certified),
                _pct(r.certified / r.firms if r.firms else None),
                _pct(r.exposure_coverage),
            ]
            for r in plan.regions
        ],
    )
    out += [f"### {t('expiring')}", ""]
    out += table(
        ["firm", "uscc", "certificate", "expires"],
        [[_esc(n), u, _esc(c), d.isoformat()] for u, n, c, d in plan.expiring],
    )

    out += [f"## {t('s3')}", ""]
    out += table(
        ["rank", "firm", "segment", "state", "score", "why"],
        [
            [
                str(i),
                f"{_esc(f.name)}<br>{f.uscc}",
                _esc(f.segment),
                w(f.certification),
                f"{f.score:.3f}",
                _esc(f.explanation_zh if lang == "zh" else f.explanation_en),
            ]
            for i, f in enumerate(plan.weak_links, 1)
        ],
    )

    out += [f"## {t('s4')}", ""]
    out += table(
        ["category", "level", "count"],
        [[w(p.category), w(p.level), str(p.count)] for p in plan.problems],
    )

    out += [f"## {t('s5')}", ""]
    counts: dict[str, int] = {}
    for m in plan.measures:
        for measure in m.measures:
            counts[measure] = counts.get(measure, 0) + 1
    label = {k: getattr(v, lang) for k, v in rules.measures.items()}
    out += table(
        ["measure", "firms"],
        [[_esc(label[k]), str(n)] for k, n in sorted(counts.items(), key=lambda kv: -kv[1])],
    )

    out += [f"## {t('s6')}", ""]
    out += table(
        ["rank", "group", "body", "firms", "days", "score", "effect"],
        [
            [
                str(i),
                " / ".join(
                    _named(code, name, lang)
                    for code, name in zip(
                        b.group, (b.division_name, b.prefecture_name), strict=True
                    )
                    if code
                )
                or "–",
                _esc(b.body_id) if b.body_id else t("waiting"),
                str(len(b.members)),
                f"{b.audit_days:g}",
                f"{b.score:.3f}",
                f"{_pct(before)} → {_pct(after)}" if b.body_id else "",
            ]
            for i, (b, (before, after)) in enumerate(
                zip(plan.batches, plan.batch_effects, strict=True), 1
            )
        ],
    )

    out += [f"## {t('s7')}", ""]
    out += [
        t(
            "target",
            now=_pct(plan.coverage_now),
            target=_pct(plan.target),
            by=plan.target_date.isoformat(),
        ),
        "",
    ]
    out += table(
        ["quarter", "batches", "firms", "after"],
        [[q.quarter, str(q.batches), str(q.firms), _pct(q.coverage_after)] for q in plan.schedule],
    )

    out += [f"## {t('s8')}", ""]
    bodies = sorted({b.body_id for b in plan.batches if b.body_id})
    out += [
        "- " + t("duty_leader", names="、".join(_esc(n) for _, n in plan.leaders)),
        "- " + t("duty_bodies", names="、".join(_esc(b) for b in bodies) or "–"),
        "- " + t("duty_regulator"),
        "",
    ]

    out += [f"## {t('appendix')}", ""]
    out += table(
        ["firm", "uscc", "size", "state", "measures"],
        [
            [
                _esc(m.name),
                m.uscc,
                w(m.size),
                w(m.certification),
                "；".join(_esc(label[x]) for x in m.measures)
                if lang == "zh"
                else "; ".join(_esc(label[x]) for x in m.measures),
            ]
            for m in plan.measures
        ],
    )
    return "\n".join(out).rstrip() + "\n"


_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.5; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #444; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #bbb; break-after: avoid; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #bbb; padding: 0.2rem 0.5rem; vertical-align: top; }
th { background: #eee; }
tr { break-inside: avoid; }
svg text { font-size: 12px; }
@media print { body { margin: 0; max-width: none; } h2 { break-before: auto; } }
"""
# nothing may load or run: styles inline, no scripts, no requests
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _coverage_chart(plan: ChainPlan, lang: str) -> str:
    """A horizontal bar per segment: certification coverage by count, as inline SVG."""
    rows = [s for s in plan.segments if s.coverage is not None]
    if not rows:
        return ""
    bar, left, height = 300, 160, 22
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + bar + 60}" '
        f'height="{height * len(rows) + 10}" role="img" '
        f'aria-label="{escape(_T["by_segment"][lang])}">'
    ]
    for i, seg in enumerate(rows):
        y = 5 + i * height
        width = round(bar * (seg.coverage or 0.0), 1)
        parts.append(
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{escape(seg.name)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{bar}" height="{height - 8}" fill="#eee"/>'
            f'<rect x="{left}" y="{y + 3}" width="{width}" height="{height - 8}" fill="#3a7"/>'
            f'<text x="{left + bar + 6}" y="{y + 15}">{_pct(seg.coverage)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_html(plan: ChainPlan, rules: MeasureRules, lang: str = "zh") -> str:
    """The plan as one self-contained HTML page (no script, nothing fetched), readable printed,
    with a chart of certification coverage by segment."""
    body = markdown.markdown(render_markdown(plan, rules, lang), extensions=["tables"])
    heading = f"<h3>{escape(_T['by_segment'][lang])}</h3>"
    chart = _coverage_chart(plan, lang)
    if chart and heading in body:  # the chart above the segment table of section 2
        body = body.replace(heading, f"{heading}\n<figure>{chart}</figure>", 1)
    title = _T["title"][lang].format(name=plan.name, chain=plan.chain_id)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )
