"""The plan as Markdown, in Chinese (the default) or English. Every figure comes from the plan's
data (:class:`chainmap.plans.plan.ChainPlan`); text from the data is escaped."""

from __future__ import annotations

from html import escape

import markdown

from chainmap.analysis import CertState
from chainmap.enums import SizeClass, Stage
from chainmap.plans.charts import bars, curve
from chainmap.plans.measures import MeasureRules
from chainmap.plans.plan import Ask, ChainPlan, Indicator
from chainmap.plans.problems import LEVELS, Problem
from chainmap.rules.industry import industry_name
from chainmap.rules.regions import region_full_name

__all__ = ["render_html", "render_markdown"]

_T: dict[str, dict[str, str]] = {
    "title": {"zh": "一链一策：{name}（{chain}）", "en": "One chain, one policy: {name} ({chain})"},
    "as_of": {"zh": "数据截至 {day}。", "en": "Figures as of {day}."},
    "s0": {"zh": "决策摘要", "en": "Decision summary"},
    "indicators": {"zh": "主要指标与目标", "en": "The chain against its targets"},
    "progress": {"zh": "覆盖率进度", "en": "Coverage quarter by quarter"},
    "top": {"zh": "最需要解决的问题", "en": "The problems that matter most"},
    "asks": {"zh": "各方任务与时限", "en": "What the plan asks of whom, by when"},
    "reach": {
        "zh": "按认证机构审核能力（每季度共 {capacity} 人日）和企业准备情况排期，至 {by} 覆盖率可达 "
        "{end}，达到目标 {target}。",
        "en": "Scheduled within the bodies' audit capacity ({capacity} audit-days a quarter) and "
        "the firms' readiness, coverage reaches {end} by {by}, meeting the target of {target}.",
    },
    "short": {
        "zh": "按认证机构审核能力（每季度共 {capacity} 人日）和企业准备情况排期，至 {by} 覆盖率只能达到 "
        "{end}，距目标 {target} 差 {gap} 个百分点；{firms} 家企业（{batches} 批）在期内排不上审核。",
        "en": "Scheduled within the bodies' audit capacity ({capacity} audit-days a quarter) and "
        "the firms' readiness, coverage reaches only {end} by {by}: {gap} percentage points short "
        "of the target of {target}; {firms} firms ({batches} batches) cannot be audited in time.",
    },
    "no_upstream": {
        "zh": "链主没有上游企业，无从计算认证覆盖率。",
        "en": "The leaders have no upstream firm: there is no coverage to compute.",
    },
    "all_reach": {
        "zh": "若全部候选企业获证，覆盖率可达 {all}。",
        "en": "With every candidate certified, coverage would be {all}.",
    },
    "never": {
        "zh": "即使全部候选企业获证，覆盖率也只有 {all}，目标无法仅靠认证达到。",
        "en": "Even with every candidate certified, coverage would be {all}: certification alone "
        "cannot reach the target.",
    },
    "problem": {
        "zh": "【{level}·{category}】{region}{segment}环节：{firms}，链主采购额的 {share} 经由该处。"
        "措施：{measure}；责任方：{owners}；{deadline} 前完成。",
        "en": "[{level}, {category}] {segment} in {region}: {firms}; {share} of the leaders' "
        "purchases pass through them. Measure: {measure}; owner: {owners}; by {deadline}.",
    },
    "firms_of": {"zh": "{names}等 {n} 家企业", "en": "{names} and others, {n} firms"},
    "ask_leader": {
        "zh": "链主 {name}：牵头解决 {n} 个问题（涉及 {firms} 家供应商），{when}。",
        "en": "Leader {name}: resolve the problems listed (problems: {n}; suppliers: {firms}) "
        "{when}.",
    },
    "ask_body": {
        "zh": "认证机构 {name}（{id}）：{period} 审核 {batches} 批 {firms} 家企业，共 {days} "
        "人日，{deadline} 前完成。",
        "en": "Certification body {name} ({id}): audit {batches} batches of {firms} firms, "
        "{days} audit-days, {period}, by {deadline}.",
    },
    "ask_bureau": {
        "zh": "{name}：负责 {n} 个问题（涉及 {firms} 家企业），{when}。",
        "en": "{name}: the problems listed (problems: {n}; firms: {firms}) {when}.",
    },
    "ask_bureaus": {
        "zh": "{count} 个地市的市场监督管理局：负责 {n} 个问题（涉及 {firms} 家企业；最多的是 {named} 个），"
        "{deadline} 前完成；各局的问题见问题清单。",
        "en": "The market regulation bureaus of {count} prefectures: {n} problems ({firms} firms; "
        "most: {named}) by {deadline}; each bureau's problems are in the problem list.",
    },
    "by_one": {"zh": "{deadline} 前完成", "en": "by {deadline}"},
    "by_two": {
        "zh": "最早一项 {first} 前、全部 {deadline} 前完成",
        "en": "the first by {first}, all by {deadline}",
    },
    "from_to": {"zh": "{first} 至 {last}", "en": "from {first} to {last}"},
    "in_one": {"zh": "{first}", "en": "in {first}"},
    "met": {"zh": "达标", "en": "met"},
    "gap_pp": {"zh": "差 {gap} 个百分点", "en": "{gap} pp short"},
    "gap_n": {"zh": "超出 {gap} 家", "en": "{gap} over"},
    "at_end": {"zh": "计划期末（{by}）", "en": "at the end ({by})"},
    "now": {"zh": "现状", "en": "now"},
    "start": {"zh": "现状", "en": "now"},
    "target_word": {"zh": "目标", "en": "target"},
    "level_rule": {
        "zh": "分级规则：经由涉及企业的链主采购额合计 ≥{l1} 或属单点依赖为一级；≥{l2} 或证书已失效、"
        "即将到期、监督审核逾期为二级；其余为三级。时限：一级 {q1} 个季度内，二级 {q2} 个季度内，三级于 "
        "{by} 前；认证类问题以所在批次的审核季度末为时限，期内排不上审核的由市场监管部门协调。"
        "技术工艺、产品质量类问题需要检验与投诉数据，现有数据未包含。",
        "en": "Levels: level 1 when at least {l1} of the leaders' purchases pass through the "
        "firms concerned, or the problem is a single point of failure; level 2 at least {l2}, or a "
        "certificate lapsed, expiring or overdue for surveillance; level 3 the rest. Deadlines: "
        "level 1 within {q1} quarter(s), level 2 within {q2}, level 3 by {by}; certificate "
        "problems by the end of their batch's quarter, and the bureau finds capacity for firms "
        "that cannot be audited in time. Process (技术工艺) and product-quality (产品质量) "
        "problems need inspection and complaint data that the data does not hold.",
    },
    "ready": {"zh": "{q} 起可审核", "en": "ready from {q}"},
    "out_of_time": {"zh": "期内未排", "en": "not in time"},
    "by_size": {"zh": "分规模认证覆盖", "en": "Coverage by size class"},
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
    "indicator": {"zh": "指标", "en": "figure"},
    "status": {"zh": "结论", "en": "status"},
    "region": {"zh": "地区", "en": "region"},
    "industry": {"zh": "行业", "en": "industry"},
    "concerned": {"zh": "涉及企业", "en": "firms concerned"},
    "owner": {"zh": "责任方", "en": "owner"},
    "deadline": {"zh": "完成时限", "en": "deadline"},
    "share": {"zh": "经由采购额", "en": "purchases through"},
    "capacity": {"zh": "审核能力（人日）", "en": "capacity (audit-days)"},
    "cumulative": {"zh": "累计获证企业", "en": "firms certified (cumulative)"},
    "batch": {"zh": "批次", "en": "batch"},
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
    "coverage": {
        "zh": "认证覆盖率（按链主采购敞口）",
        "en": "certification coverage (by exposure)",
    },
    "weak_links": {
        "zh": "未受有效认证保护的薄弱环节企业",
        "en": "weak links without a certificate in force",
    },
    "single_points": {
        "zh": "未受有效认证保护的单点故障企业",
        "en": "single points of failure without a certificate in force",
    },
    "expiring_certs": {
        "zh": "上游企业预警期内到期且未安排再认证的证书",
        "en": "certificates of upstream firms expiring within the warning period, not re-audited",
    },
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


def _names(firms: tuple[tuple[str, str], ...], lang: str, shown: int = 10) -> str:
    """The firms concerned: every name up to ``shown``, then how many in all."""
    names = ("、" if lang == "zh" else ", ").join(_esc(n or u) for u, n in firms[:shown])
    if len(firms) <= shown:
        return names
    return _T["firms_of"][lang].format(names=names, n=len(firms))


def _owners(problem: Problem) -> str:
    return "、".join(_esc(o.name) for o in problem.owners) or "–"


def _indicator_row(i: Indicator, plan: ChainPlan, lang: str) -> list[str]:
    key = "expiring_certs" if i.key == "expiring" else i.key
    label = _WORDS[key][lang]
    if i.key == "coverage":
        now, target, end = _pct(i.now), _pct(i.target), _pct(i.at_end)
        gap = _T["gap_pp"][lang].format(gap=f"{100 * i.gap:.1f}")
    else:
        now, end = str(int(i.now)), str(int(i.at_end))
        target = "–" if i.target is None else str(int(i.target))
        gap = _T["gap_n"][lang].format(gap=int(i.gap))
    status = "–" if i.met is None else _T["met"][lang] if i.met else gap
    return [label, now, target, end, status]


def _problem_sentence(p: Problem, lang: str) -> str:
    return _T["problem"][lang].format(
        level=LEVELS[p.level][0 if lang == "zh" else 1],
        category=p.label.zh if lang == "zh" else p.label.en,
        region=_named(p.prefecture, p.prefecture_name, lang),
        segment=_esc(p.segment),
        firms=_names(p.firms, lang, 3),
        share=_pct(p.exposure_share),
        measure=p.label.measure_zh if lang == "zh" else p.label.measure_en,
        owners=_owners(p),
        deadline=p.deadline.isoformat(),
    )


def _ask_sentence(a: Ask, lang: str) -> str:
    last = a.deadline.isoformat()
    if a.first_deadline == a.deadline:
        when = _T["by_one"][lang].format(deadline=last)
    else:
        when = _T["by_two"][lang].format(first=a.first_deadline.isoformat(), deadline=last)
    if a.kind == "leader":
        return _T["ask_leader"][lang].format(
            name=_esc(a.name), n=len(a.problems), firms=a.firms, when=when
        )
    if a.kind == "body":
        return _T["ask_body"][lang].format(
            name=_esc(a.name),
            id=_esc(a.key),
            period=_T["in_one" if a.first == a.last else "from_to"][lang].format(
                first=a.first or "–", last=a.last or "–"
            ),
            batches=a.batches,
            firms=a.firms,
            days=f"{a.audit_days:g}",
            deadline=a.deadline.isoformat(),
        )
    name = a.name if lang == "zh" else f"Market regulation bureau ({_esc(a.name)})"
    return _T["ask_bureau"][lang].format(
        name=_esc(name) if lang == "zh" else name,
        n=len(a.problems),
        firms=a.firms,
        when=when,
    )


def _ask_lines(asks: list[Ask], lang: str, bureaus: int = 3) -> list[str]:
    """A line per leader and body; the prefectures' bureaus each on a line when there are at
    most ``bureaus`` of them, else on one line naming those with most problems first."""
    lines = [f"- {_ask_sentence(a, lang)}" for a in asks if a.kind != "bureau"]
    local = [a for a in asks if a.kind == "bureau"]
    if len(local) <= bureaus:
        return lines + [f"- {_ask_sentence(a, lang)}" for a in local]
    ranked = sorted(local, key=lambda a: (-len(a.problems), a.key))
    named = "、".join(f"{_esc(a.name)} {len(a.problems)}" for a in ranked[:bureaus])
    together = _T["ask_bureaus"][lang].format(
        count=len(local),
        n=sum(len(a.problems) for a in local),
        firms=sum(a.firms for a in local),
        named=named,
        deadline=max(a.deadline for a in local).isoformat(),
    )
    return [*lines, f"- {together}"]


def _reach(plan: ChainPlan, lang: str) -> list[str]:
    """Whether the schedule reaches the coverage target, and if not by how much."""
    end = plan.coverage_end
    capacity = f"{sum(b.capacity for b in plan.bodies):g}"
    by = plan.target_date.isoformat()
    if end is None:
        return [_T["no_upstream"][lang]]
    if end >= plan.target - 1e-9:
        return [
            _T["reach"][lang].format(
                capacity=capacity, by=by, end=_pct(end), target=_pct(plan.target)
            )
        ]
    waiting = [b for b, q in zip(plan.batches, plan.batch_quarters, strict=True) if q is None]
    out = [
        _T["short"][lang].format(
            capacity=capacity,
            by=by,
            end=_pct(end),
            target=_pct(plan.target),
            gap=f"{100 * (plan.target - end):.1f}",
            firms=sum(len(b.members) for b in waiting),
            batches=len(waiting),
        )
    ]
    if plan.coverage_all is not None and plan.coverage_all < plan.target - 1e-9:
        out.append(_T["never"][lang].format(all=_pct(plan.coverage_all)))
    else:
        out.append(_T["all_reach"][lang].format(all=_pct(plan.coverage_all)))
    return out


#: the columns of the problem list, the batches and the schedule, as every format writes them
PROBLEM_COLUMNS = (
    "rank",
    "level",
    "category",
    "segment",
    "region",
    "concerned",
    "share",
    "measure",
    "owner",
    "deadline",
)
BATCH_COLUMNS = ("batch", "quarter", "body", "group", "firm", "days", "effect")
SCHEDULE_COLUMNS = ("quarter", "batches", "firms", "days", "capacity", "cumulative", "after")


def problem_rows(plan: ChainPlan, lang: str) -> list[list[str]]:
    """The problem list's rows (cells as a Markdown table holds them: data text escaped)."""
    return [
        [
            str(i),
            LEVELS[p.level][0 if lang == "zh" else 1],
            p.label.zh if lang == "zh" else p.label.en,
            _esc(p.segment),
            _named(p.prefecture, p.prefecture_name, lang),
            _names(p.firms, lang),
            _pct(p.exposure_share),
            p.label.measure_zh if lang == "zh" else p.label.measure_en,
            _owners(p),
            p.deadline.isoformat(),
        ]
        for i, p in enumerate(plan.problems, 1)
    ]


def measure_rows(plan: ChainPlan, rules: MeasureRules, lang: str) -> list[list[str]]:
    """Each measure of the firms' measure sets (一企一策) and how many firms it is for, most
    first."""
    counts: dict[str, int] = {}
    for m in plan.measures:
        for measure in m.measures:
            counts[measure] = counts.get(measure, 0) + 1
    label = {k: getattr(v, lang) for k, v in rules.measures.items()}
    return [
        [_esc(label.get(k, k)), str(n)]
        for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def plan_batch_rows(plan: ChainPlan, lang: str, *, ready: bool = True) -> list[list[str]]:
    """The batches' rows, each with its quarter (and, with ``ready``, the quarter its firms are
    ready from when that is later than the schedule's first), body, group, firms and effect."""
    rows = []
    for i, (b, q, ready_in, (before, after)) in enumerate(
        zip(
            plan.batches, plan.batch_quarters, plan.ready_quarters, plan.batch_effects, strict=True
        ),
        1,
    ):
        group = " / ".join(
            _named(code, name, lang)
            for code, name in zip(b.group, (b.division_name, b.prefecture_name), strict=True)
            if code
        )
        when = q or _T["out_of_time"][lang]
        if ready and ready_in and plan.schedule and ready_in != plan.schedule[0].quarter:
            said = _T["ready"][lang].format(q=ready_in)
            when += f"（{said}）" if lang == "zh" else f" ({said})"
        rows.append(
            [
                str(i),
                when,
                _esc(plan.body_name(b.body_id)) if b.body_id else _T["waiting"][lang],
                group or "–",
                ("、" if lang == "zh" else ", ").join(_esc(c.name or c.uscc) for c in b.members),
                f"{b.audit_days:g}",
                f"{_pct(before)} → {_pct(after)}" if b.body_id else "",
            ]
        )
    return rows


def schedule_rows(plan: ChainPlan) -> list[list[str]]:
    """The schedule's rows, quarter by quarter."""
    return [
        [
            q.quarter,
            str(q.batches),
            str(q.firms),
            f"{q.audit_days:g}",
            f"{q.capacity:g}",
            str(q.certified),
            _pct(q.coverage_after),
        ]
        for q in plan.schedule
    ]


def render_markdown(plan: ChainPlan, rules: MeasureRules, lang: str = "zh") -> str:
    """The plan in Markdown; ``lang`` is ``zh`` or ``en``. The first section is the decision:
    figures against targets, the problems that matter most, what is asked of whom by when."""

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

    def segment(segment_id: str) -> str:
        return _esc(plan.segment_names.get(segment_id, segment_id))

    sep = "；" if lang == "zh" else "; "
    out = [f"# {t('title', name=_esc(plan.name), chain=_esc(plan.chain_id))}", ""]
    out += [t("as_of", day=plan.as_of.isoformat()), ""]

    out += [f"## {t('s0')}", "", f"### {t('indicators')}", ""]
    out += [
        "| "
        + " | ".join(
            [
                _COLUMNS["indicator"][lang],
                t("now"),
                t("target_word"),
                t("at_end", by=plan.target_date.isoformat()),
                _COLUMNS["status"][lang],
            ]
        )
        + " |",
        "|---|---|---|---|---|",
        *("| " + " | ".join(_indicator_row(i, plan, lang)) + " |" for i in plan.indicators),
        "",
    ]
    out += [" ".join(_reach(plan, lang)), ""]
    out += [f"### {t('progress')}", ""]
    out += table(
        ["quarter", "cumulative", "after"],
        [[q.quarter, str(q.certified), _pct(q.coverage_after)] for q in plan.schedule],
    )
    out += [f"### {t('top')}", ""]
    top = [plan.problems[i] for i in plan.headline]
    out += [f"{i}. {_problem_sentence(p, lang)}" for i, p in enumerate(top, 1)] or [t("none")]
    out += ["", f"### {t('asks')}", ""]
    out += _ask_lines(plan.asks, lang) or [t("none")]
    out += [""]

    out += [f"## {t('s1')}", "", f"### {t('leaders')}", ""]
    out += [f"- {_esc(name)}（{uscc}）" for uscc, name in plan.leaders] + [""]
    out += [f"### {t('segments')}", ""]
    out += table(
        ["segment", "stage", "firms"],
        [[_esc(s.name), w(s.stage), str(s.firms)] for s in plan.segments],
    )
    out += [f"### {t('sizes')}", ""]
    out += table(
        ["size", "firms", "certified", "coverage"],
        [
            [
                w(k),
                str(v),
                str(plan.sizes_certified.get(k, 0)),
                _pct(plan.sizes_certified.get(k, 0) / v if v else None),
            ]
            for k, v in plan.sizes.items()
        ],
    )
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
    out += [f"### {t('by_size')}", ""]
    out += table(
        ["size", "firms", "certified", "coverage"],
        [
            [
                w(k),
                str(v),
                str(plan.sizes_certified.get(k, 0)),
                _pct(plan.sizes_certified.get(k, 0) / v),
            ]
            for k, v in plan.sizes.items()
            if v
        ],
    )
    out += [f"### {t('expiring')}", ""]
    out += table(
        ["firm", "uscc", "certificate", "expires"],
        [[_esc(n), u, _esc(c), d.isoformat()] for u, n, c, d in plan.expiring],
    )

    out += [f"## {t('s3')}", ""]
    out += table(
        ["rank", "firm", "segment", "region", "industry", "state", "score", "why"],
        [
            [
                str(i),
                f"{_esc(f.name)}<br>{f.uscc}",
                segment(f.segment),
                _named(f.region_code, region_full_name(f.region_code), lang),
                _named(f.industry_code, industry_name(f.industry_code), lang),
                w(f.certification),
                f"{f.score:.3f}",
                _esc(f.explanation_zh if lang == "zh" else f.explanation_en),
            ]
            for i, f in enumerate(plan.weak_links, 1)
        ],
    )

    out += [f"## {t('s4')}", ""]
    out += [t("level_rule", **plan_levels(plan)), ""]
    out += table(list(PROBLEM_COLUMNS), problem_rows(plan, lang))

    out += [f"## {t('s5')}", ""]
    out += table(["measure", "firms"], measure_rows(plan, rules, lang))

    out += [f"## {t('s6')}", ""]
    out += table(list(BATCH_COLUMNS), plan_batch_rows(plan, lang))

    out += [f"## {t('s7')}", ""]
    out += [
        t(
            "target",
            now=_pct(plan.coverage_now),
            target=_pct(plan.target),
            by=plan.target_date.isoformat(),
        ),
        " ".join(_reach(plan, lang)),
        "",
    ]
    out += table(list(SCHEDULE_COLUMNS), schedule_rows(plan))

    out += [f"## {t('s8')}", ""]
    bodies = sorted({b.body_id for b in plan.batches if b.body_id})
    out += [
        "- " + t("duty_leader", names="、".join(_esc(n) for _, n in plan.leaders)),
        "- "
        + t(
            "duty_bodies",
            names="、".join(_esc(plan.body_name(b) or b) for b in bodies) or "–",
        ),
        "- " + t("duty_regulator"),
        "",
    ]

    out += [f"## {t('appendix')}", ""]
    label = {k: getattr(v, lang) for k, v in rules.measures.items()}
    out += table(
        ["firm", "uscc", "size", "state", "measures"],
        [
            [
                _esc(m.name),
                m.uscc,
                w(m.size),
                w(m.certification),
                sep.join(_esc(label[x]) for x in m.measures),
            ]
            for m in plan.measures
        ],
    )
    return "\n".join(out).rstrip() + "\n"


def plan_levels(plan: ChainPlan) -> dict[str, str]:
    """The level rule's figures as the plan states them."""
    levels = plan.levels
    return {
        "l1": _pct(levels["level1_exposure"]),
        "l2": _pct(levels["level2_exposure"]),
        "q1": f"{levels['level1_quarters']:g}",
        "q2": f"{levels['level2_quarters']:g}",
        "by": plan.target_date.isoformat(),
    }


_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.5; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #444; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #bbb; break-after: avoid; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #bbb; padding: 0.2rem 0.5rem; vertical-align: top; }
th { background: #eee; white-space: nowrap; }  /* a heading sets its column's least width */
tr { break-inside: avoid; }
svg text { font-size: 12px; }
@media print { body { margin: 0; max-width: none; } h2 { break-before: auto; } }
"""
# nothing may load or run: styles inline, no scripts, no requests
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _charts(plan: ChainPlan, lang: str) -> dict[str, str]:
    """Each chart's SVG, keyed by the heading it goes under."""
    data = plan.charts()
    firms = "家" if lang == "zh" else " firms"

    def rows(key: str, words: bool = False) -> list[tuple[str, float | None, str]]:
        return [
            (
                _WORDS[r["label"]][lang] if words else r["label"],
                r["coverage"],
                f"({r['firms']}{firms})",
            )
            for r in data[key]
        ]

    curve_data = data["schedule"]
    return {
        _T["progress"][lang]: curve(
            curve_data["start"],
            [(q["label"], q["coverage"]) for q in curve_data["quarters"]],
            curve_data["target"],
            _T["progress"][lang],
            _T["start"][lang],
            _T["target_word"][lang],
        ),
        _T["by_segment"][lang]: bars(rows("segments"), _T["by_segment"][lang]),
        _T["by_region"][lang]: bars(rows("prefectures"), _T["by_region"][lang]),
        _T["by_size"][lang]: bars(rows("sizes", True), _T["by_size"][lang]),
    }


def render_html(plan: ChainPlan, rules: MeasureRules, lang: str = "zh") -> str:
    """The plan as one self-contained HTML page (no script, nothing fetched), readable printed,
    with inline SVG charts: the schedule's cumulative coverage on the first page, and coverage by
    segment, by prefecture (the 15 with most firms) and by size class in section 2."""
    body = markdown.markdown(render_markdown(plan, rules, lang), extensions=["tables"])
    for title, chart in _charts(plan, lang).items():
        heading = f"<h3>{escape(title)}</h3>"
        if chart and heading in body:  # the chart right under its heading
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
