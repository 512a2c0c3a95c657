"""What an atlas holds before it becomes a page, and the words and colours every view shares.

An :class:`Atlas` is plain data: vis-network node and edge dicts with their positions already
computed, a legend, notes and (for the region atlas) a coverage table, all in one language. Each
node carries ``k`` (its kind, which names the detail fields shown when it is pointed at) and
``d`` (the detail values, already formatted as text). Nothing here is HTML: the page escapes it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from chainmap.analysis.certification import CertState
from chainmap.enums import SizeClass
from chainmap.errors import ConfigError
from chainmap.records import CertificateRow
from chainmap.rules.regions import province_name, region_full_name, region_name

__all__ = [
    "Atlas",
    "CoverageTable",
    "Words",
    "coverage_group",
    "gc_paused",
    "short_name",
    "words",
]

Node = dict[str, Any]
Edge = dict[str, Any]


@dataclass(frozen=True, slots=True)
class CoverageTable:
    """A table of certification coverage: a row per region, a column per segment."""

    caption: str
    #: header cells spanning several columns (a chain over its segments), with their spans
    spans: list[tuple[str, int]]
    columns: list[str]
    rows: list[tuple[str, list[str]]]


@dataclass(slots=True)
class Atlas:
    """One atlas, ready to render: ``kind`` is chain, leader, region or enterprise."""

    kind: str
    lang: str
    title: str
    subtitle: str
    nodes: list[Node]
    edges: list[Edge]
    #: the labels of the detail values (``d``) of each kind of node and of links
    fields: dict[str, list[str]]
    #: (style class, label) pairs, in order
    legend: list[tuple[str, str]]
    notes: list[str] = field(default_factory=list)
    table: CoverageTable | None = None
    #: True when firms are shown as segment x region groups
    aggregated: bool = False
    #: per node id, rows of a list the side panel shows when the node is clicked (a segment's
    #: firms: name, certificate state, score), with the heading of that list
    lists: dict[str, tuple[str, list[list[str]]]] = field(default_factory=dict)


#: fill and border colour of each certification state (and of group coverage bands)
STATE_COLOURS: dict[str, tuple[str, str]] = {
    CertState.VALID: ("#43a047", "#1b5e20"),
    CertState.EXPIRING: ("#fdd835", "#9e8600"),
    CertState.SUSPENDED: ("#fb8c00", "#a65c00"),
    CertState.EXPIRED: ("#e53935", "#8e1b18"),
    CertState.CANCELLED: ("#8e24aa", "#4a126a"),
    CertState.WITHDRAWN: ("#6d1b1b", "#2b0a0a"),
    CertState.NONE: ("#b0bec5", "#546e7a"),
}
#: group coverage bands: share of firms with a certificate in force
COVERAGE_BANDS: tuple[tuple[float, str, str, str], ...] = (
    (0.75, "cov3", "#1b7a3a", "#0d3d1d"),
    (0.50, "cov2", "#7cb342", "#3e5a21"),
    (0.25, "cov1", "#fbc02d", "#7d6016"),
    (0.00, "cov0", "#e53935", "#8e1b18"),
)
WEAK_BORDER = "#d50000"
LEADER_COLOUR = ("#1e88e5", "#0d47a1")


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while an atlas allocates its tens of thousands of small dicts and
    lists: each collection would walk the whole graph beside them (a third of the time at
    20,000 firms). Nothing built here forms a cycle, so reference counting frees it all."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


#: the longest name a node's label shows, in characters (a Chinese name), before it is cut
SHORT_ZH, SHORT_EN = 10, 20
#: legal-form endings left out of a label: the full name shows on hover and in the side panel
_FORMS = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "公司")


def short_name(name: str) -> str:
    """A firm's name short enough to label a node without running into its neighbours: its
    legal form left out, then cut to :data:`SHORT_ZH` characters (``SHORT_EN`` for names in
    Latin letters) with an ellipsis.

    >>> short_name("合肥昌诺新能源汽车股份有限公司")
    '合肥昌诺新能源汽车'
    >>> short_name("宁波高新区某某精密机械制造有限公司")
    '宁波高新区某某精密…'
    >>> short_name("Acme Battery Materials Co., Ltd.")
    'Acme Battery Materi…'
    """
    text = name.strip()
    for form in _FORMS:
        if text.endswith(form) and len(text) > len(form) + 1:
            text = text[: -len(form)]
            break
    limit = SHORT_EN if text.isascii() else SHORT_ZH
    return text if len(text) <= limit else text[: limit - 1] + "…"


def coverage_group(coverage: float | None) -> str:
    """The colour group of a coverage share (``cov0`` .. ``cov3``; ``cov0`` when unknown)."""
    for floor, group, _, _ in COVERAGE_BANDS:
        if coverage is not None and coverage >= floor:
            return group
    return "cov0"


_WORDS: dict[str, tuple[str, str]] = {
    # titles
    "chain_title": ("强链图谱：{name}（{id}）", "Chain atlas: {name} ({id})"),
    "segment_title": (
        "环节图谱：{chain} · {name}（{id}）",
        "Segment atlas: {chain} · {name} ({id})",
    ),
    "leader_title": ("链主供应商图谱：{name}", "Leader atlas: {name}"),
    "region_title": ("区域强链图谱：{name}", "Region atlas: {name}"),
    "enterprise_title": ("企业图谱：{name}", "Enterprise atlas: {name}"),
    "as_of": ("截至 {day}", "as of {day}"),
    "firms_links": (
        "{firms:,} 家企业，{links:,} 条供应关系",
        "{firms:,} firms, {links:,} supply links",
    ),
    "industry_filter": ("行业：{code}", "industry: {code}"),
    # notes
    "aggregated": (
        "企业数 {firms:,} 超过上限 {cap:,}，已按{by}汇总为 {groups:,} 组；"
        "节点大小为敞口合计，颜色为有效证书覆盖率。",
        "{firms:,} firms exceed the cap of {cap:,}: shown as {groups:,} groups by {by}; "
        "size is their summed exposure, colour their coverage by certificates in force.",
    ),
    "by_segment_region": ("环节×地区", "segment x region"),
    "by_tier_region": ("层级×地区", "tier x region"),
    "by_side_region": ("上下游×地区", "side x region"),
    "layout_chain": (
        "从左到右按环节排列（上游→链主→下游）；每列内按得分、敞口由高到低。",
        "Segments left to right (upstream -> leader -> downstream); "
        "within a column by score, then exposure, highest first.",
    ),
    "layout_leader": (
        "从左到右：第 {depth} 级至第 1 级供应商、链主、直接客户；敞口按这 {depth} 级供应商计算。",
        "Left to right: tier {depth} to tier 1 suppliers, the leader, its direct customers; "
        "exposure computed over these {depth} tiers.",
    ),
    "layout_region": (
        "每行一条产业链，节点为环节（企业数、有效证书覆盖率），连线为地区内企业间供应关系数。",
        "A row per chain; a node per segment (firms, coverage by certificates in force); "
        "links count the supply links between the region's firms.",
    ),
    "layout_enterprise": (
        "左：直接供应商（大小为其供货份额）；右：直接客户（大小为本企业在其采购中的份额）；下：本企业证书。",
        "Left: direct suppliers (size: their share of its purchases); right: direct customers "
        "(size: its share of theirs); below: its certificates.",
    ),
    "weak_rule": (
        "颜色为证书状态；红环为薄弱环节（得分 ≥ {score}），环越粗得分越高。",
        "Colour is the certification state; a red ring marks a weak link (score >= {score}), "
        "the thicker the higher its score.",
    ),
    "no_firms": ("没有符合条件的企业。", "No firm matches."),
    "layout_segments": (
        "产业链全景：按上游、中游、下游分列，列内按供货流向排列；每个方框为一个环节"
        "（企业数、有效证书覆盖率、薄弱环节数），连线为环节间供应关系数。点击环节列出其企业。",
        "The chain as a whole: upstream, midstream and downstream columns, segments in the order "
        "goods flow within each; a box per segment (firms, coverage by certificates in force, "
        "weak links); links count the supply links between segments. Click a segment to list "
        "its firms.",
    ),
    "weak_rule_segments": (
        "颜色为有效证书覆盖率；红环为含薄弱环节（得分 ≥ {score}）的环节，环越粗最高得分越高。",
        "Colour is coverage by certificates in force; a red ring marks a segment holding weak "
        "links (score >= {score}), the thicker the higher the highest score.",
    ),
    "open_firms": (
        "企业级图谱：chainmap atlas --chain {chain} --firms；某一环节的企业：--segment 环节代码。",
        "Firm-level atlas: chainmap atlas --chain {chain} --firms; one segment's firms: "
        "--segment SEGMENT.",
    ),
    "open_segment": (
        "chainmap atlas --chain {chain} --segment {segment}",
        "chainmap atlas --chain {chain} --segment {segment}",
    ),
    "loose_firms": ("另有 {n:,} 家企业未分环节。", "{n:,} more firms are in no segment."),
    "segments_count": ("{n} 个环节", "{n} segments"),
    "box_firms": ("{firms:,} 家 · 覆盖 {coverage}", "{firms:,} firms · {coverage}"),
    "box_weak": ("薄弱环节 {weak:,}", "weak links {weak:,}"),
    "box_leader": ("★ 链主所在环节", "★ leader's segment"),
    "stage_upstream": ("上游", "upstream"),
    "stage_midstream": ("中游", "midstream"),
    "stage_downstream": ("下游", "downstream"),
    "stage_other": ("其他", "other"),
    "weak_segment": (
        "红环：含薄弱环节（越粗最高得分越高）",
        "red ring: holds weak links (thicker: higher top score)",
    ),
    "f_stage": ("阶段", "stage"),
    "f_exposure_coverage": ("敞口覆盖率", "exposure covered"),
    "f_leaders": ("链主", "leaders"),
    "segment_firms": (
        "该环节企业（按得分，前 {shown:,} 家，共 {firms:,} 家）",
        "Its firms (by score, {shown:,} of {firms:,})",
    ),
    "f_open": ("该环节企业图谱", "its firms' atlas"),
    # legend
    "leader": ("链主", "chain leader"),
    "weak": ("红环：薄弱环节（越粗得分越高）", "red ring: weak link (thicker: higher score)"),
    "colour_states": ("颜色：证书状态", "colour: certification state"),
    "colour_coverage": ("颜色：有效证书覆盖率", "colour: coverage by certificates in force"),
    "certificate": ("证书", "certificate"),
    "cov3": ("覆盖率 ≥ 75%", "coverage >= 75%"),
    "cov2": ("覆盖率 50%–75%", "coverage 50-75%"),
    "cov1": ("覆盖率 25%–50%", "coverage 25-50%"),
    "cov0": ("覆盖率 < 25%", "coverage < 25%"),
    # columns and headers
    "no_segment": ("未分环节", "no segment"),
    "tier": ("第 {n} 级供应商", "tier {n} suppliers"),
    "customers": ("直接客户", "direct customers"),
    "suppliers": ("直接供应商", "direct suppliers"),
    "region_total": ("合计", "total"),
    "coverage_caption": (
        "地区×环节有效证书覆盖率（有证企业/企业数）",
        "Coverage by region and segment (certified firms / firms)",
    ),
    # detail fields
    "f_name": ("名称", "name"),
    "f_uscc": ("统一社会信用代码", "USCC"),
    "f_region": ("地区", "region"),
    "f_industry": ("行业", "industry"),
    "f_size": ("规模", "size"),
    "f_segment": ("环节", "segment"),
    "f_cert": ("证书编号", "certificate"),
    "f_body": ("认证机构", "body"),
    "f_status": ("证书状态", "status"),
    "f_expires": ("有效期至", "expires"),
    "f_exposure": ("敞口", "exposure"),
    "f_score": ("得分", "score"),
    "f_reasons": ("原因", "reasons"),
    "f_firms": ("企业数", "firms"),
    "f_certified": ("有效证书企业", "certified"),
    "f_coverage": ("覆盖率", "coverage"),
    "f_weak": ("薄弱环节数", "weak links"),
    "f_top": ("得分最高", "highest scores"),
    "f_chain": ("产业链", "chain"),
    "f_standard": ("标准", "standard"),
    "f_issued": ("发证日期", "issued"),
    "f_scope": ("认证范围", "scope"),
    "f_products": ("产品", "products"),
    "f_share": ("份额", "share"),
    "f_links": ("供应关系数", "supply links"),
    "f_value": ("年供货额", "annual value"),
    "unknown": ("未知", "unknown"),
    "to_leader": ("（对链主 {name}）", " (to leader {name})"),
}


@dataclass(frozen=True, slots=True)
class Words:
    """The atlas words in one language."""

    lang: str

    def __call__(self, key: str, **values: object) -> str:
        zh, en = _WORDS[key]
        text = zh if self.lang == "zh" else en
        return text.format(**values) if values else text

    def state(self, state: str) -> str:
        return _STATES[self.lang][state]

    def size(self, size: str | None) -> str:
        return _SIZES[self.lang][size]

    def region(self, code: str) -> str:
        """A region code with its names: ``320583 江苏省苏州市昆山市``, ``3205 苏州市``."""
        return _region(code)

    def region_short(self, code: str) -> str:
        """A region's own name, for labels: ``苏州市``; the code when it has none."""
        return region_name(code) or code

    def day(self, value: date | None) -> str:
        return value.isoformat() if value else "—"

    def percent(self, value: float | None) -> str:
        if value is None:
            return "—"
        return f"{100 * value:.1f}%" if value == 0 or value >= 0.001 else f"{100 * value:.3f}%"

    def legend_states(self) -> list[tuple[str, str]]:
        return [(f"g-{state.value}", self.state(state)) for state in CertState]

    def legend_coverage(self) -> list[tuple[str, str]]:
        return [(f"g-{group}", self(group)) for _, group, _, _ in COVERAGE_BANDS]

    def certificate_fields(
        self, cert: CertificateRow | None, bodies: Mapping[str, str]
    ) -> tuple[str, str, str]:
        """Number, body and expiry of a certificate (dashes without one)."""
        if cert is None:
            return "—", "—", "—"
        return cert.cert_no, bodies.get(cert.body_id, cert.body_id), self.day(cert.expires_on)


_STATES = {
    "zh": {s.value: s.label_zh for s in CertState},
    "en": {s.value: s.value for s in CertState},
}
_SIZES: dict[str, dict[str | None, str]] = {
    "zh": {None: _WORDS["unknown"][0]} | {s.value: s.label_zh for s in SizeClass},
    "en": {None: _WORDS["unknown"][1]} | {s.value: s.value for s in SizeClass},
}


@cache
def _region(code: str) -> str:
    name = (region_full_name(code) if len(code) == 6 else region_name(code)) or (
        province_name(code[:2]) if len(code) >= 2 else None
    )
    return f"{code} {name}" if name else code


def words(lang: str) -> Words:
    """The atlas words in ``lang`` (``zh`` or ``en``)."""
    if lang not in ("zh", "en"):
        raise ConfigError(f"unknown language {lang!r}: use zh or en")
    return Words(lang)
