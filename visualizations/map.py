"""A region map (区域地图) as one self-contained HTML page of inline SVG: the units of a region
coloured by certification coverage in force, weak links or expiring certificates (a switch in the
page), their figures on hover, and a click from a province's prefecture to its counties.

Units are drawn by their boundaries where a boundary set holds every unit of a level
(:func:`load_boundaries`, keyed by GB/T 2260 code); otherwise as a tile map, one square per unit in
code order, which claims no geography. The page admits exactly its own inline script and style
(by hash): no request can leave the file. Computing the figures is :mod:`chainmap.regionmap`'s.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from chainmap.regionmap import Area, RegionMap

from .atlas import COVERAGE_BANDS
from .page import _policy

__all__ = ["METRICS", "NO_DATA", "Rings", "load_boundaries", "render_map"]

#: a unit's boundary: polygons' rings of (longitude, latitude) points
Rings = Sequence[Sequence[Sequence[float]]]

#: the switch's metrics, in order
METRICS = ("coverage", "weak", "expiring")
#: the fill of a unit without firms
NO_DATA = "url(#nodata)"

#: (floor of the weak-link share, colour), highest first
WEAK_BANDS = ((0.25, "#6a1b9a"), (0.10, "#ab47bc"), (1e-9, "#ce93d8"), (0.0, "#f3e5f5"))
#: (floor of the share of firms whose certificate expires soon, colour), highest first
EXPIRING_BANDS = ((0.15, "#0d47a1"), (0.05, "#1e88e5"), (1e-9, "#90caf9"), (0.0, "#e3f2fd"))

_TILE_W, _TILE_H, _GAP = 150, 84, 10
_MAP_W = 960

_WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "区域地图：{name}（{code}）",
        "named": "{name}（{code}）",
        "as_of": "截至 {day}",
        "coverage": "有效认证覆盖率",
        "weak": "薄弱环节",
        "expiring": "证书即将到期",
        "switch": "着色依据",
        "firms": "企业 {n} 家",
        "certified": "持有效证书 {n} 家（{share}）",
        "weak_n": "薄弱环节 {n} 家",
        "expiring_n": "证书即将到期 {n} 家",
        "no_data": "无企业数据",
        "unshaped": "以下地区无边界数据，以方格表示：",
        "back": "返回上级",
        "drill": "点击查看下级区县",
        "legend": "图例",
        "share_weak": "薄弱环节占企业比例",
        "share_expiring": "证书即将到期企业比例",
        "tiles": "方格图：每个方格代表一个地区，位置按行政区划代码排列，不表示实际地理形状与位置。",
        "outline": "边界：{source}。",
        "internal": (
            "本图仅供内部分析使用，不是公开出版的地图；在中国公开使用或出版地图须采用经审核批准的"
            "标准底图（审图号）。"
        ),
    },
    "en": {
        "title": "Region map: {name} ({code})",
        "named": "{name} ({code})",
        "as_of": "as of {day}",
        "coverage": "Coverage in force",
        "weak": "Weak links",
        "expiring": "Expiring certificates",
        "switch": "Colour by",
        "firms": "{n} firms",
        "certified": "{n} with a certificate in force ({share})",
        "weak_n": "{n} weak links",
        "expiring_n": "{n} with a certificate expiring soon",
        "no_data": "no firm data",
        "unshaped": "Regions without boundaries, as tiles:",
        "back": "Back",
        "drill": "click for its counties",
        "legend": "Legend",
        "share_weak": "share of firms that are weak links",
        "share_expiring": "share of firms whose certificate expires soon",
        "tiles": (
            "Tile map: one square per region, in code order; neither shapes nor positions are "
            "geographic."
        ),
        "outline": "Boundaries: {source}.",
        "internal": (
            "For internal analysis only, not a published map: maps published in China need an "
            "approved base map (审图号)."
        ),
    },
}


@cache
def _asset(name: str) -> str:
    return (resources.files("chainmap.visualizations") / "templates" / name).read_text(
        encoding="utf-8"
    )


@cache
def load_boundaries() -> tuple[dict[str, Rings], str]:
    """The bundled boundary set (``visualizations/data/boundaries.json``) by 6-digit code, and
    its source as one line; empty when none is bundled."""
    data = resources.files("chainmap.visualizations") / "data" / "boundaries.json"
    if not data.is_file():
        return {}, ""
    loaded = json.loads(data.read_text(encoding="utf-8"))
    return dict(loaded["regions"]), str(loaded.get("source", ""))


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _band(share: float, bands: Sequence[tuple[float, str]]) -> str:
    for floor, colour in bands:
        if share >= floor:
            return colour
    return bands[-1][1]


def fills(area: Area) -> dict[str, str]:
    """The fill of a unit under each metric (:data:`NO_DATA` for a unit without firms)."""
    if not area.firms:
        return dict.fromkeys(METRICS, NO_DATA)
    coverage = area.coverage or 0.0
    cover = next(c for floor, _, c, _ in COVERAGE_BANDS if coverage >= floor)
    return {
        "coverage": cover,
        "weak": _band(_share(area.weak, area.firms), WEAK_BANDS),
        "expiring": _band(_share(area.expiring, area.firms), EXPIRING_BANDS),
    }


def _ink(fill: str) -> str:
    """Dark text on a light fill, white on a dark one."""
    if not fill.startswith("#"):
        return "#102027"
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "#ffffff" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else "#102027"


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.0f}%"


def _labels(area: Area, w: Mapping[str, str]) -> dict[str, str]:
    """The figure a tile shows under each metric."""
    if not area.firms:
        return dict.fromkeys(METRICS, w["no_data"])
    return {
        "coverage": _percent(area.coverage),
        "weak": f"{area.weak}/{area.firms}",
        "expiring": f"{area.expiring}/{area.firms}",
    }


def _details(area: Area, w: Mapping[str, str]) -> list[str]:
    """The lines of a unit's hover box after its name."""
    if not area.firms:
        return [w["no_data"]]
    lines = [
        w["firms"].format(n=area.firms),
        w["certified"].format(n=area.certified, share=_percent(area.coverage)),
        w["weak_n"].format(n=area.weak),
        w["expiring_n"].format(n=area.expiring),
    ]
    if area.areas:
        lines.append(w["drill"])
    return lines


def _short(name: str, limit: int = 8) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _attrs(area: Area, w: Mapping[str, str]) -> str:
    """The data attributes the page's script reads."""
    fill = fills(area)
    found = {
        "data-code": area.code,
        "data-name": w["named"].format(name=area.name, code=area.code),
        "data-details": "\n".join(_details(area, w)),
        "data-empty": "1" if not area.firms else "0",
    }
    for metric in METRICS:
        found[f"data-{metric}"] = fill[metric]
    if area.areas:
        found["data-drill"] = area.code
    return " ".join(f'{k}="{html.escape(v)}"' for k, v in found.items())


def _tiles(areas: Sequence[Area], w: Mapping[str, str], top: int = 0) -> tuple[str, int, int]:
    """A tile per unit, from ``top`` down; the SVG body, its width and height."""
    columns = max(1, min(6, math.ceil(math.sqrt(len(areas) * 1.5))))
    rows = max(1, math.ceil(len(areas) / columns))
    parts = []
    for i, area in enumerate(areas):
        x = _GAP + (i % columns) * (_TILE_W + _GAP)
        y = top + _GAP + (i // columns) * (_TILE_H + _GAP)
        fill = fills(area)["coverage"]
        labels = _labels(area, w)
        label_attrs = " ".join(f'data-{m}="{html.escape(labels[m])}"' for m in METRICS)
        label_attrs += " " + " ".join(f'data-ink-{m}="{_ink(fills(area)[m])}"' for m in METRICS)
        parts.append(
            f'<g class="unit" tabindex="0" role="button" {_attrs(area, w)}>'
            f'<rect class="area" x="{x}" y="{y}" width="{_TILE_W}" height="{_TILE_H}" rx="6" '
            f'fill="{fill}"></rect>'
            f'<text class="name" x="{x + _TILE_W / 2}" y="{y + 34}" font-size="15" '
            f'fill="{_ink(fill)}" {label_attrs}>'
            f"{html.escape(_short(area.name))}</text>"
            f'<text class="figure" x="{x + _TILE_W / 2}" y="{y + 60}" font-size="13" '
            f'fill="{_ink(fill)}" '
            f"{label_attrs}>{html.escape(labels['coverage'])}</text></g>"
        )
    width = _GAP + columns * (_TILE_W + _GAP)
    height = _GAP + rows * (_TILE_H + _GAP)
    return "".join(parts), width, height


def _path(rings: Rings, project: Any) -> str:
    out = []
    for ring in rings:
        points = [project(lon, lat) for lon, lat in ring]
        out.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(out)


def _shapes(
    areas: Sequence[Area], boundaries: Mapping[str, Rings], w: Mapping[str, str]
) -> tuple[str, int, int]:
    """The units by their boundaries, projected equirectangularly at the middle latitude; those
    without boundaries as tiles below, under a caption that says so."""
    shaped = [a for a in areas if a.code in boundaries]
    points = [p for a in shaped for ring in boundaries[a.code] for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * squeeze, 1e-9)
    span_y = max(north - south, 1e-9)
    scale = (_MAP_W - 2 * _GAP) / max(span_x, span_y * 1.2)
    width = round(span_x * scale + 2 * _GAP)
    height = round(span_y * scale + 2 * _GAP)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return _GAP + (lon - west) * squeeze * scale, _GAP + (north - lat) * scale

    parts = [
        f'<g class="unit" tabindex="0" role="button" {_attrs(a, w)}>'
        f'<path class="area" fill-rule="evenodd" d="{_path(boundaries[a.code], project)}" '
        f'fill="{fills(a)["coverage"]}"></path></g>'
        for a in shaped
    ]
    rest = [a for a in areas if a.code not in boundaries]
    if rest:
        parts.append(
            f'<text class="caption" x="{_GAP}" y="{height + 24}" font-size="14">'
            f"{html.escape(w['unshaped'])}</text>"
        )
        body, tiles_width, tiles_height = _tiles(rest, w, height + 32)
        parts.append(body)
        width, height = max(width, tiles_width), height + 32 + tiles_height
    return "".join(parts), width, height


def _legend(w: Mapping[str, str]) -> str:
    def swatch(fill: str, text: str) -> str:
        return (
            f'<li><svg width="18" height="14" aria-hidden="true"><rect width="18" height="14" '
            f'fill="{fill}"></rect></svg>{html.escape(text)}</li>'
        )

    nodata = (
        '<li><svg width="18" height="14" aria-hidden="true"><use href="#nodata-swatch"></use>'
        f"</svg>{html.escape(w['no_data'])}</li>"
    )
    cover = [
        swatch(c, f"≥ {100 * floor:.0f}%" if floor else f"< {100 * COVERAGE_BANDS[-2][0]:.0f}%")
        for floor, _, c, _ in COVERAGE_BANDS
    ]

    def shares(bands: Sequence[tuple[float, str]], title: str) -> list[str]:
        found = [f'<li class="caption">{html.escape(title)}</li>']
        for floor, colour in bands:
            text = "0" if floor == 0 else ("> 0" if floor < 1e-6 else f"≥ {100 * floor:.0f}%")
            found.append(swatch(colour, text))
        return found

    lists = {
        "coverage": [f'<li class="caption">{html.escape(w["coverage"])}</li>', *cover],
        "weak": shares(WEAK_BANDS, w["share_weak"]),
        "expiring": shares(EXPIRING_BANDS, w["share_expiring"]),
    }
    return "".join(
        f'<ul class="legend" data-metric="{m}"{"" if m == "coverage" else " hidden"}>'
        + "".join(lists[m])
        + nodata
        + "</ul>"
        for m in METRICS
    )


def _levels(root: Area) -> list[Area]:
    """The root and every unit the page can drill down to, root first."""
    found = [root]
    for area in root.areas:
        if area.areas:
            found.append(area)
    return found


def render_map(
    drawn: RegionMap,
    *,
    lang: str = "zh",
    boundaries: Mapping[str, Rings] | None = None,
    source: str = "",
) -> str:
    """The page of a region map. ``boundaries`` (by 6-digit code) draws a level by its shapes
    when it holds every unit of it; by default the bundled set (:func:`load_boundaries`)."""
    w = _WORDS["en" if lang == "en" else "zh"]
    if boundaries is None:
        boundaries, source = load_boundaries()
    root = drawn.root
    sections = []
    tiled = False
    for level in _levels(root):
        if any(a.code in boundaries for a in level.areas):
            body, width, height = _shapes(level.areas, boundaries, w)
        else:
            body, width, height = _tiles(level.areas, w)
            tiled = True
        code = level.code.rstrip("0") if level is root else level.code[:4]
        title = w["title"].format(name=level.name, code=code)
        hidden = "" if level is root else " hidden"
        parent = "" if level is root else f' data-parent="{root.code}"'
        sections.append(
            f'<section class="level" data-level="{level.code}" data-title="{html.escape(title)}"'
            f"{parent}{hidden}>"
            f'<svg class="map" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{html.escape(title)}">{body}</svg>'
            "</section>"
        )
    first = w["title"].format(name=root.name, code=root.code.rstrip("0"))
    switch = "".join(
        f'<label><input type="radio" name="metric" value="{m}"'
        f"{' checked' if m == 'coverage' else ''}> {html.escape(w[m])}</label>"
        for m in METRICS
    )
    notes = []
    if tiled:
        notes.append(w["tiles"])
    if source and not tiled:
        notes.append(w["outline"].format(source=source))
    notes.append(w["internal"])
    css, js = _asset("map.css"), _asset("map.js")
    defs = (
        '<svg width="0" height="0" class="defs" aria-hidden="true"><defs>'
        '<pattern id="nodata" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="8" height="8" fill="#eceff1"></rect>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#90a4ae" stroke-width="3"></line></pattern>'
        '<rect id="nodata-swatch" width="18" height="14" fill="url(#nodata)"></rect>'
        "</defs></svg>"
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_policy([js], [css])}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(first)}</title><style>{css}</style></head><body>"
        f'{defs}<header><h1 id="title">{html.escape(first)}</h1>'
        f'<p class="as-of">{html.escape(w["as_of"].format(day=drawn.as_of.isoformat()))}</p>'
        f'<button type="button" id="back" hidden>{html.escape(w["back"])}</button>'
        f'<fieldset class="switch"><legend>{html.escape(w["switch"])}</legend>{switch}</fieldset>'
        "</header><main>"
        + "".join(sections)
        + f'<aside aria-label="{html.escape(w["legend"])}">{_legend(w)}</aside></main>'
        '<div id="tip" role="tooltip" hidden><strong></strong><span></span></div>'
        "<footer>"
        + "".join(f"<p>{html.escape(n)}</p>" for n in notes)
        + f"</footer><script>{js}</script></body></html>\n"
    )
