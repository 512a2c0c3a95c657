"""Atlases on the hand-built chain (figures in tests/test_cli_analysis.py): what each view
draws, where, how big, with which details; aggregation; the page's safety; the command."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from sample_chain import DEALER, LEADER, TABLES, TIER1_A, TIER1_B, TIER2, write_dataset
from typer.testing import CliRunner

from chainmap.analysis import load_weights
from chainmap.atlases import AtlasKind, AtlasRequest, atlas_from_store
from chainmap.cli import app
from chainmap.errors import ConfigError, NotFound
from chainmap.ingest.load import import_datasets
from chainmap.store import open_store
from chainmap.visualizations import Atlas, render_atlas

AS_OF = date(2026, 11, 1)
XSS = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(2)</script>"
runner = CliRunner()


def _store(folder: Path, tables: dict[str, list[list[str]]] | None = None) -> str:
    data = write_dataset(folder / "data", tables)
    url = f"sqlite:///{folder / 'atlas.db'}"
    import_datasets([data], lambda: open_store(url, create=True), workers=1)
    return url


@pytest.fixture
def store(tmp_path: Path) -> str:
    return _store(tmp_path)


def hostile_tables() -> dict[str, list[list[str]]]:
    """The hand-built chain with markup in a firm's name and a segment's name."""
    tables = {k: [list(r) for r in v] for k, v in TABLES.items()}
    for row in tables["enterprises"]:
        if row[0] == TIER2:
            row[1] = XSS
        if row[0] == TIER1_B:
            row[1] = SCRIPT
    for row in tables["segments"]:
        if row[1] == "parts":
            row[2] = "<b>零部件</b>"
    return tables


def draw(url: str, kind: AtlasKind, key: str, **options: Any) -> Atlas:
    request = AtlasRequest(kind=kind, key=key, as_of=AS_OF, **options)
    with open_store(url) as opened:
        atlas: Atlas = atlas_from_store(opened, request, load_weights())
    return atlas


def nodes_by_id(atlas: Atlas) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in atlas.nodes}


def details(atlas: Atlas, node_id: str) -> dict[str, str]:
    node = nodes_by_id(atlas)[node_id]
    return dict(zip(atlas.fields[node["k"]], node["d"], strict=True))


def test_chain_atlas_lays_segments_out_in_flow_order_and_marks_what_the_analysis_found(
    store: str,
) -> None:
    atlas = draw(store, AtlasKind.CHAIN, "NEV-T", lang="en", firms=True)
    nodes = nodes_by_id(atlas)
    firms = {LEADER, TIER1_A, TIER1_B, TIER2, DEALER}
    assert {n for n in nodes if not n.startswith("header:")} == firms
    x = {u: nodes[u]["x"] for u in firms}
    # materials -> cells -> (parts) -> assembly -> sales
    assert x[TIER2] < x[TIER1_A] < x[TIER1_B] < x[LEADER] < x[DEALER]
    headers = sorted(
        (n for n in atlas.nodes if n["id"].startswith("header:")), key=lambda n: n["x"]
    )
    assert [h["label"] for h in headers] == [
        "锂电材料",
        "动力电池",
        "汽车零部件",
        "整车制造",
        "销售与售后",
    ]
    # colour is the certification state on the day
    assert [nodes[u]["group"] for u in (LEADER, TIER1_A, TIER1_B, TIER2, DEALER)] == [
        "valid",
        "expiring",
        "suspended",
        "none",
        "none",
    ]
    assert nodes[LEADER]["shape"] == "star"
    # every upstream firm scores above the default minimum (0.5, 0.553, 0.63): all weak, each
    # with a ring as wide as its score is high, its own colours those of its certificate
    rings = [nodes[u].get("ring") for u in (TIER1_A, TIER1_B, TIER2)]
    assert rings == [5.0, 5.3, 5.8]
    assert "ring" not in nodes[DEALER] and "ring" not in nodes[LEADER]
    assert all("color" not in nodes[u] for u in (TIER1_A, TIER1_B, TIER2))
    assert ("legend-head", "colour: certification state") in atlas.legend
    assert ("g-weak", "red ring: weak link (thicker: higher score)") in atlas.legend
    # size grows with exposure: A and TIER2 0.625, B 0.375, the dealer none
    assert nodes[TIER1_A]["size"] == nodes[TIER2]["size"] > nodes[TIER1_B]["size"]
    assert nodes[TIER1_B]["size"] > nodes[DEALER]["size"]
    # links weighted by share
    widths = {(e["from"], e["to"]): e.get("width") for e in atlas.edges}
    assert widths[(TIER1_A, LEADER)] > widths[(TIER1_B, LEADER)]
    assert len(atlas.edges) == 4
    assert not atlas.aggregated


def test_the_chain_as_a_whole_is_its_segments_by_stage_with_their_figures_and_links(
    store: str,
) -> None:
    atlas = draw(store, AtlasKind.CHAIN, "NEV-T")
    boxes = {n["id"]: n for n in atlas.nodes if n["k"] == "chainsegment"}
    x = {key.split(":")[1]: box["x"] for key, box in boxes.items()}
    # upstream, midstream, downstream columns; within midstream in the order goods flow
    assert x["materials"] < x["cells"] == x["parts"] == x["assembly"] < x["sales"]
    y = {key.split(":")[1]: box["y"] for key, box in boxes.items()}
    assert y["cells"] < y["parts"] < y["assembly"]
    headers = sorted((n for n in atlas.nodes if n["k"] == "header"), key=lambda n: n["x"])
    assert [h["label"] for h in headers] == ["上游", "中游", "下游"]
    cells = boxes["segment:cells"]
    assert cells["label"] == "动力电池\n1 家 · 覆盖 100.0%\n薄弱环节 1"
    assert boxes["segment:assembly"]["label"].endswith("★ 链主所在环节")
    fields = dict(zip(atlas.fields["chainsegment"], cells["d"], strict=True))
    assert fields["企业数"] == "1" and fields["覆盖率"] == "100.0%"
    assert fields["得分最高"] == "昆山恒达电池有限公司（0.500）"
    assert fields["该环节企业图谱"] == "chainmap atlas --chain NEV-T --segment cells"
    # a ring as wide as the segment's highest score; colour stays the coverage band
    assert [boxes[f"segment:{s}"].get("ring") for s in ("materials", "cells", "parts")] == [
        5.8,
        5.0,
        5.3,
    ]
    assert "ring" not in boxes["segment:sales"] and cells["group"] == "cov3"
    assert boxes["segment:parts"]["group"] == "cov0"  # B's certificate is suspended
    assert {(e["from"], e["to"], e["d"][0]) for e in atlas.edges} == {
        ("segment:materials", "segment:cells", "1"),
        ("segment:cells", "segment:assembly", "1"),
        ("segment:parts", "segment:assembly", "1"),
        ("segment:assembly", "segment:sales", "1"),
    }
    assert "--firms" in " ".join(atlas.notes)
    # a click on a segment lists its firms, weakest first
    assert atlas.lists["segment:cells"] == (
        "该环节企业（按得分，前 1 家，共 1 家）",
        [["昆山恒达电池有限公司", "即将到期", "0.500"]],
    )
    # an industry keeps its firms' segments (and the leader's)
    c38 = draw(store, AtlasKind.CHAIN, "NEV-T", industry="C38")
    assert {n["id"] for n in c38.nodes if n["k"] == "chainsegment"} == {
        "segment:cells",
        "segment:assembly",
    }
    assert "行业：C38" in c38.subtitle
    # one segment's firms, one click (or option) away
    one = draw(store, AtlasKind.CHAIN, "NEV-T", segment="cells")
    assert {n["id"] for n in one.nodes if n["k"] != "header"} == {TIER1_A}
    assert one.title == "环节图谱：新能源汽车产业链（测试） · 动力电池（cells）"
    with pytest.raises(NotFound, match="segment"):
        draw(store, AtlasKind.CHAIN, "NEV-T", segment="nope")


def test_a_firms_details_name_its_certificate_exposure_and_reasons(store: str) -> None:
    zh = details(draw(store, AtlasKind.CHAIN, "NEV-T", firms=True), TIER1_A)
    assert zh["名称"] == "昆山恒达电池有限公司"
    assert zh["统一社会信用代码"] == TIER1_A
    assert zh["地区"] == "320583 江苏省苏州市昆山市"
    assert zh["证书编号"] == "00124Q10002R0S"
    assert zh["认证机构"] == "中国质量认证中心"
    assert zh["证书状态"] == "即将到期"
    assert zh["有效期至"] == "2026-11-30"
    assert zh["敞口"] == "62.5%"
    assert zh["得分"] == "0.500"
    assert "单点故障" in zh["原因"] and "2026-11-30" in zh["原因"]
    en = details(draw(store, AtlasKind.CHAIN, "NEV-T", lang="en", firms=True), TIER2)
    assert en["certificate"] == "—" and en["status"] == "none"
    assert en["exposure"] == "62.5%" and en["score"] == "0.630"
    assert en["reasons"].startswith("Holds no QMS certificate in force")


def test_above_the_cap_firms_become_segment_by_region_groups(store: str) -> None:
    atlas = draw(store, AtlasKind.CHAIN, "NEV-T", cap=4, lang="en", firms=True)
    assert atlas.aggregated
    assert atlas.notes[0].startswith("5 firms exceed the cap of 4: shown as 4 groups")
    nodes = nodes_by_id(atlas)
    groups = [n for n in atlas.nodes if n["id"].startswith("group:")]
    # the leader stays itself; the four others fall into (segment, prefecture) groups
    assert LEADER in nodes and not {TIER1_A, TIER1_B, TIER2, DEALER} & set(nodes)
    assert sum(int(g["d"][2]) for g in groups) == 4
    cells = next(g for g in groups if g["d"][0] == "动力电池")
    fields = dict(zip(atlas.fields["group"], cells["d"], strict=True))
    assert fields["region"] == "320500 江苏省苏州市"
    assert (fields["firms"], fields["certified"], fields["coverage"]) == ("1", "1", "100.0%")
    assert fields["weak links"] == "1" and fields["exposure"] == "0.625"
    assert cells["group"] == "cov3" and cells["ring"] == 5.0  # its weak link scores 0.5
    # links between groups are counted, one per pair of firms
    assert sorted(int(e["d"][0]) for e in atlas.edges) == [1, 1, 1, 1]
    assert {e["k"] for e in atlas.edges} == {"grouplink"}


def test_industry_keeps_matching_firms_and_the_leader(store: str) -> None:
    atlas = draw(store, AtlasKind.CHAIN, "NEV-T", industry="C38", firms=True)
    assert set(nodes_by_id(atlas)) - {n for n in nodes_by_id(atlas) if n.startswith("header")} == {
        LEADER,
        TIER1_A,
    }
    assert "行业：C38" in atlas.subtitle
    assert [(e["from"], e["to"]) for e in atlas.edges] == [(TIER1_A, LEADER)]


def test_leader_atlas_puts_deeper_tiers_further_left_and_customers_right(store: str) -> None:
    atlas = draw(store, AtlasKind.LEADER, LEADER, depth=2, lang="en")
    nodes = nodes_by_id(atlas)
    assert nodes[TIER2]["x"] < nodes[TIER1_A]["x"] < nodes[LEADER]["x"] < nodes[DEALER]["x"]
    assert nodes[TIER1_A]["x"] == nodes[TIER1_B]["x"]
    labels = [n["label"] for n in sorted(atlas.nodes, key=lambda n: n["x"]) if n["k"] == "header"]
    assert labels == [
        "tier 2 suppliers",
        "tier 1 suppliers",
        "昆山整车制造",  # names shortened on the page, whole on hover and in the panel
        "direct customers",
    ]
    assert (nodes[LEADER]["label"], nodes[LEADER]["full"]) == (
        "昆山整车制造",
        "昆山整车制造股份有限公司",
    )
    # three tiers asked for, two found: no empty column for the third
    deeper = draw(store, AtlasKind.LEADER, LEADER, depth=3, lang="en")
    headers = [n["label"] for n in deeper.nodes if n["k"] == "header"]
    assert headers[:2] == ["tier 2 suppliers", "tier 1 suppliers"] and len(headers) == 4
    # the figures are the leader's on this tree: the same as on the chain
    assert details(atlas, TIER2)["exposure"] == "62.5%"
    one = draw(store, AtlasKind.LEADER, LEADER, depth=1)
    assert TIER2 not in nodes_by_id(one)


def test_enterprise_atlas_sizes_neighbours_by_share_and_shows_certificates(store: str) -> None:
    atlas = draw(store, AtlasKind.ENTERPRISE, LEADER, lang="en")
    nodes = nodes_by_id(atlas)
    assert set(nodes) >= {LEADER, TIER1_A, TIER1_B, DEALER, "certificate:00124Q10001R0M"}
    assert TIER2 not in nodes
    # A sells it 0.625 of its purchases, B 0.375
    assert nodes[TIER1_A]["size"] > nodes[TIER1_B]["size"]
    assert nodes[TIER1_A]["x"] < nodes[LEADER]["x"] < nodes[DEALER]["x"]
    assert details(atlas, TIER1_A)["segment"] == "动力电池"  # names, read with the tiers
    cert = details(atlas, "certificate:00124Q10001R0M")
    assert cert["body"] == "中国质量认证中心" and cert["status"] == "valid"
    assert cert["expires"] == "2027-02-28" and cert["standard"] == "GB/T 19001-2016"
    assert any(e["to"] == "certificate:00124Q10001R0M" for e in atlas.edges)


def test_region_atlas_counts_segments_and_tabulates_coverage(store: str) -> None:
    atlas = draw(store, AtlasKind.REGION, "32", lang="en")
    segments = {n["id"]: n for n in atlas.nodes if n["k"] == "segment"}
    # Jiangsu holds the leader (assembly), A (cells) and B (parts)
    assert set(segments) == {
        "segment:NEV-T:assembly",
        "segment:NEV-T:cells",
        "segment:NEV-T:parts",
    }
    cells = dict(zip(atlas.fields["segment"], segments["segment:NEV-T:cells"]["d"], strict=True))
    assert (cells["firms"], cells["certified"], cells["coverage"]) == ("1", "1", "100.0%")
    parts = dict(zip(atlas.fields["segment"], segments["segment:NEV-T:parts"]["d"], strict=True))
    assert parts["coverage"] == "0.0%"  # B's certificate is suspended
    assert {(e["from"], e["to"], e["d"][0]) for e in atlas.edges} == {
        ("segment:NEV-T:cells", "segment:NEV-T:assembly", "1"),
        ("segment:NEV-T:parts", "segment:NEV-T:assembly", "1"),
    }
    table = atlas.table
    assert table is not None
    assert table.spans == [("新能源汽车产业链（测试）", 3)]
    assert table.columns == ["动力电池", "汽车零部件", "整车制造"]
    assert [r[0] for r in table.rows] == ["320500 江苏省苏州市", "total"]
    assert table.rows[0][1] == ["1/1（100%）", "0/1（0%）", "1/1（100%）"]
    beijing = draw(store, AtlasKind.REGION, "11").table  # the dealer, in 销售与售后
    assert beijing is not None
    assert beijing.rows == [("110000 北京市", ["0/1（0%）"]), ("合计", ["0/1（0%）"])]
    suzhou = draw(store, AtlasKind.REGION, "3205")
    assert suzhou.title == "区域强链图谱：苏州市（3205）"
    assert draw(store, AtlasKind.REGION, "320583").title == "区域强链图谱：昆山市（320583）"
    assert draw(store, AtlasKind.REGION, "32", lang="en").title == "Region atlas: 江苏省 (32)"
    assert suzhou.table is not None
    assert [r[0] for r in suzhou.table.rows if r[0] != "合计"] == [
        "320500 江苏省苏州市",  # a firm registered at the prefecture
        "320583 江苏省苏州市昆山市",
    ]


def test_unknown_keys_and_bad_options_are_refused(store: str) -> None:
    with pytest.raises(NotFound):
        draw(store, AtlasKind.CHAIN, "NOPE")
    with pytest.raises(NotFound):
        draw(store, AtlasKind.LEADER, "91320583000000099X")
    with pytest.raises(ConfigError, match="industry"):
        draw(store, AtlasKind.CHAIN, "NEV-T", industry="Z9")
    with pytest.raises(ConfigError, match="language"):
        draw(store, AtlasKind.CHAIN, "NEV-T", lang="fr")
    with pytest.raises(ConfigError, match="depth"):
        draw(store, AtlasKind.LEADER, LEADER, depth=0)


def flat(output: str) -> str:
    """Command output without the error box's frame and line breaks."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


def _inline(html: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.S)


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_page_is_self_contained_and_its_policy_admits_only_its_own_code(store: str) -> None:
    html = render_atlas(draw(store, AtlasKind.CHAIN, "NEV-T"))
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=", html)
    assert not re.search(r"<link\b", html)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)  # CSS fetches nothing either
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy is not None
    rules = dict(part.strip().split(" ", 1) for part in unescape(policy.group(1)).split(";"))
    assert rules["default-src"] == "'none'"
    scripts = _inline(html, "script")
    styles = _inline(html, "style")
    assert len(scripts) == 2 and len(styles) == 2
    assert rules["script-src"].split() == [_sha(s) for s in scripts]
    assert rules["style-src"].split() == [_sha(s) for s in styles]
    # the data blocks are inert and parse as JSON
    for block in ("atlas-nodes", "atlas-edges", "atlas-page"):
        found = re.search(
            rf'<script type="application/json" id="{block}">(.*?)</script>', html, re.S
        )
        assert found is not None
        json.loads(found.group(1))


def test_markup_in_the_data_never_reaches_the_page_as_markup(tmp_path: Path) -> None:
    url = _store(tmp_path, hostile_tables())
    for kind, key in (
        (AtlasKind.CHAIN, "NEV-T"),
        (AtlasKind.LEADER, LEADER),
        (AtlasKind.REGION, "32"),
        (AtlasKind.ENTERPRISE, TIER1_A),
    ):
        html = render_atlas(draw(url, kind, key))
        assert XSS not in html and SCRIPT not in html and "<b>零部件" not in html, kind
    # the names are still there, as JSON a script cannot end early on
    chain = render_atlas(draw(url, AtlasKind.CHAIN, "NEV-T"))
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in chain
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(2)" in chain
    title = render_atlas(draw(url, AtlasKind.ENTERPRISE, TIER2))
    assert "企业图谱：&lt;img src=x onerror=alert(1)&gt;" in title


def test_same_data_same_page(store: str) -> None:
    first = render_atlas(draw(store, AtlasKind.CHAIN, "NEV-T"))
    assert render_atlas(draw(store, AtlasKind.CHAIN, "NEV-T")) == first


def test_many_links_are_handed_to_the_page_to_stroke(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chainmap.visualizations import page

    monkeypatch.setattr(page, "DIRECT_LINKS", 2)
    atlas = draw(store, AtlasKind.CHAIN, "NEV-T", firms=True)
    html = render_atlas(atlas)
    data = json.loads(re.search(r'id="atlas-page">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    edges = json.loads(re.search(r'id="atlas-edges">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert edges == []
    index = [n["id"] for n in atlas.nodes]
    triples = [tuple(data["lines"][i : i + 3]) for i in range(0, len(data["lines"]), 3)]
    assert {(index[a], index[b]) for a, b, _ in triples} == {
        (e["from"], e["to"]) for e in atlas.edges
    }
    # share 1 is the widest band, share 0.6 the next
    styles = {(index[a], index[b]): s for a, b, s in triples}
    assert styles[(TIER1_A, LEADER)] == 3 and styles[(TIER1_B, LEADER)] == 2
    assert data["labels"][index.index(TIER1_A)] == "昆山恒达电池"  # the full name in "full"


def test_atlas_command_writes_one_file_and_nothing_else(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for name, options in (
        ("chain", ["--chain", "NEV-T"]),
        ("firms", ["--chain", "NEV-T", "--firms"]),
        ("cells", ["--chain", "NEV-T", "--segment", "cells"]),
        ("leader", ["--leader", LEADER]),
        ("region", ["--region", "320500"]),
        ("enterprise", ["--enterprise", TIER1_B]),
    ):
        out = work / f"{name}.html"
        result = runner.invoke(
            app, ["atlas", *options, "--out", str(out), "--store", store, "--as-of", "2026-11-01"]
        )
        assert result.exit_code == 0, result.output
        assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "chainsegment" in (work / "chain.html").read_text(encoding="utf-8")
    assert "chainsegment" not in (work / "firms.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in work.iterdir()) == [
        "cells.html",
        "chain.html",
        "enterprise.html",
        "firms.html",
        "leader.html",
        "region.html",
    ]
    refused = runner.invoke(
        app, ["atlas", "--leader", LEADER, "--firms", "--out", "x.html", "--store", store]
    )
    assert refused.exit_code == 2 and "go with --chain" in refused.output


def test_atlas_command_errors_leave_the_old_file_alone(store: str, tmp_path: Path) -> None:
    out = tmp_path / "atlas.html"
    out.write_text("earlier", encoding="utf-8")
    cases = [
        (["--chain", "NOPE"], 4, "chain 'NOPE' not found"),
        (["--leader", "91320583000000099X"], 4, "not found"),
        (["--chain", "NEV-T", "--region", "32"], 2, "exactly one of"),
        ([], 2, "exactly one of"),
        (["--region", "99"], 2, "which is no province"),
        (["--chain", "NEV-T", "--industry", "9x"], 2, "GB/T 4754"),
        (["--chain", "NEV-T", "--lang", "fr"], 2, "fr"),
    ]
    for args, status, message in cases:
        result = runner.invoke(app, ["atlas", *args, "--out", str(out), "--store", store])
        assert result.exit_code == status, (args, result.output)
        assert message in flat(result.output), (args, result.output)
        assert out.read_text(encoding="utf-8") == "earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas.db", "atlas.html", "data"]


def test_both_stores_draw_the_same_atlases(store_url: str, store: str, tmp_path: Path) -> None:
    import_datasets(
        [write_dataset(tmp_path / "again")], lambda: open_store(store_url, create=True), workers=1
    )
    for kind, key in (
        (AtlasKind.CHAIN, "NEV-T"),
        (AtlasKind.LEADER, LEADER),
        (AtlasKind.REGION, "32"),
        (AtlasKind.ENTERPRISE, TIER1_A),
    ):
        here, there = draw(store, kind, key), draw(store_url, kind, key)
        assert sorted(map(json.dumps, here.nodes)) == sorted(map(json.dumps, there.nodes)), kind
        assert sorted(map(repr, here.edges)) == sorted(map(repr, there.edges)), kind
        assert (here.title, here.subtitle, here.notes, here.table) == (
            there.title,
            there.subtitle,
            there.notes,
            there.table,
        )


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("320583", "320500"),  # 昆山市 counts in 苏州市
        ("419001", "419001"),  # 济源市, under the province: a prefecture level of its own
        ("429004", "429004"),  # 仙桃市
        ("469001", "469001"),  # 五指山市
        ("659001", "659001"),  # 石河子市
        ("500101", "500000"),  # 重庆市万州区 (5001)
        ("500229", "500000"),  # 重庆市城口县 (5002)
        ("110105", "110000"),  # 北京市朝阳区
    ],
)
def test_firms_group_by_their_prefecture_level_unit(code: str, group: str) -> None:
    from chainmap.visualizations.firms import _region_key

    assert _region_key(code, 4) == group
    assert _region_key(code, 2) == code[:2]
