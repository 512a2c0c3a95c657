"""The plan's charts as inline SVG: bars of coverage and the schedule's cumulative curve.

Text from the data is escaped; nothing is fetched and nothing runs. The charts draw the data of
:meth:`chainmap.plans.plan.ChainPlan.charts`, which other renderers may draw their own way.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["bars", "curve"]

_FONT = 12  # px, the labels' size (at least 11 for reading)
_GREEN, _GREY, _RED, _INK = "#2a8a5a", "#e6e6e6", "#c0392b", "#222"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _width(text: str) -> int:
    """Roughly how wide a label is drawn: CJK characters a full em, others about half."""
    return sum(_FONT if ord(ch) > 0x2E80 else _FONT * 6 // 10 for ch in text)


def bars(rows: Sequence[tuple[str, float | None, str]], title: str) -> str:
    """Horizontal bars, one per ``(label, share 0-1 or None, note)``; the note (firms) after
    the share. Empty without a row."""
    if not rows:
        return ""
    bar, height = 280, 22
    left = min(260, max(_width(label) for label, _, _ in rows) + 12)
    right = max(_width(f"{_pct(v)} {note}") for _, v, note in rows) + 12
    total = left + bar + right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="{height * len(rows) + 10}"'
        f' viewBox="0 0 {total} {height * len(rows) + 10}" role="img"'
        f' aria-label="{escape(title)}" font-size="{_FONT}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value, note) in enumerate(rows):
        y = 5 + i * height
        width = round(bar * (value or 0.0), 1)
        shown = label if _width(label) + 12 <= left else label[: max(1, (left - 24) // _FONT)] + "…"
        parts.append(
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" fill="{_INK}">'
            f"<title>{escape(label)}</title>{escape(shown)}</text>"
            f'<rect x="{left}" y="{y + 3}" width="{bar}" height="{height - 8}" fill="{_GREY}"/>'
            f'<rect x="{left}" y="{y + 3}" width="{width}" height="{height - 8}" fill="{_GREEN}"/>'
            f'<text x="{left + bar + 6}" y="{y + 15}" fill="{_INK}">'
            f"{escape(_pct(value))} {escape(note)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def curve(
    start: float | None,
    points: Sequence[tuple[str, float | None]],
    target: float,
    title: str,
    start_label: str,
    target_label: str,
) -> str:
    """The cumulative coverage quarter by quarter from ``start``, with the target as a dashed
    line; each point labelled with its share. Empty without a quarter."""
    if not points:
        return ""
    width, height, left, top, bottom = 520, 250, 48, 26, 40
    plot_w, plot_h = width - left - 16, height - top - bottom
    labels = [start_label, *(label for label, _ in points)]
    values = [start or 0.0, *((v or 0.0) for _, v in points)]
    step = plot_w / max(1, len(labels) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return round(left + i * step, 1), round(top + plot_h * (1 - v), 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}"'
        f' font-size="{_FONT}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        _, y = xy(0, tick)
        parts.append(
            f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" stroke="{_GREY}"/>'
            f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" fill="{_INK}">'
            f"{int(tick * 100)}%</text>"
        )
    _, ty = xy(0, target)
    parts.append(
        f'<line x1="{left}" y1="{ty}" x2="{left + plot_w}" y2="{ty}" stroke="{_RED}"'
        f' stroke-dasharray="6 4"/>'
        f'<text x="{left + 4}" y="{ty + 14}" fill="{_RED}">'
        f"{escape(target_label)} {_pct(target)}</text>"
    )
    path = " ".join(f"{x},{y}" for x, y in (xy(i, v) for i, v in enumerate(values)))
    parts.append(f'<polyline points="{path}" fill="none" stroke="{_GREEN}" stroke-width="2"/>')
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        x, y = xy(i, v)
        anchor = "start" if i == 0 else "end" if i == len(labels) - 1 else "middle"
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="3" fill="{_GREEN}"/>'
            f'<text x="{x}" y="{y - 6}" text-anchor="{anchor}" fill="{_INK}">{_pct(v)}</text>'
            f'<text x="{x}" y="{height - bottom + 18}" text-anchor="{anchor}" fill="{_INK}">'
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
