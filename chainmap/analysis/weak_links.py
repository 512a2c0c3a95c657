"""Weak links: firms a leader depends on that certification does not protect, scored and explained.

Every figure is computed per leader: a firm supplying two leaders of a chain has one row for
each, with that leader's exposure, dominators and single-sourcing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx

from chainmap.analysis.certification import REASON_OF_STATE, CertState, certification
from chainmap.analysis.flow import Components, components, exposure
from chainmap.analysis.structure import dominance, hhi, single_sourced
from chainmap.analysis.upstream import Upstream, upstream
from chainmap.analysis.weights import Weights
from chainmap.columns import Column, Kind
from chainmap.rules.industry import industry_name
from chainmap.rules.regions import region_full_name

__all__ = [
    "REASONS",
    "WEAK_LINK_FIELDS",
    "FirmFigures",
    "analyse_leader",
    "chain_leaders",
    "is_weak",
    "select",
    "weak_links",
]

# thresholds are compared with this slack, so 0.3 / 0.6 counts as the 0.5 it is meant to be
_EPS = 1e-9


def is_weak(score: float, min_score: float) -> bool:
    """Whether a firm scoring ``score`` is a weak link at ``min_score``: the one test every
    listing, view, plan and atlas makes, with the slack that lets a score a rounding error
    below the threshold count."""
    return score >= min_score - _EPS


#: reason codes, in the order they are listed, with their Chinese and English labels
REASONS: dict[str, tuple[str, str]] = {
    "uncertified": ("无有效质量管理体系认证证书", "holds no QMS certificate in force"),
    "certificate_withdrawn": ("认证证书已被撤销", "its certificate was withdrawn"),
    "certificate_cancelled": ("认证证书已注销", "its certificate was cancelled"),
    "certificate_expired": ("认证证书已过期", "its certificate has expired"),
    "certificate_suspended": ("认证证书被暂停", "its certificate is suspended"),
    "certificate_expiring": ("认证证书即将到期", "its certificate expires soon"),
    "surveillance_overdue": (
        "监督审核逾期，证书应予暂停",
        "its surveillance audit is overdue: the certificate is due for suspension",
    ),
    "single_point_of_failure": ("单点故障", "a single point of failure"),
    "single_source": ("独家供应", "a sole source"),
    "high_exposure": ("链主采购敞口高", "high exposure"),
    "concentrated": (
        "在某客户的集中采购中占比高",
        "a large share of a concentrated customer's purchases",
    ),
    "low_maturity": ("质量管理成熟度低", "low QMS maturity"),
}


@dataclass(frozen=True, slots=True)
class FirmFigures:
    """One firm's figures towards one leader (see docs/analysis.md for each)."""

    leader: str
    uscc: str
    name: str
    segment: str
    region_code: str
    industry_code: str
    size: str | None
    maturity: int | None
    certification: str
    cert_no: str | None
    cert_expires_on: date | None
    cert_audit_due: date | None
    exposure: float
    dominated_count: int
    dominated_share: float
    single_point_of_failure: bool
    single_source: bool
    sole_supplies: int
    largest_share: float
    concentrated: bool
    concentrated_share: float | None
    in_loop: bool
    dependence: float
    risk: float
    score: float
    reasons: tuple[str, ...]

    @property
    def region_name(self) -> str | None:
        """The region's full name, province first (``None`` for a code the table lacks)."""
        return region_full_name(self.region_code)

    @property
    def industry_name(self) -> str | None:
        """The GB/T 4754-2017 name of the industry code (``None`` for a code the table lacks)."""
        return industry_name(self.industry_code)

    @property
    def explanation_zh(self) -> str:
        """The reasons as one Chinese sentence, each with its figure."""
        return _explain(self)[0]

    @property
    def explanation_en(self) -> str:
        """The reasons as one English sentence, each with its figure."""
        return _explain(self)[1]

    def as_dict(self) -> dict[str, Any]:
        """The record of :data:`WEAK_LINK_FIELDS`, JSON-ready: dates as ISO text, reasons as a
        list, the region's and industry's names beside their codes, both sentences."""
        zh, en = _explain(self)
        out: dict[str, Any] = {}
        for field in WEAK_LINK_FIELDS:
            name = field.name
            if name == "explanation_zh":
                out[name] = zh
            elif name == "explanation_en":
                out[name] = en
            else:
                value = getattr(self, name)
                if isinstance(value, date):
                    value = value.isoformat()
                elif isinstance(value, tuple):
                    value = list(value)
                out[name] = value
        return out


_REGION_NAME = (
    "the region's full name, province first: 江苏省苏州市昆山市 (county names repeat across "
    "provinces); null for a code the GB/T 2260 table lacks"
)
_INDUSTRY_NAME = "the GB/T 4754-2017 name (行业名称) of the industry code, e.g. 锂离子电池制造"

#: the weak-link record as every output hands it out, in order: the fields of FirmFigures with
#: the names beside the codes and the two sentences. The CSV and XLSX columns, their headers and
#: the API's WeakLink schema come from here (docs/analysis.md explains each field).
WEAK_LINK_FIELDS: tuple[Column, ...] = (
    Column("leader", Kind.CODE, "链主统一社会信用代码", "leader USCC"),
    Column("uscc", Kind.CODE, "统一社会信用代码", "USCC"),
    Column("name", Kind.TEXT, "企业名称", "name"),
    Column("segment", Kind.CODE, "环节", "segment"),
    Column("region_code", Kind.CODE, "行政区划代码", "region code"),
    Column("region_name", Kind.TEXT, "行政区划", "region", nullable=True, doc=_REGION_NAME),
    Column("industry_code", Kind.CODE, "行业代码", "industry code"),
    Column("industry_name", Kind.TEXT, "行业名称", "industry", nullable=True, doc=_INDUSTRY_NAME),
    Column("size", Kind.TEXT, "企业规模", "size", nullable=True),
    Column("maturity", Kind.INT, "质量管理成熟度", "QMS maturity", nullable=True),
    Column("certification", Kind.TEXT, "认证状态", "certification"),
    Column("cert_no", Kind.CODE, "证书编号", "certificate no.", nullable=True),
    Column("cert_expires_on", Kind.DATE, "证书有效期至", "certificate expires on", nullable=True),
    Column(
        "cert_audit_due",
        Kind.DATE,
        "监督审核截止日",
        "surveillance audit due",
        nullable=True,
        doc="the last day of the next surveillance audit of the certificate in force",
    ),
    Column("exposure", Kind.FLOAT, "采购敞口", "exposure"),
    Column("dominated_count", Kind.INT, "必经其的企业数", "dominated firms"),
    Column("dominated_share", Kind.FLOAT, "必经其的采购份额", "dominated share"),
    Column("single_point_of_failure", Kind.BOOL, "单点故障", "single point of failure"),
    Column("single_source", Kind.BOOL, "独家供应", "sole source"),
    Column("sole_supplies", Kind.INT, "独家供应的采购项数", "sole supplies"),
    Column("largest_share", Kind.FLOAT, "占客户采购的最大份额", "largest share"),
    Column("concentrated", Kind.BOOL, "集中采购中占比高", "concentrated"),
    Column(
        "concentrated_share", Kind.FLOAT, "集中采购中的份额", "concentrated share", nullable=True
    ),
    Column("in_loop", Kind.BOOL, "处于供应环路", "in a supply loop"),
    Column("dependence", Kind.FLOAT, "依赖度", "dependence"),
    Column("risk", Kind.FLOAT, "风险度", "risk"),
    Column("score", Kind.FLOAT, "薄弱评分", "score"),
    Column("reasons", Kind.LIST, "原因代码", "reasons"),
    Column("explanation_zh", Kind.TEXT, "原因说明", "explanation (Chinese)"),
    Column("explanation_en", Kind.TEXT, "原因说明（英文）", "explanation"),
)


def chain_leaders(graph: nx.DiGraph) -> list[str]:
    """The leaders of the graph's chain(s) that are firms of the graph, in USCC order."""
    return [u for u in graph.graph.get("leaders", []) if u in graph]


def _percent(x: float) -> str:
    return f"{100 * x:.1f}%" if x >= 0.001 else f"{100 * x:.3f}%"


def _explain(f: FirmFigures) -> tuple[str, str]:
    """One sentence in Chinese and one in English naming each reason with its figure."""
    zh: list[str] = []
    en: list[str] = []
    expires = f.cert_expires_on
    for reason in f.reasons:
        if reason == "uncertified":
            zh.append(REASONS[reason][0])
            en.append(REASONS[reason][1])
        elif reason == "certificate_expiring":
            zh.append(f"认证证书将于 {expires} 到期")
            en.append(f"its certificate expires on {expires}")
        elif reason == "surveillance_overdue":
            zh.append(f"监督审核应于 {f.cert_audit_due} 前完成，已逾期，证书应予暂停")
            en.append(
                f"its surveillance audit was due by {f.cert_audit_due}: the certificate is due "
                "for suspension"
            )
        elif reason.startswith("certificate_"):
            zh.append(REASONS[reason][0])
            en.append(REASONS[reason][1])
        elif reason == "single_point_of_failure":
            n, share = f.dominated_count, _percent(f.dominated_share)
            zh.append(f"是 {n} 家企业通往链主的必经节点（单点故障，承载链主采购额 {share}）")
            en.append(
                f"every supply path of {n} firm{'s' if n != 1 else ''} to the leader passes "
                f"through it (single point of failure, {share} of the leader's purchases)"
            )
        elif reason == "single_source":
            n = f.sole_supplies
            zh.append(f"为 {n} 项采购的唯一供应商")
            en.append(f"sole supplier of {n} purchase{'s' if n != 1 else ''}")
        elif reason == "high_exposure":
            share = _percent(f.exposure)
            zh.append(f"链主采购额的 {share} 经由该企业")
            en.append(f"{share} of the leader's purchases flow through it")
        elif reason == "concentrated":
            share = _percent(f.concentrated_share or 0.0)
            zh.append(f"占某客户采购额的 {share}，该客户采购高度集中")
            en.append(f"holds {share} of a customer's concentrated purchases")
        elif reason == "low_maturity":
            zh.append(f"质量管理成熟度仅为 {f.maturity} 级")
            en.append(f"its QMS maturity is only level {f.maturity}")
    if not zh:
        state = CertState(f.certification)
        return (f"认证状态：{state.label_zh}。", f"certification: {state.value}.")
    sentence = "; ".join(en)
    return "；".join(zh) + "。", sentence[0].upper() + sentence[1:] + "."


def _customer_concentration(
    up: Upstream, weights: Weights
) -> tuple[list[float], list[float | None]]:
    """Each firm's largest share of a customer's purchases, and its largest share of purchases
    that are concentrated (two or more suppliers, HHI at the threshold or above) when that share
    reaches the threshold (``None`` otherwise: the firm is not ``concentrated``)."""
    limits = weights.thresholds
    largest = [0.0] * len(up)
    concentrated: list[float | None] = [None] * len(up)
    for links in up.suppliers:
        index = hhi([w for _, w in links]) if len(links) > 1 else 10_000.0
        for u, w in links:
            if w > largest[u]:
                largest[u] = w
            if (
                len(links) > 1
                and index >= limits.concentration_hhi - _EPS
                and w >= limits.concentration_share - _EPS
                and w > (concentrated[u] or 0.0)
            ):
                concentrated[u] = w
    return largest, concentrated


def _dominated_shares(
    up: Upstream, loops: Components, idom: Sequence[int], flow: Sequence[float]
) -> list[float]:
    """The share of the leader's purchases each firm receives from the firms it dominates: the
    flow on its links from suppliers it dominates (links inside a supply loop carry none)."""
    shares = [0.0] * len(up)
    for v in range(1, len(up)):
        k = loops.of[v]
        for u, w in up.suppliers[v]:
            if idom[u] == v and loops.of[u] != k:
                shares[v] += flow[v] * w / loops.divisor[k]
    return shares


def analyse_leader(
    graph: nx.DiGraph, leader: str, as_of: date, weights: Weights
) -> list[FirmFigures]:
    """Figures of every firm upstream of ``leader`` (the leader itself excluded), best score first.

    Ties in score are broken by USCC, so the same data always gives the same order.
    """
    up = upstream(graph, leader)
    loops = components(up)
    flow = exposure(up, loops)
    dom = dominance(up)
    sole = single_sourced(graph, set(up.firms))
    largest, concentrated = _customer_concentration(up, weights)
    dominated_shares = _dominated_shares(up, loops, dom.idom, flow)
    chains = {c.chain_id for c in graph.graph.get("chains", [])}
    dep, risk_w, cert_risk, limits = (
        weights.dependence,
        weights.risk,
        weights.certification_risk,
        weights.thresholds,
    )
    found: list[FirmFigures] = []
    nodes = graph.nodes
    for i in range(1, len(up)):
        uscc = up.firms[i]
        attrs = nodes[uscc]
        cert = certification(attrs.get("certificates", ()), as_of, limits.expiring_days)
        maturity: int | None = attrs.get("maturity")
        spof = dom.dominated[i] > 0
        sole_count = len(sole.get(uscc, ()))
        dominated_share = dominated_shares[i]
        high = flow[i] >= limits.high_exposure - _EPS
        dependence = min(
            1.0,
            dep.exposure * min(1.0, flow[i] / limits.high_exposure)
            + (dep.single_point_of_failure if spof else 0.0)
            + (dep.single_source if sole_count else 0.0)
            + (dep.concentrated if concentrated[i] is not None else 0.0),
        )
        gap = (5 - maturity) / 4 if maturity is not None else limits.unknown_maturity_gap
        state_risk = getattr(cert_risk, cert.state.value)
        if cert.surveillance_overdue:
            state_risk = max(state_risk, cert_risk.surveillance_overdue)
        risk = min(
            1.0,
            risk_w.certification * state_risk + risk_w.maturity_gap * max(0.0, min(1.0, gap)),
        )
        reasons: list[str] = []
        if cert.state in REASON_OF_STATE:
            reasons.append(REASON_OF_STATE[cert.state])
        if cert.surveillance_overdue:
            reasons.append("surveillance_overdue")
        if spof:
            reasons.append("single_point_of_failure")
        if sole_count:
            reasons.append("single_source")
        if high:
            reasons.append("high_exposure")
        if concentrated[i] is not None:
            reasons.append("concentrated")
        if maturity is not None and maturity <= limits.low_maturity:
            reasons.append("low_maturity")
        expires = cert.certificate.expires_on if cert.certificate else None
        found.append(
            FirmFigures(
                leader=leader,
                uscc=uscc,
                name=attrs.get("name", ""),
                segment=";".join(
                    sorted(s for c, s in attrs.get("segments", ()) if not chains or c in chains)
                ),
                region_code=attrs.get("region_code", ""),
                industry_code=attrs.get("industry_code", ""),
                size=attrs.get("size"),
                maturity=maturity,
                certification=cert.state.value,
                cert_no=cert.certificate.cert_no if cert.certificate else None,
                cert_expires_on=expires,
                cert_audit_due=cert.audit_due,
                exposure=flow[i],
                dominated_count=dom.dominated[i],
                dominated_share=dominated_share,
                single_point_of_failure=spof,
                single_source=bool(sole_count),
                sole_supplies=sole_count,
                largest_share=largest[i],
                concentrated=concentrated[i] is not None,
                concentrated_share=concentrated[i],
                in_loop=loops.looped(i),
                dependence=dependence,
                risk=risk,
                score=dependence * risk,
                reasons=tuple(reasons),
            )
        )
    found.sort(key=lambda f: (-f.score, f.uscc))
    return found


def weak_links(
    graph: nx.DiGraph,
    as_of: date,
    weights: Weights,
    leaders: Iterable[str] | None = None,
) -> list[FirmFigures]:
    """Figures of the firms upstream of each leader (all the chain's by default), leader by leader."""
    chosen = chain_leaders(graph) if leaders is None else list(leaders)
    found: list[FirmFigures] = []
    for leader in chosen:
        found.extend(analyse_leader(graph, leader, as_of, weights))
    return found


def select(
    figures: Iterable[FirmFigures],
    *,
    min_score: float = 0.0,
    region: str | None = None,
    industry: str | None = None,
    segment: str | None = None,
    sizes: Iterable[str] | None = None,
    top: int | None = None,
) -> list[FirmFigures]:
    """The rows that pass every filter given, at most ``top`` per leader, order kept.

    ``region`` is a region-code prefix; ``industry`` a GB/T 4754 code prefix (a section letter
    such as ``C`` or a division such as ``C38``); ``segment`` a segment id of the chain.
    """
    wanted = set(sizes) if sizes is not None else None
    per_leader: dict[str, int] = {}
    chosen: list[FirmFigures] = []
    for f in figures:
        if not is_weak(f.score, min_score):
            continue
        if region and not f.region_code.startswith(region):
            continue
        if industry and not f.industry_code.startswith(industry):
            continue
        if segment and segment not in f.segment.split(";"):
            continue
        if wanted is not None and f.size not in wanted:
            continue
        if top is not None and per_leader.get(f.leader, 0) >= top:
            continue
        per_leader[f.leader] = per_leader.get(f.leader, 0) + 1
        chosen.append(f)
    return chosen
