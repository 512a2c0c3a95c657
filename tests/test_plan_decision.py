"""The plan as a document to decide on: figures against targets with their trace, a schedule
within capacity and readiness that says when it falls short, the problem list with owners and
deadlines, names instead of codes, and the charts."""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from sample_chain import LEADER, TIER1_A, TIER1_B, TIER2

from chainmap.analysis import load_weights, weak_links
from chainmap.graph import to_digraph
from chainmap.ingest.load import import_datasets
from chainmap.plans import Body, Candidate, load_measures, load_planning
from chainmap.plans.plan import ChainPlan, plan_for
from chainmap.plans.render import render_html, render_markdown
from chainmap.plans.schedule import quarter_end, schedule
from chainmap.reports import json_text
from chainmap.store import open_store

AS_OF = date(2026, 11, 1)


def plan_of(
    dataset: Path, tmp_path: Path, capacity: float = 60.0, by: date = date(2027, 12, 31)
) -> ChainPlan:
    url = f"sqlite:///{tmp_path / 'plan.db'}"
    import_datasets([dataset], lambda: open_store(url, create=True), workers=1)
    with open_store(url) as store:
        graph = to_digraph(store.chain("NEV-T"))
        bodies = [Body(b.body_id, b.name, capacity) for b in store.bodies()]
    weights = load_weights()
    defaults = load_planning()
    planning = defaults.model_copy(
        update={"targets": defaults.targets.model_copy(update={"by": by})}
    )
    figures = weak_links(graph, AS_OF, weights)
    return plan_for(graph, figures, AS_OF, weights, planning, bodies, load_measures())


def test_figures_against_targets_keep_the_firms_they_count(dataset: Path, tmp_path: Path) -> None:
    plan = plan_of(dataset, tmp_path)
    out = json.loads(json_text(plan.as_dict()))
    rows = {i["key"]: i for i in out["indicators"]}
    assert list(rows) == ["coverage", "weak_links", "single_points", "expiring"]
    # the three weak links are all audited by 2027Q2: none left; A's expiring certificate is
    # re-audited in 2027Q1
    assert rows["weak_links"]["trace"] == {"now": sorted([TIER2, TIER1_B, TIER1_A]), "at_end": []}
    assert (rows["weak_links"]["now"], rows["weak_links"]["at_end"]) == (3, 0)
    assert rows["weak_links"]["met"] is True
    assert rows["single_points"]["trace"]["now"] == [TIER1_A]
    assert rows["expiring"]["trace"] == {"now": [TIER1_A], "at_end": []}
    assert (rows["expiring"]["met"], rows["expiring"]["gap"]) == (True, 0)
    assert rows["coverage"]["now"] == 0.0 and rows["coverage"]["at_end"] == pytest.approx(1.0)
    assert sorted(rows["coverage"]["trace"]["at_end"]) == sorted([TIER1_A, TIER1_B, TIER2])
    text = render_markdown(plan, load_measures())
    first = text[: text.index("## 1.")]  # page one
    assert "| 未受有效认证保护的薄弱环节企业 | 3 | 0 | 0 | 达标 |" in first
    assert "| 上游企业预警期内到期且未安排再认证的证书 | 1 | 0 | 0 | 达标 |" in first
    assert "至 2027-12-31 覆盖率可达 100.0%，达到目标 80.0%" in first
    # what is asked of whom by when, by name
    assert (
        "- 链主 昆山整车制造股份有限公司：牵头解决 5 个问题（涉及 3 家供应商），2027-03-31 前完成。"
        in first
    )
    assert (
        "- 认证机构 中国质量认证中心（CQC）：2027Q1 至 2027Q2 审核 3 批 3 家企业，共 8 人日，"
        "2027-06-30 前完成。" in first
    )
    assert "- 苏州市市场监督管理局：负责 1 个问题（涉及 1 家企业），2027-03-31 前完成。" in first
    # the problems that matter most, a sentence each, at most `summary` of them
    # page one names each firm's most urgent problem first (A, TIER2, B), then fills up to five
    assert plan.headline == [0, 1, 2, 3, 7] and out["headline"] == plan.headline
    sentences = re.findall(r"^\d+\. 【(.+?)】", first, re.M)
    assert sentences == [
        "一级·单点依赖",
        "一级·证书到期",
        "一级·监督审核逾期",
        "一级·质量管理",
        "一级·证书失效",
    ]


def test_a_plan_short_of_its_target_says_by_how_much(dataset: Path, tmp_path: Path) -> None:
    """One quarter of 3 audit-days: only A (3 days, ready now) is audited; TIER2 and B wait."""
    plan = plan_of(dataset, tmp_path, capacity=3.0, by=date(2027, 3, 31))
    assert [(q.quarter, q.firms) for q in plan.schedule] == [("2027Q1", 1)]
    assert plan.batch_quarters == ["2027Q1", None, None]
    end = 0.625 / 1.625
    assert plan.coverage_end == pytest.approx(end)
    coverage = plan.indicators[0]
    assert coverage.met is False and coverage.gap == pytest.approx(0.8 - end)
    text = render_markdown(plan, load_measures())
    gap = f"{100 * (0.8 - end):.1f}"
    assert (
        f"至 2027-03-31 覆盖率只能达到 {100 * end:.1f}%，距目标 80.0% 差 {gap} 个百分点；"
        "2 家企业（2 批）在期内排不上审核。" in text
    )
    assert "若全部候选企业获证，覆盖率可达 100.0%。" in text
    english = render_markdown(plan, load_measures(), "en")
    assert f"{gap} percentage points short of the target of 80.0%" in english
    # firms the schedule cannot reach make their certificate problem the bureau's, due by the end
    rows = {i.key: i for i in plan.indicators}
    assert (rows["weak_links"].at_end, rows["weak_links"].left) == (
        2,
        tuple(sorted([TIER1_B, TIER2])),
    )
    assert "| 未受有效认证保护的薄弱环节企业 | 3 | 0 | 2 | 超出 2 家 |" in text
    lapsed = next(p for p in plan.problems if p.category == "certificate_lapsed")
    assert lapsed.unscheduled == 1 and lapsed.deadline == date(2027, 3, 31)
    assert [o.name for o in lapsed.owners] == ["苏州市市场监督管理局"]
    assert "期内未排" in text


def test_problem_list_names_everything(dataset: Path, tmp_path: Path) -> None:
    plan = plan_of(dataset, tmp_path)
    rules = load_measures()
    text = render_markdown(plan, rules)
    english = render_markdown(plan, rules, "en")
    section = text[text.index("## 4. 问题清单") : text.index("## 5.")]
    assert "分级规则：经由涉及企业的链主采购额合计 ≥10.0% 或属单点依赖为一级" in section
    assert (
        "| 1 | 一级 | 单点依赖 | 动力电池 | 江苏省苏州市（320500） | 昆山恒达电池有限公司 | 62.5% | "
        "链主培育第二供应商并签订质量协议，对相关企业开展质量提升帮扶 | 昆山整车制造股份有限公司 | "
        "2027-03-31 |" in section
    )
    # names, never bare codes: no segment id, no body id alone, no region code without its name
    for words in (text, english):
        for segment_id in ("materials", "cells", "parts", "assembly"):
            assert f"| {segment_id} |" not in words and f"{segment_id}环节" not in words
        assert "| CQC |" not in words
        assert not re.search(r"\| \d{6} \|", words)
    assert "| 锂电材料 | 安徽省合肥市（340100） | 无机盐制造（C2613） |" in text  # weak links
    # batches list their firms, body by name, quarter, audit-days
    assert (
        "| 2 | 2027Q2（2027Q2 起可审核） | 中国质量认证中心 | 化学原料和化学制品制造业（C26） / "
        "安徽省合肥市（340100） | 合肥锂源材料有限公司 | 3 |" in text
    )
    data = json.loads(json_text(plan.as_dict()))
    first = data["problems"][0]
    assert {k: first[k] for k in ("category_zh", "level_zh", "segment", "prefecture_name")} == {
        "category_zh": "单点依赖",
        "level_zh": "一级",
        "segment": "动力电池",
        "prefecture_name": "江苏省苏州市",
    }
    assert first["firms"] == [{"uscc": TIER1_A, "name": "昆山恒达电池有限公司"}]
    assert first["owners"] == [
        {"kind": "leader", "key": LEADER, "name": "昆山整车制造股份有限公司"}
    ]
    assert data["batches"][1]["members"][0]["uscc"] == TIER2


def test_charts_are_inline_svg_with_their_data_in_the_plan(dataset: Path, tmp_path: Path) -> None:
    plan = plan_of(dataset, tmp_path)
    charts = plan.charts()
    assert [r["label"] for r in charts["segments"]][:2] == ["锂电材料", "动力电池"]
    assert [(r["label"], r["coverage"]) for r in charts["sizes"]] == [
        ("micro", 0.0),
        ("small", 1 / 3),
        ("large", 1.0),
    ]
    assert [r["code"] for r in charts["prefectures"]] == ["320500", "110000", "340100"]
    assert [q["coverage"] for q in charts["schedule"]["quarters"]][1] == pytest.approx(1.0)
    page = render_html(plan, load_measures())
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 4
    curve, by_segment, by_prefecture, by_size = svgs
    assert curve.count("<circle") == 5  # now and four quarters
    assert "80.0%" in curve and "2027Q4" in curve
    assert ">锂电材料</text>" in by_segment.replace("<title>锂电材料</title>", "")
    assert "江苏省苏州市" in by_prefecture and "小型" in by_size
    assert "<script" not in page and not re.search(r"<[^>]*\b(src|href)=", page)
    for svg in svgs:
        sizes = [int(x) for x in re.findall(r'font-size="(\d+)"', svg)]
        assert sizes and min(sizes) >= 11
    # the curve sits on page one, before section 1
    assert page.index("<svg") < page.index("<h2>1. 产业链概况</h2>")


def test_readiness_waits_by_maturity() -> None:
    readiness = load_planning().readiness
    assert [readiness.wait(m) for m in (5, 3, 2, 1, None)] == [0, 0, 1, 2, 1]


def test_schedule_keeps_within_capacity_and_readiness() -> None:
    rng = random.Random(15)
    labels = ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
    bodies = [Body("A", "甲机构", 20.0), Body("B", "乙机构", 12.0)]
    for _ in range(30):
        batches = []
        for n in range(rng.randint(1, 12)):
            members = tuple(
                Candidate(
                    f"F{n:02d}{k}",
                    f"企业{n}{k}",
                    "C3841",
                    "320583",
                    "micro",
                    "none",
                    rng.random(),
                    rng.choice([2.0, 3.0, 5.0]),
                    rng.choice([1, 2, 3, None]),
                )
                for k in range(rng.randint(1, 3))
            )
            batches.append((("C38", "320500"), members))
        wait = load_planning().readiness.wait
        planned = schedule([], batches, bodies, labels, wait)
        used: dict[tuple[str, str], float] = defaultdict(float)
        for b, q in zip(planned.batches, planned.batch_quarters, strict=True):
            if q is None:
                assert b.body_id is None
                continue
            used[(q, b.body_id or "")] += b.audit_days
            assert labels.index(q) >= max(wait(c.maturity) for c in b.members)
        capacity = {b.body_id: b.capacity for b in bodies}
        assert all(days <= capacity[body] + 1e-9 for (_, body), days in used.items())
        firms = [c.uscc for b in planned.batches for c in b.members]
        assert sorted(firms) == sorted(c.uscc for _, m in batches for c in m)  # each once
        assert sum(q.firms for q in planned.quarters) == sum(
            len(b.members)
            for b, q in zip(planned.batches, planned.batch_quarters, strict=True)
            if q
        )


def test_quarter_end() -> None:
    assert [quarter_end(q) for q in ("2027Q1", "2027Q2", "2027Q3", "2027Q4")] == [
        date(2027, 3, 31),
        date(2027, 6, 30),
        date(2027, 9, 30),
        date(2027, 12, 31),
    ]


def test_many_bureaus_are_asked_on_one_line() -> None:
    from chainmap.plans.plan import Ask
    from chainmap.plans.render import _ask_lines

    def bureau(code: str, name: str, problems: int) -> Ask:
        return Ask(
            "bureau",
            code,
            name,
            tuple(range(problems)),
            0,
            problems,
            0.0,
            None,
            None,
            date(2027, 12, 31),
            date(2027, 12, 31),
        )

    leader = Ask(
        "leader",
        LEADER,
        "链主",
        (0, 1),
        0,
        2,
        0.0,
        None,
        None,
        date(2027, 12, 31),
        date(2027, 3, 31),
    )
    few = [leader, bureau("320500", "苏州市市场监督管理局", 2)]
    assert _ask_lines(few, "zh") == [
        "- 链主 链主：牵头解决 2 个问题（涉及 2 家供应商），最早一项 2027-03-31 前、全部 2027-12-31 前完成。",
        "- 苏州市市场监督管理局：负责 2 个问题（涉及 2 家企业），2027-12-31 前完成。",
    ]
    assert _ask_lines(few, "en")[0] == (
        "- Leader 链主: resolve the problems listed (problems: 2; suppliers: 2) the first by "
        "2027-03-31, all by 2027-12-31."
    )
    many = [leader] + [bureau(f"3205{i:02d}", f"第{i}市市场监督管理局", i) for i in range(1, 6)]
    lines = _ask_lines(many, "zh")
    assert len(lines) == 2
    assert lines[1] == (
        "- 5 个地市的市场监督管理局：负责 15 个问题（涉及 15 家企业；最多的是 第5市市场监督管理局 5、"
        "第4市市场监督管理局 4、第3市市场监督管理局 3 个），2027-12-31 前完成；各局的问题见问题清单。"
    )


def test_a_plan_without_bodies_or_upstream_firms(dataset: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'plan.db'}"
    import_datasets([dataset], lambda: open_store(url, create=True), workers=1)
    with open_store(url) as store:
        graph = to_digraph(store.chain("NEV-T"))
    weights, rules = load_weights(), load_measures()
    figures = weak_links(graph, AS_OF, weights)
    no_bodies = plan_for(graph, figures, AS_OF, weights, load_planning(), [], rules)
    assert no_bodies.batch_quarters == [None, None, None]
    text = render_markdown(no_bodies, rules)
    assert "每季度共 0 人日" in text and "3 家企业（3 批）在期内排不上审核" in text
    alone = plan_for(graph, [], AS_OF, weights, load_planning(), [], rules)
    assert alone.coverage_end is None
    assert "链主没有上游企业，无从计算认证覆盖率。" in render_markdown(alone, rules)


def test_problem_categories_come_from_the_planning_file(tmp_path: Path) -> None:
    from chainmap.errors import ConfigError

    defaults = load_planning().problem_categories()
    assert list(defaults)[:3] == ["single_point", "certificate_lapsed", "certificate_expiring"]
    assert defaults["talent"].zh == "人才队伍" and defaults["talent"].owner == "bureau"
    given = tmp_path / "planning.toml"
    given.write_text(
        '[categories.talent]\nzh = "人才队伍"\nen = "staff"\nreasons = ["low_maturity"]\n'
        'owner = "leader"\nmeasure_zh = "链主派驻质量工程师"\nmeasure_en = "the leader seconds an engineer"\n',
        encoding="utf-8",
    )
    changed = load_planning(given).problem_categories()
    assert (
        changed["talent"].owner == "leader" and changed["talent"].measure_zh == "链主派驻质量工程师"
    )
    assert list(changed) == list(defaults)  # the others kept, in their order
    given.write_text(
        '[categories.process]\nzh = "技术工艺"\nen = "process"\nreasons = ["bad_welds"]\n'
        'owner = "body"\nmeasure_zh = "工艺改进"\nmeasure_en = "process improvement"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="unknown reasons bad_welds"):
        load_planning(given)
