"""The plan's data on the hand-built chain (figures worked out in test_cli_analysis.py)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sample_chain import DEALER, LEADER, TIER1_A, TIER1_B, TIER2

from chainmap.analysis import load_weights, weak_links
from chainmap.graph import to_digraph
from chainmap.ingest.load import import_datasets
from chainmap.plans import body_capacities, candidates, form_batches, load_measures, load_planning
from chainmap.plans.plan import ChainPlan, build_plan, quarters
from chainmap.plans.render import render_markdown
from chainmap.store import open_store

AS_OF = date(2026, 11, 1)


def plan_of(dataset: Path, tmp_path: Path, capacity: float | None = None) -> ChainPlan:
    url = f"sqlite:///{tmp_path / 'plan.db'}"
    import_datasets([dataset], lambda: open_store(url, create=True), workers=1)
    with open_store(url) as store:
        graph = to_digraph(store.chain("NEV-T"))
        known = store.bodies()
    weights, rules = load_weights(), load_planning()
    bodies = body_capacities(known, rules)
    if capacity is not None:
        bodies = [b.__class__(b.body_id, b.name, capacity) for b in bodies]
    figures = weak_links(graph, AS_OF, weights)
    found = candidates(figures, rules.audit_days.by_size(), rules.audit_days.unknown)
    return build_plan(
        graph,
        figures,
        AS_OF,
        weights,
        form_batches(found, 8),
        bodies,
        load_measures(),
        target=0.8,
        target_date=date(2027, 12, 31),
    )


def test_quarters() -> None:
    assert quarters(AS_OF, date(2027, 12, 31)) == ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
    assert quarters(date(2027, 3, 31), date(2027, 6, 30)) == ["2027Q2"]
    assert quarters(date(2027, 6, 30), date(2027, 6, 30)) == []


def test_every_section_of_the_hand_built_chain(dataset: Path, tmp_path: Path) -> None:
    plan = plan_of(dataset, tmp_path)
    # 1. profile
    assert (plan.chain_id, plan.name) == ("NEV-T", "新能源汽车产业链（测试）")
    assert plan.leaders == [(LEADER, "昆山整车制造股份有限公司")]
    assert plan.sizes == {"micro": 1, "small": 3, "medium": 0, "large": 1, "unknown": 0}
    # by prefecture-level unit: firms, in force, exposure coverage (A carries 0.625 of 苏州's 1.0;
    # the dealer in Beijing is not upstream of the leader) and the unit's name
    assert plan.regions == [
        ("320500", 3, 2, 0.625, "江苏省苏州市"),
        ("110000", 1, 0, None, "北京市"),
        ("340100", 1, 0, 0.0, "安徽省合肥市"),
    ]
    assert plan.as_dict()["regions"][0] == ("320500", 3, 2, 0.625, "江苏省苏州市")
    assert plan.products == [("动力电池", 1), ("座椅", 1)]
    assert [s.segment_id for s in plan.segments] == [
        "materials",
        "cells",
        "parts",
        "assembly",
        "sales",
    ]
    # 2. certification: the leader and TIER1_A (expiring 2026-11-30) hold one in force
    assert (plan.firms, plan.certified) == (5, 2)
    assert plan.expiring == [
        (TIER1_A, "昆山恒达电池有限公司", "00124Q10002R0S", date(2026, 11, 30))
    ]
    # 3. weak links, best first
    assert [f.uscc for f in plan.weak_links] == [TIER2, TIER1_B, TIER1_A]
    # 4. problems: one per category, segment and prefecture, most urgent first; every one
    # level 1 here (each carries at least 10 % of the leader's purchases)
    assert [(p.category, p.segment, p.prefecture_name, p.firms[0][0]) for p in plan.problems] == [
        ("single_point", "动力电池", "江苏省苏州市", TIER1_A),
        ("certificate_expiring", "动力电池", "江苏省苏州市", TIER1_A),
        ("surveillance_overdue", "动力电池", "江苏省苏州市", TIER1_A),
        ("quality_management", "锂电材料", "安徽省合肥市", TIER2),
        ("single_source", "动力电池", "江苏省苏州市", TIER1_A),
        ("single_source", "锂电材料", "安徽省合肥市", TIER2),
        ("concentration", "动力电池", "江苏省苏州市", TIER1_A),
        ("certificate_lapsed", "汽车零部件", "江苏省苏州市", TIER1_B),
        ("single_source", "汽车零部件", "江苏省苏州市", TIER1_B),
        ("talent", "汽车零部件", "江苏省苏州市", TIER1_B),
    ]
    assert {p.level for p in plan.problems} == {1}
    assert plan.problems[0].exposure_share == pytest.approx(0.625)
    # owners: the leader for structure, the auditing body for certificates, the bureau for
    # training; deadlines: a level-1 structural problem within one quarter, a certificate
    # problem by the end of its batch's quarter (TIER2 prepares first: 2027Q2)
    owners = {
        (p.category, p.segment_id): [(o.kind, o.name) for o in p.owners] for p in plan.problems
    }
    assert owners[("single_point", "cells")] == [("leader", "昆山整车制造股份有限公司")]
    assert owners[("quality_management", "materials")] == [("body", "中国质量认证中心")]
    assert owners[("talent", "parts")] == [("bureau", "苏州市市场监督管理局")]
    deadlines = {(p.category, p.segment_id): p.deadline for p in plan.problems}
    assert deadlines[("single_point", "cells")] == date(2027, 3, 31)
    assert deadlines[("quality_management", "materials")] == date(2027, 6, 30)
    # 5. measures: one set per upstream firm
    assert {m.uscc: m.rules for m in plan.measures} == {
        TIER2: ("certify", "bottleneck"),
        TIER1_B: ("certify", "bottleneck"),
        TIER1_A: ("certify", "graded", "bottleneck", "credit"),
    }
    assert DEALER not in {m.uscc for m in plan.measures}
    # 6. batches and 7. targets: valid certificates carry nothing yet (A's expires): 0 %;
    # A (maturity 3) is ready at once; B (maturity 2) and TIER2 (maturity unknown) prepare for
    # a quarter: they are audited in 2027Q2, within the default 60 audit-days
    assert [b.body_id for b in plan.batches] == ["CQC", "CQC", "CQC"]
    assert [b.members[0].uscc for b in plan.batches] == [TIER1_A, TIER2, TIER1_B]
    assert plan.batch_quarters == ["2027Q1", "2027Q2", "2027Q2"]
    assert plan.coverage_now == 0.0
    assert [(q.quarter, q.batches, q.firms, q.certified) for q in plan.schedule] == [
        ("2027Q1", 1, 1, 1),
        ("2027Q2", 2, 2, 3),
        ("2027Q3", 0, 0, 3),
        ("2027Q4", 0, 0, 3),
    ]
    assert plan.schedule[0].coverage_after == pytest.approx(0.625 / 1.625)
    assert plan.schedule[1].coverage_after == pytest.approx(1.0)
    assert plan.as_dict()["weak_links"][0]["uscc"] == TIER2
    assert [
        (b["group"], b["division_name"], b["prefecture_name"], b["quarter"], b["body_name"])
        for b in plan.as_dict()["batches"]
    ] == [
        (["C38", "320500"], "电气机械和器材制造业", "江苏省苏州市", "2027Q1", "中国质量认证中心"),
        (
            ["C26", "340100"],
            "化学原料和化学制品制造业",
            "安徽省合肥市",
            "2027Q2",
            "中国质量认证中心",
        ),
        (["C36", "320500"], "汽车制造业", "江苏省苏州市", "2027Q2", "中国质量认证中心"),
    ]


def test_firms_count_in_their_prefecture_level_unit(edited: Any, tmp_path: Path) -> None:
    """济源 (419001), a county-level city directly under 河南省, is a row of its own, named; the
    Chongqing district (500101) and county (500229) are one row, 重庆市 (500000)."""
    from sample_chain import write_dataset

    firms = [list(r) for r in edited()["enterprises"]]
    places = {TIER1_A: "500101", TIER1_B: "500229", TIER2: "419001"}
    for row in firms[1:]:
        row[2] = places.get(row[0], row[2])
    plan = plan_of(write_dataset(tmp_path / "data", edited(enterprises=firms)), tmp_path)
    # A (in force, exposure 0.625) and B (suspended, 0.375) share 重庆; TIER2 is alone in 济源
    assert plan.regions == [
        ("500000", 2, 1, 0.625, "重庆市"),
        ("110000", 1, 0, None, "北京市"),
        ("320500", 1, 1, None, "江苏省苏州市"),
        ("419001", 1, 0, 0.0, "河南省济源市"),
    ]
    rules = load_measures()
    text = render_markdown(plan, rules)
    assert "| 河南省济源市（419001） | 1 |" in text
    assert "| 重庆市（500000） | 2 |" in text
    assert "| 化学原料和化学制品制造业（C26） / 河南省济源市（419001） |" in text
    english = render_markdown(plan, rules, "en")
    assert "| 河南省济源市 (419001) | 1 |" in english


def test_capacity_spreads_batches_over_quarters(dataset: Path, tmp_path: Path) -> None:
    plan = plan_of(dataset, tmp_path, capacity=3.0)  # one firm of 2-3 audit-days a quarter
    assert [(q.quarter, q.batches, q.audit_days, q.capacity) for q in plan.schedule] == [
        ("2027Q1", 1, 3.0, 3.0),
        ("2027Q2", 1, 3.0, 3.0),
        ("2027Q3", 1, 2.0, 3.0),
        ("2027Q4", 0, 0.0, 3.0),
    ]
    after = [q.coverage_after for q in plan.schedule]
    assert None not in after
    first, second, third, fourth = (x or 0.0 for x in after)
    assert first < second < third == pytest.approx(1.0) == fourth


SECTIONS = {
    "zh": [
        "决策摘要",
        "1. 产业链概况",
        "2. 认证现状",
        "3. 薄弱环节",
        "4. 问题清单",
        "5. 分类分级措施",
        "6. 联合认证批次",
        "7. 目标与里程碑",
        "8. 职责分工",
        "附录：一企一策清单",
    ],
    "en": [
        "Decision summary",
        "1. Chain profile",
        "2. Certification status",
        "3. Weak links",
        "4. Problem list",
        "5. Measures by class",
        "6. Joint-certification batches",
        "7. Targets and milestones",
        "8. Responsibilities",
        "Appendix: measures per firm",
    ],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plan_command_renders_every_section(edited: Any, tmp_path: Path, lang: str) -> None:
    from sample_chain import TABLES, write_dataset
    from typer.testing import CliRunner

    from chainmap.cli import app

    firms = [list(r) for r in TABLES["enterprises"]]
    firms[4][1] = "<img src=x onerror=alert(1)>|合肥"  # TIER2's name
    data = write_dataset(tmp_path / "data", edited(enterprises=firms))
    url = f"sqlite:///{tmp_path / 'plan.db'}"
    import_datasets([data], lambda: open_store(url, create=True), workers=1)
    args = ["plan", "--chain", "NEV-T", "--store", url, "--as-of", "2026-11-01", "--lang", lang]
    runner = CliRunner()
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    text = first.stdout
    positions = [text.index(f"## {s}") for s in SECTIONS[lang]]
    assert positions == sorted(positions)
    assert "{" not in text and "}" not in text  # every placeholder filled
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;\\|合肥" in text
    assert "00124Q10002R0S" in text and "2026-11-30" in text
    region, division = ("江苏省苏州市（320500）", "汽车制造业（C36）")
    if lang == "en":
        region, division = ("江苏省苏州市 (320500)", "汽车制造业 (C36)")
    assert f"| {region} | 3 |" in text  # firms by prefecture: the name, the code after it
    assert f"| {division} / {region} |" in text  # the batch of TIER1_B
    if lang == "en":
        assert "Holds no QMS certificate in force" in text
    else:
        assert "无有效质量管理体系认证证书" in text
    out = tmp_path / f"plan-{lang}.md"
    again = runner.invoke(app, [*args, "--out", str(out)])
    assert again.exit_code == 0
    assert out.read_text(encoding="utf-8") == text  # same data, same plan, byte for byte
    page = runner.invoke(app, [*args, "--format", "html"]).stdout
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "<script" not in page
    assert not re.search(r"<[^>]*\b(src|href)=", page)  # nothing to fetch
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;|合肥" in page
    # the schedule's curve, coverage by segment, by prefecture and by size
    assert page.count("<svg") == 4 and page.count("<table>") >= 10
    for section in SECTIONS[lang]:
        assert f"<h2>{section}</h2>" in page
    assert runner.invoke(app, [*args, "--format", "html"]).stdout == page
    as_json = runner.invoke(app, [*args, "--format", "json"])
    plan = json.loads(as_json.stdout)
    assert [q["quarter"] for q in plan["schedule"]] == ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
