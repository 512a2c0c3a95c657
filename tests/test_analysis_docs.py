"""docs/analysis.md's worked chain, recomputed: every table and figure it prints comes from the code.

The chain is built here as the document describes it; each table of the document is rendered
again from the analysis and must appear in it word for word, so the document cannot drift from
the code. Run ``python tests/test_analysis_docs.py`` to print the tables when the code changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from chainmap.analysis import (
    REASONS,
    FirmFigures,
    Weights,
    analyse_leader,
    certification,
    components,
    dominance,
    exposure,
    load_weights,
    normalised_shares,
    robustness,
    segment_view,
    upstream,
    weak_links,
    what_if,
)
from chainmap.graph import to_digraph
from chainmap.records import (
    CertificateRow,
    ChainRow,
    EnterpriseRow,
    FeedRow,
    LeaderRow,
    SegmentRow,
    Subgraph,
    SupplyRow,
)
from chainmap.reports import WEAK_LINK_COLUMNS

DOC = Path(__file__).resolve().parents[1] / "docs" / "analysis.md"
AS_OF = date(2025, 6, 30)
CHAIN = "NEV-01"

#: firm: name, segment, region code, industry code, size, maturity, certificates
#: (number, status, issued on, expires on[, last surveillance audit, status since])
Held = tuple[str, ...]
FIRMS: dict[str, tuple[str, str, str, str, str, int | None, list[Held]]] = {
    "L": ("电池包（链主）", "vehicles", "340104", "C3841", "large", 5, [
        ("L-1", "valid", "2024-01-10", "2027-01-09", "2025-01-08")]),
    "M": ("整车（链主）", "vehicles", "340111", "C3612", "large", 5, [
        ("M-1", "valid", "2024-05-01", "2027-04-30", "2025-04-20")]),
    "A": ("电芯", "parts", "340121", "C3841", "medium", 4, [
        ("A-1", "valid", "2023-03-01", "2026-02-28", "2025-02-20")]),
    "B": ("电芯与壳体", "parts", "320583", "C3841", "small", 3, [
        ("B-1", "valid", "2022-08-16", "2025-08-15", "2024-06-10")]),
    "H": ("包装材料", "parts", "340102", "C2231", "micro", 3, [
        ("H-1", "cancelled", "2022-03-01", "2025-02-28", "", "2024-11-05")]),
    "C": ("正极材料", "cathode", "340122", "C2613", "small", 2, [
        ("C-1", "suspended", "2023-01-10", "2026-01-09", "", "2024-02-20"),
        ("C-2", "valid", "2025-09-01", "2028-08-31")]),
    "E": ("正极材料", "cathode", "340181", "C2613", "small", 3, [
        ("E-1", "unknown", "2024-02-01", "2027-01-31")]),
    "G": ("正极材料", "cathode", "441900", "C2613", "small", 2, [
        ("G-1", "withdrawn", "2023-06-01", "2026-05-31", "2024-05-25", "2025-03-15")]),
    "D": ("锂盐", "minerals", "360902", "C2613", "micro", None, []),
    "F": ("铝材", "minerals", "340123", "C3252", "micro", 1, [
        ("F-1", "valid", "2022-04-01", "2025-03-31")]),
}  # fmt: skip
LEADERS = ["L", "M"]
#: supply rows as imported: supplier, customer, product, share (None: not known)
ROWS: list[tuple[str, str, str, float | None]] = [
    ("A", "L", "电芯", 0.6),
    ("B", "L", "电芯", 0.16),
    ("B", "L", "壳体", 0.2),
    ("H", "L", "包装材料", 0.04),
    ("C", "A", "正极材料", 0.6),
    ("E", "A", "正极材料", 0.2),
    ("C", "B", "正极材料", None),
    ("E", "B", "正极材料", 0.1),
    ("F", "B", "铝材", 0.5),
    ("D", "C", "锂盐", None),
    ("C", "M", "正极材料", 0.4),
    ("G", "M", "正极材料", 0.6),
]
#: the variant with a supply loop: A sells its scrap back to C
LOOP_ROW = ("A", "C", "回收料", 0.1)
SEGMENTS = [
    SegmentRow(CHAIN, "minerals", "锂盐与铝材", "upstream"),
    SegmentRow(CHAIN, "cathode", "正极材料", "upstream"),
    SegmentRow(CHAIN, "parts", "电芯与零部件", "midstream"),
    SegmentRow(CHAIN, "vehicles", "电池包与整车", "downstream"),
]
#: which segment supplies which (the order of the segment view follows them)
FEEDS = [
    FeedRow(CHAIN, "minerals", "cathode"),
    FeedRow(CHAIN, "minerals", "parts"),
    FeedRow(CHAIN, "cathode", "parts"),
    FeedRow(CHAIN, "cathode", "vehicles"),
    FeedRow(CHAIN, "parts", "vehicles"),
]
#: the weights file of the override example
OVERRIDE = """\
[thresholds]
high_exposure = 0.10
min_score = 0.2

[certification_risk]
expiring = 0.3
"""


def certificate(uscc: str, held: Held) -> CertificateRow:
    no, status, issued, expires, audit, since = (*held, "", "")[:6]
    return CertificateRow(no, uscc, "GB/T 19001", "2016", "CQC", status, date.fromisoformat(issued),
                          date.fromisoformat(expires), None, None,
                          date.fromisoformat(audit) if audit else None,
                          date.fromisoformat(since) if since else None)  # fmt: skip


def described(held: Held) -> str:
    """A certificate as the document lists it: ``B-1 valid 2022-08-16 – 2025-08-15 (audited
    2024-06-10)``."""
    no, status, issued, expires, audit, since = (*held, "", "")[:6]
    notes = [f"audited {audit}"] * bool(audit) + [f"{status} since {since}"] * bool(since)
    return f"{no} {status} {issued} – {expires}" + (f" ({', '.join(notes)})" if notes else "")


def certificates(uscc: str) -> list[CertificateRow]:
    return [certificate(uscc, held) for held in FIRMS[uscc][6]]


def pooled(rows: Sequence[tuple[str, str, str, float | None]]) -> dict[tuple[str, str], Any]:
    """One link per pair of firms: products listed, known shares added (as chainmap.graph does)."""
    links: dict[tuple[str, str], dict[str, Any]] = {}
    for supplier, customer, product, share in rows:
        link = links.setdefault((supplier, customer), {"products": (), "share": None})
        link["products"] = (*link["products"], product)
        if share is not None:
            link["share"] = (link["share"] or 0.0) + share
    return links


def build(loop: bool = False) -> nx.DiGraph:
    """The worked chain as a supply graph (edges supplier -> customer)."""
    graph = nx.DiGraph(
        chains=[ChainRow(CHAIN, "新能源汽车产业链（合肥）", "340100")],
        leaders=LEADERS,
        segments=SEGMENTS,
        feeds=FEEDS,
    )
    for uscc, (name, segment, region, industry, size, maturity, _) in FIRMS.items():
        graph.add_node(
            uscc,
            name=name,
            region_code=region,
            industry_code=industry,
            size=size,
            maturity=maturity,
            segments=[(CHAIN, segment)],
            certificates=certificates(uscc),
        )
    for (supplier, customer), link in pooled([*ROWS, *([LOOP_ROW] if loop else [])]).items():
        graph.add_edge(supplier, customer, **link)
    return graph


def f3(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def yes(flag: bool) -> str:
    return "yes" if flag else "no"


# --- the tables of the document ---------------------------------------------------------------


def firms_table() -> str:
    rows = []
    for uscc, (name, segment, region, industry, size, maturity, certs) in FIRMS.items():
        held = "; ".join(described(c) for c in certs) or "none"
        role = " (leader)" if uscc in LEADERS else ""
        rows.append([f"{uscc}{role}", name, segment, region, industry, size,
                     "unknown" if maturity is None else maturity, held])  # fmt: skip
    header = ["firm", "name", "segment", "region", "industry", "size", "maturity", "certificates"]
    return table(header, rows)


def rows_table() -> str:
    return table(
        ["supplier", "customer", "product", "share"],
        [[s, c, p, "blank" if w is None else w] for s, c, p, w in ROWS],
    )


def shares_table(loop: bool = False) -> str:
    """Each customer's suppliers towards leader L: share on the link, weight, normalised."""
    graph = build(loop)
    up = upstream(graph, "L")
    rows = []
    for i, links in enumerate(up.suppliers):
        customer = up.firms[i]
        names = [up.firms[j] for j, _ in links]
        given = [graph.edges[n, customer]["share"] for n in names]
        known = [s for s in given if s is not None]
        fill = sum(known) / len(known) if known else 1.0
        for name, share, (_, w) in zip(names, given, links, strict=True):
            weight = fill if share is None else share
            products = "、".join(graph.edges[name, customer]["products"])
            rows.append([customer, name, products, "blank" if share is None else f"{share:g}",
                         f"{weight:g}", f3(w)])  # fmt: skip
    return table(["customer", "supplier", "products", "share", "weight", "normalised"], rows)


def structure_table(loop: bool = False) -> str:
    graph = build(loop)
    rows = []
    for leader in LEADERS:
        up = upstream(graph, leader)
        loops = components(up)
        flow = exposure(up, loops)
        dom = dominance(up)
        figures = {f.uscc: f for f in analyse_leader(graph, leader, AS_OF, load_weights())}
        for i in range(1, len(up)):
            f = figures[up.firms[i]]
            rows.append([leader, f.uscc, f3(flow[i]), up.firms[dom.idom[i]], f.dominated_count,
                         f3(dom.from_dominated[i]), f3(f.dominated_share), f.sole_supplies,
                         f3(f.largest_share), yes(f.concentrated), yes(f.in_loop)])  # fmt: skip
    header = ["leader", "firm", "exposure", "idom", "dominated_count", "from dominated",
              "dominated_share", "sole_supplies", "largest_share", "concentrated", "in_loop"]  # fmt: skip
    return table(header, rows)


def hhi_table() -> str:
    up = upstream(build(), "L")
    rows = []
    for i, links in enumerate(up.suppliers):
        if not links:
            continue
        shares = [w for _, w in links]
        index = sum((100 * w) ** 2 for w in shares)
        rows.append([up.firms[i], ", ".join(f"{up.firms[j]} {f3(w)}" for j, w in links),
                     f"{index:,.1f}", "–" if len(links) == 1 else yes(index >= 1800)])  # fmt: skip
    return table(["customer", "normalised shares", "HHI", "HHI ≥ 1,800 (2+ suppliers)"], rows)


def score_table(weights: Weights | None = None) -> str:
    chosen = weights or load_weights()
    rows = []
    for f in weak_links(build(), AS_OF, chosen):
        rows.append([f.leader, f.uscc, f.certification, "unknown" if f.maturity is None else
                     f.maturity, f3(f.dependence), f3(f.risk), f3(f.score),
                     yes(f.score >= chosen.thresholds.min_score), ", ".join(f.reasons)])  # fmt: skip
    header = ["leader", "firm", "certification", "maturity", "dependence", "risk", "score",
              "weak link", "reasons"]  # fmt: skip
    return table(header, rows)


#: certificate sets of the certification examples: what the case shows, certificates
CERT_CASES: list[tuple[str, list[Held]]] = [
    ("in force, expires in over 90 days", [
        ("X-1", "valid", "2024-01-01", "2027-01-01", "2025-01-05")]),
    ("in force, expires in 90 days", [
        ("X-1", "valid", "2022-09-28", "2025-09-28", "2024-09-20")]),
    ("in force, expires in 91 days", [
        ("X-1", "valid", "2022-09-29", "2025-09-29", "2024-09-20")]),
    ("issued on the day", [("X-1", "valid", "2025-06-30", "2028-06-29")]),
    ("valid status, expires on the day", [
        ("X-1", "valid", "2022-06-30", "2025-06-30", "2025-05-20")]),
    ("valid status, expired the day before", [("X-1", "valid", "2022-06-29", "2025-06-29")]),
    ("status expired", [("X-1", "expired", "2021-01-01", "2024-01-01")]),
    ("suspended", [("X-1", "suspended", "2024-01-01", "2027-01-01")]),
    ("cancelled (注销)", [("X-1", "cancelled", "2024-01-01", "2027-01-01")]),
    ("withdrawn (撤销)", [("X-1", "withdrawn", "2024-01-01", "2027-01-01")]),
    ("status unknown", [("X-1", "unknown", "2024-01-01", "2027-01-01")]),
    ("issued after the day", [("X-1", "valid", "2025-07-01", "2028-06-30")]),
    ("no certificate", []),
    ("one in force beats a later suspended one", [
        ("X-1", "valid", "2023-01-01", "2026-01-01", "2024-12-15"),
        ("X-2", "suspended", "2024-01-01", "2027-01-01")]),
    ("two in force: the one expiring last", [
        ("X-1", "valid", "2023-01-01", "2026-01-01", "2024-12-15"),
        ("X-2", "valid", "2022-09-01", "2025-08-01", "2024-08-20")]),
    ("none in force: the latest issued", [
        ("X-1", "withdrawn", "2022-01-01", "2025-01-01"),
        ("X-2", "expired", "2021-01-01", "2024-01-01")]),
    ("the latest issued has status unknown", [
        ("X-1", "withdrawn", "2022-01-01", "2025-01-01"),
        ("X-2", "unknown", "2023-01-01", "2026-01-01")]),
    ("withdrawn the day after", [
        ("X-1", "withdrawn", "2024-01-01", "2027-01-01", "2024-12-10", "2025-07-01")]),
    ("withdrawn on the day", [
        ("X-1", "withdrawn", "2024-01-01", "2027-01-01", "2024-12-10", "2025-06-30")]),
    ("suspended after it expired", [
        ("X-1", "suspended", "2022-06-01", "2025-05-31", "2024-05-20", "2025-07-01")]),
    ("issued 12 months ago to the day, no audit", [
        ("X-1", "valid", "2024-06-30", "2027-06-29")]),
    ("issued 12 months and a day ago, no audit", [
        ("X-1", "valid", "2024-06-29", "2027-06-28")]),
    ("audited 12 months ago to the day", [
        ("X-1", "valid", "2023-05-01", "2026-04-30", "2024-06-30")]),
    ("audited 12 months and a day ago", [
        ("X-1", "valid", "2023-05-01", "2026-04-30", "2024-06-29")]),
    ("an audit recorded after the day", [
        ("X-1", "valid", "2023-05-01", "2026-04-30", "2025-07-10")]),
]  # fmt: skip


def certification_table() -> str:
    rows = []
    for case, certs in CERT_CASES:
        found = certification([certificate("X", held) for held in certs], AS_OF)
        held = "; ".join(described(c) for c in certs) or "none"
        deciding = found.certificate.cert_no if found.certificate else "–"
        due = found.audit_due.isoformat() if found.audit_due else "–"
        overdue = yes(found.surveillance_overdue) if found.audit_due else "–"
        rows.append([case, held, found.state.value, found.state.label_zh, deciding, due, overdue])
    header = ["case", "certificates", "state", "状态", "decided by", "audit due", "overdue"]
    return table(header, rows)


def segments_table() -> str:
    graph = build()
    weights = load_weights()
    rows = []
    for s in segment_view(graph, weak_links(graph, AS_OF, weights), AS_OF, weights):
        rows.append([s.segment_id, s.stage, s.firms, s.certified, f3(s.coverage), f3(s.exposure),
                     f3(s.exposure_coverage), s.weak_links, s.suppliers, s.purchases,
                     s.single_sourced, f3(s.alternatives),
                     "–" if s.hhi is None else f"{s.hhi:,.0f}",
                     "–" if s.regional_hhi is None else f"{s.regional_hhi:,.0f}"])  # fmt: skip
    header = ["segment_id", "stage", "firms", "certified", "coverage", "exposure",
              "exposure_coverage", "weak_links", "suppliers", "purchases", "single_sourced",
              "alternatives", "hhi", "regional_hhi"]  # fmt: skip
    return table(header, rows)


WHAT_IF = [["C"], ["C", "D"], ["B", "E"], ["G"]]
WHAT_IF_LOOP = [["C"], ["A"], ["D"]]


def what_if_table(loop: bool = False) -> str:
    graph = build(loop)
    rows = []
    for failed in WHAT_IF_LOOP if loop else WHAT_IF:
        for w in what_if(graph, failed):
            rows.append([",".join(failed), w.leader, f3(w.lost_share), ", ".join(w.cut_off) or "–"])
    return table(["--fail", "leader", "lost_share", "cut_off"], rows)


def curves_table() -> str:
    graph = build()
    rows = []
    for r in robustness(graph, weak_links(graph, AS_OF, load_weights())):
        for k, a, b in zip(r.targeted.removed, r.targeted.supplied, r.random_mean.supplied,
                           strict=True):  # fmt: skip
            rows.append([r.leader, k, f3(a), f3(b)])
        rows.append([r.leader, "R index", f3(r.targeted.r_index), f3(r.random_mean.r_index)])
    return table(["leader", "firms removed", "supplied (by score)", "supplied (random mean)"], rows)


TABLES: dict[str, Callable[[], str]] = {
    "firms": firms_table,
    "rows": rows_table,
    "shares": shares_table,
    "structure": structure_table,
    "hhi": hhi_table,
    "certification": certification_table,
    "scores": score_table,
    "segments": segments_table,
    "what-if": what_if_table,
    "curves": curves_table,
    "loop shares": lambda: shares_table(loop=True),
    "loop structure": lambda: structure_table(loop=True),
    "loop what-if": lambda: what_if_table(loop=True),
}


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(TABLES))
def test_table_matches_the_code(name: str) -> None:
    assert TABLES[name]() in doc(), f"docs/analysis.md: the {name} table differs from the code"


def test_supply_rows_pool_as_the_graph_builder_pools_them() -> None:
    """The graph of the tests is what chainmap.graph.to_digraph makes of the rows."""
    firm = [EnterpriseRow(u, f[0], f[2], f[3], None, None, None, f[4], None, f[5], "")
            for u, f in FIRMS.items()]  # fmt: skip
    sub = Subgraph(
        enterprises=firm,
        supply=[SupplyRow(s, c, p, w, None) for s, c, p, w in ROWS],
        leaders=[LeaderRow(CHAIN, u) for u in LEADERS],
    )
    built, ours = to_digraph(sub), build()
    assert built.graph["leaders"] == ours.graph["leaders"]
    for s, c, link in ours.edges(data=True):
        assert built.edges[s, c]["products"] == link["products"]
        assert built.edges[s, c]["share"] == pytest.approx(link["share"])
    assert set(built.edges) == set(ours.edges)


def test_explanations_quoted_are_the_code_s() -> None:
    figures = {(f.leader, f.uscc): f for f in weak_links(build(), AS_OF, load_weights())}
    text = doc()
    for key in (("L", "C"), ("L", "B"), ("L", "D")):
        assert figures[key].explanation_zh in text
        assert figures[key].explanation_en in text


#: the example of the threshold slack, outside the worked chain: leader X buys 电芯 from P, Q and
#: R; R is the only supplier of Q
SLACK_ROWS: list[tuple[str, str, str, float | None]] = [
    ("P", "X", "电芯", 0.1),
    ("Q", "X", "电芯", 0.2),
    ("R", "X", "电芯", 0.3),
    ("R", "Q", "正极材料", None),
]


def test_threshold_slack_example() -> None:
    """R's share of X is 0.4999999999999999, counts as 0.5, and the explanation quotes it."""
    graph = nx.DiGraph(leaders=["X"])
    graph.add_nodes_from("XPQR", certificates=[], segments=[])
    for (supplier, customer), link in pooled(SLACK_ROWS).items():
        graph.add_edge(supplier, customer, **link)
    share = normalised_shares([0.1, 0.2, 0.3])[2]
    index = sum((100 * w) ** 2 for w in normalised_shares([0.1, 0.2, 0.3]))
    r = {f.uscc: f for f in analyse_leader(graph, "X", AS_OF, load_weights())}["R"]
    text = doc()
    assert share < 0.5
    assert f"comes out in floating point as {share!r}" in text
    assert f"X's HHI is {index:,.0f}, so R is `concentrated`" in text
    assert r.concentrated
    assert f"Its `largest_share` is {r.largest_share:.3f}" in text
    assert r.explanation_zh in text
    assert r.explanation_en in text


def test_default_weights_table() -> None:
    """Every default of weights.toml is listed as ``| `[section]` | `key` | value |``."""
    text = doc()
    for section, values in load_weights().model_dump().items():
        for key, value in values.items():
            row = f"| `[{section}]` | `{key}` | {value:g} |"
            assert row in text, row


def test_reasons_table() -> None:
    text = doc()
    for code, (zh, en) in REASONS.items():
        assert f"| `{code}` | {zh} | {en} |" in text, code


def test_override_example(tmp_path: Path) -> None:
    """The weights file of the override example parses, and its effect is what the text says."""
    assert f"```toml\n{OVERRIDE}```" in doc()
    path = tmp_path / "weights.toml"
    path.write_text(OVERRIDE, encoding="utf-8")
    assert score_table(load_weights(path)) in doc()


def test_json_examples() -> None:
    """The JSON printed for B towards L and for ``what-if --fail C`` is what the code gives."""
    figures = {(f.leader, f.uscc): f for f in weak_links(build(), AS_OF, load_weights())}
    row = json.dumps(figures["L", "B"].as_dict(), ensure_ascii=False, indent=2)
    lost = json.dumps([w.as_dict() for w in what_if(build(), ["C"])], ensure_ascii=False, indent=2)
    assert f"```json\n{row}\n```" in doc()
    assert f"```json\n{lost}\n```" in doc()


def test_json_fields_are_documented() -> None:
    text = doc()
    for cls in (FirmFigures,):
        for name in cls.__slots__:
            assert f"`{name}`" in text, name
    for name in WEAK_LINK_COLUMNS:  # the CSV's columns, the names beside the codes among them
        assert f"`{name}`" in text, name
    for name in ("lost_share", "cut_off", "random_runs", "random_mean", "r_index", "supplied"):
        assert f"`{name}`" in text, name


def test_the_shares_quoted_normalise_as_stated() -> None:
    assert normalised_shares([None, 0.1, 0.5]) == pytest.approx([1 / 3, 1 / 9, 5 / 9])
    assert re.search(r"1/3, 1/9 and 5/9", doc())


if __name__ == "__main__":  # print the tables, to paste into the document when the code changes
    import tempfile

    for title, render in TABLES.items():
        print(f"<!-- {title} -->\n{render()}\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "weights.toml"
        path.write_text(OVERRIDE, encoding="utf-8")
        print(f"<!-- override scores -->\n{score_table(load_weights(path))}")
