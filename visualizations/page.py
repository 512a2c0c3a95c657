"""An :class:`Atlas` as one self-contained HTML page, rendered by pyvis with our own template.

pyvis's template pulls Bootstrap from a CDN and sets tooltips with ``innerHTML``; ours inlines
vis-network (the copy pyvis ships) with its CSS and a small script of our own, carries the data
as escaped JSON, and sets a Content-Security-Policy that admits exactly those inline scripts and
styles (by hash), data: images for vis-network's CSS, and nothing else: no request can leave the
file. The page is returned as a string; writing it is the caller's business, so no ``lib/``
folder ever appears.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib import resources
from typing import Any

import orjson
from jinja2 import Environment, FunctionLoader, select_autoescape

from .atlas import (
    COVERAGE_BANDS,
    LEADER_COLOUR,
    STATE_COLOURS,
    WEAK_BORDER,
    Atlas,
    gc_paused,
    words,
)

__all__ = ["DIRECT_LINKS", "render_atlas"]

_VIS = "lib/vis-9.1.2"
#: the smallest label drawn, in screen pixels
MIN_LABEL_PX = 11
#: above this many links the page strokes them itself instead of handing them to vis-network
DIRECT_LINKS = 5000

_PAGE_WORDS = {
    "zh": {
        "find": "按名称或统一社会信用代码查找",
        "found": "找到 {n} 个",
        "hint": "将鼠标移到节点或连线上查看详情。",
        "legend_title": "图例",
    },
    "en": {
        "find": "Find by name or USCC",
        "found": "{n} found",
        "hint": "Point at a node or a link to see its details.",
        "legend_title": "Legend",
    },
}


@cache
def _vis() -> tuple[str, str]:
    lib = resources.files("pyvis") / "templates" / _VIS
    if not lib.is_dir():  # older layouts keep it beside the package's templates
        lib = resources.files("pyvis") / _VIS
    return (
        (lib / "vis-network.min.js").read_text(encoding="utf-8"),
        (lib / "vis-network.css").read_text(encoding="utf-8"),
    )


@cache
def _ours(name: str) -> str:
    return (resources.files("chainmap.visualizations") / "templates" / name).read_text(
        encoding="utf-8"
    )


@cache
def _group_css() -> str:
    """Legend swatches in the colours the canvas uses."""
    rules = [f".g-{state} {{ background: {fill}; }}" for state, (fill, _) in STATE_COLOURS.items()]
    rules += [f".g-{group} {{ background: {fill}; }}" for _, group, fill, _ in COVERAGE_BANDS]
    rules.append(
        f".g-leader {{ background: {LEADER_COLOUR[0]}; clip-path: polygon(50% 0, 61% 35%, "
        "98% 35%, 68% 57%, 79% 91%, 50% 70%, 21% 91%, 32% 57%, 2% 35%, 39% 35%); }"
    )
    rules.append(
        f".g-weak {{ background: #fff; margin: 3px; box-shadow: 0 0 0 3px {WEAK_BORDER}; }}"
    )
    rules.append(".g-certificate { border-radius: 2px; background: #eceff1; }")
    return "\n".join(rules)


def _groups() -> dict[str, Any]:
    groups: dict[str, Any] = {
        str(state): {
            "color": {
                "background": fill,
                "border": border,
                "highlight": {"background": fill, "border": "#000000"},
                "hover": {"background": fill, "border": "#000000"},
            }
        }
        for state, (fill, border) in STATE_COLOURS.items()
    }
    for _, group, fill, border in COVERAGE_BANDS:
        groups[group] = {
            "color": {
                "background": fill,
                "border": border,
                "highlight": {"background": fill, "border": "#000000"},
                "hover": {"background": fill, "border": "#000000"},
            }
        }
    groups["header"] = {
        "shape": "text",
        "font": {"size": 26, "color": "#37474f", "bold": True},
        "chosen": False,
    }
    return groups


def _options(direct: bool) -> dict[str, Any]:
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "hierarchical": {"enabled": False}},
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "dragNodes": not direct,  # links stroked by the page stay where the nodes were
            "keyboard": {"enabled": True, "bindToWindow": False},
            "multiselect": False,
        },
        "nodes": {
            "shape": "dot",
            "borderWidth": 1,
            "font": {"size": 13, "face": "sans-serif", "color": "#263238"},
            # a label smaller than 11 px on screen is not drawn (vis-network hides a label below
            # drawThreshold - 1 px): zoom in and names appear, readable
            "scaling": {"label": {"drawThreshold": MIN_LABEL_PX + 1, "maxVisible": 30}},
        },
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "color": {
                "color": "#90a4ae",
                "highlight": "#263238",
                "hover": "#263238",
                "opacity": 0.7,
            },
            "width": 0.6,
            "selectionWidth": 1.5,
        },
        "groups": _groups(),
    }


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _policy(scripts: list[str], styles: list[str]) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(_hash(s) for s in scripts),
            "style-src " + " ".join(_hash(s) for s in styles),
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def _environment() -> Environment:
    """Our template, HTML-escaped by default; JSON compact and in UTF-8 (tojson still escapes
    the characters that could end a script block). A new one per page: pyvis renders with fixed
    arguments, so the page's own values travel as the environment's globals."""
    env = Environment(
        loader=FunctionLoader(lambda name: _ours(name)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["json.dumps_function"] = _json
    env.policies["json.dumps_kwargs"] = {}
    return env


def _json(value: Any) -> str:
    """Compact JSON in UTF-8, as ``json.dumps(ensure_ascii=False, separators=(",", ":"))``
    writes it, four times faster (8 MB at 20,000 firms); Jinja's ``tojson`` then escapes the
    characters that could end a script block."""
    return orjson.dumps(value).decode("utf-8")


def _link_details(values: tuple[Any, ...], unknown: str) -> list[str]:
    """A supply link's products, share and annual value as text."""
    products, share, value = values
    return [
        "、".join(products or ()) or "—",
        unknown if share is None else f"{100 * share:.1f}%",
        "—" if value is None else f"{value:,.0f}",
    ]


def _split(
    items: list[dict[str, Any]], number: bool, unknown: str = ""
) -> tuple[list[dict[str, Any]], list[Any]]:
    """What vis-network draws, apart from what the side panel shows (``k`` and ``d``): vis
    copies and parses every attribute of every item, so the details stay out of its way. Edges
    get their index as id, to find their details again."""
    drawn: list[dict[str, Any]] = []
    details: list[Any] = []
    for i, item in enumerate(items):
        plain = item.copy()
        kind = plain.pop("k", None)
        values = plain.pop("d", None)
        if number:
            plain["id"] = i
        drawn.append(plain)
        if kind == "link":
            values = _link_details(values, unknown)
        details.append(None if values is None else [kind, values])
    return drawn, details


def _lines(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> list[int]:
    """Links as a flat list of (from index, to index, style) for the page to stroke itself:
    style 0-3 is a width band of the share, 4 a link of unknown share (dashed)."""
    index = {node["id"]: i for i, node in enumerate(nodes)}
    flat: list[int] = []
    for edge in edges:
        width = edge.get("width")
        style = (
            4
            if width is None
            else 0
            if width < 1.2
            else 1
            if width < 2.2
            else 2
            if width < 3.8
            else 3
        )
        flat += (index[edge["from"]], index[edge["to"]], style)
    return flat


@gc_paused()
def render_atlas(atlas: Atlas) -> str:
    """The atlas as one HTML page (a string; write it as UTF-8).

    Up to :data:`DIRECT_LINKS` links, vis-network draws everything, with arrows, labels and
    link details. Above it (a 20,000-firm chain has some 60,000 links, and vis-network spends
    several seconds building an object per link) vis-network draws the nodes only: the page
    strokes the links itself under them, in a few paths, writes names on the canvas once the
    view is zoomed in far enough to read them, and highlights the links of a selected firm.
    """
    from pyvis.network import Network  # imported here: it pulls in IPython

    words(atlas.lang)  # checks the language
    vis_js, vis_css = _vis()
    atlas_js, atlas_css = _ours("atlas.js"), _ours("atlas.css") + "\n" + _group_css()
    text = _PAGE_WORDS[atlas.lang]
    direct = len(atlas.edges) > DIRECT_LINKS
    options = _options(direct)
    nodes, node_details = _split(atlas.nodes, number=False)
    data: dict[str, Any] = {
        "kind": atlas.kind,
        "options": options,
        "fields": atlas.fields,
        "nodes": node_details,
        "words": {"found": text["found"]},
        "minLabel": MIN_LABEL_PX,
        "lists": atlas.lists,
    }
    if direct:
        data["lines"] = _lines(atlas.nodes, atlas.edges)
        data["labels"] = [
            node.pop("label", "") if node.get("group") != "header" else "" for node in nodes
        ]
        edges: list[dict[str, Any]] = []
        data["edges"] = []
    else:
        edges, data["edges"] = _split(
            atlas.edges, number=True, unknown=words(atlas.lang)("unknown")
        )
    net = Network(directed=True, heading=atlas.title, cdn_resources="in_line")
    net.nodes, net.edges, net.options = nodes, edges, options
    env = _environment()
    env.globals.update(
        page={
            "lang_tag": "zh-CN" if atlas.lang == "zh" else "en",
            "title": atlas.title,
            "subtitle": atlas.subtitle,
            "notes": atlas.notes,
            "legend": atlas.legend,
            "table": atlas.table,
            "data": data,
            **text,
        },
        vis_js=vis_js,
        vis_css=vis_css,
        atlas_js=atlas_js,
        atlas_css=atlas_css,
        csp=_policy([vis_js, atlas_js], [vis_css, atlas_css]),
    )
    net.templateEnv = env
    net.path = "atlas.html"
    html: str = net.generate_html()
    return html
