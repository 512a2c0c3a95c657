"""Make the region map's boundary set (``visualizations/data/boundaries.json``) from a GeoJSON file
of Chinese administrative units keyed by GB/T 2260 code, simplified for the browser.

    python scripts/map_boundaries.py SOURCE.geojson --source "name, version, date" \\
        --licence "licence" [--code-property adcode] [--tolerance 0.01] [--out FILE]

No boundary set is bundled yet: none that a registry this project uses offers has a licence that
clearly allows redistribution (docs/atlases.md, "区域地图"). The script is for the set that will
be: a licensed one, or the approved base map (审图号) a bureau holds, used on its own machines.

Simplification keeps neighbours' shared borders identical: points are snapped to a grid
(``--grid`` degrees), every ring is cut where the set of units it borders changes, and each
stretch is simplified with Douglas-Peucker in one canonical direction, so that the two units on
either side of a border get the same line and no gap or overlap opens between them. Only codes of
the region table are kept. The output is deterministic (sorted, no timestamps).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from chainmap.rules import tables

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "visualizations" / "data" / "boundaries.json"

Point = tuple[float, float]
Ring = list[Point]


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    """Every ring of a Polygon or MultiPolygon (outer and holes alike)."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return list(coordinates)
    if kind == "MultiPolygon":
        return [ring for polygon in coordinates for ring in polygon]
    return []


def _snap(ring: Sequence[Sequence[float]], grid: float) -> Ring:
    """The ring on the grid, repeated points dropped, open (the last point is not the first)."""
    snapped: Ring = []
    for lon, lat, *_ in ring:
        point = (round(round(lon / grid) * grid, 6), round(round(lat / grid) * grid, 6))
        if not snapped or snapped[-1] != point:
            snapped.append(point)
    if len(snapped) > 1 and snapped[0] == snapped[-1]:
        snapped.pop()
    return snapped


def _douglas_peucker(points: Sequence[Point], tolerance: float) -> list[Point]:
    """The points Douglas-Peucker keeps (both ends always), iteratively."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        farthest, index = -1.0, -1
        for i in range(first + 1, last):
            x, y = points[i]
            cross = abs(dy * x - dx * y + x2 * y1 - y2 * x1)
            distance = cross / length if length else math.hypot(x - x1, y - y1)
            if distance > farthest:
                farthest, index = distance, i
        if index > 0 and farthest > tolerance:
            keep[index] = True
            stack.extend(((first, index), (index, last)))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _stretch(points: list[Point], tolerance: float) -> list[Point]:
    """A stretch simplified the same way whichever unit's ring walks it."""
    if points[0] > points[-1] or (points[0] == points[-1] and points[1:2] > points[-2:-1]):
        return _douglas_peucker(points[::-1], tolerance)[::-1]
    return _douglas_peucker(points, tolerance)


def simplify(units: dict[str, list[Ring]], tolerance: float) -> dict[str, list[Ring]]:
    """Every unit's rings simplified, shared borders alike on both sides; rings that shrink to
    fewer than three points are dropped, except a unit's largest."""
    users: dict[Point, set[str]] = defaultdict(set)
    for code, rings in units.items():
        for ring in rings:
            for point in ring:
                users[point].add(code)
    found: dict[str, list[Ring]] = {}
    for code in sorted(units):
        kept: list[Ring] = []
        for ring in units[code]:
            n = len(ring)
            if n < 3:
                continue
            fixed = [
                i
                for i in range(n)
                if users[ring[i]] != users[ring[i - 1]]
                or users[ring[i]] != users[ring[(i + 1) % n]]
            ]
            if not fixed:  # a ring nobody shares: cut it at its smallest point
                fixed = [min(range(n), key=lambda i: ring[i])]
            out: Ring = []
            for j, start in enumerate(fixed):
                end = fixed[(j + 1) % len(fixed)]
                stretch = [ring[(start + k) % n] for k in range((end - start) % n or n)]
                stretch.append(ring[end % n])
                out.extend(_stretch(stretch, tolerance)[:-1])
            if len(out) >= 3:
                kept.append(out)
        if not kept and units[code]:
            kept = [max(units[code], key=len)]
        found[code] = kept
    return found


def load(path: Path, code_property: str, grid: float) -> tuple[dict[str, list[Ring]], list[str]]:
    """The units of a GeoJSON FeatureCollection by 6-digit code, and the codes left out (not in
    the region table, or without polygons)."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    known = tables.regions()
    units: dict[str, list[Ring]] = defaultdict(list)
    left_out: list[str] = []
    for feature in collection.get("features", []):
        raw = str((feature.get("properties") or {}).get(code_property, "")).strip()
        code = raw.ljust(6, "0") if raw.isdigit() and len(raw) in (2, 4, 6) else raw
        rings = [_snap(r, grid) for r in _rings(feature.get("geometry") or {})]
        rings = [r for r in rings if len(r) >= 3]
        if code not in known or not rings:
            left_out.append(raw or "(no code)")
            continue
        units[code].extend(rings)
    return dict(units), sorted(left_out)


def write(
    units: dict[str, list[Ring]], out: Path, *, source: str, licence: str, tolerance: float
) -> None:
    data = {
        "source": source,
        "licence": licence,
        "tolerance_degrees": tolerance,
        "regions": {
            code: [[[round(x, 4), round(y, 4)] for x, y in ring] for ring in rings]
            for code, rings in sorted(units.items())
        },
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    out.write_text(text + "\n", encoding="utf-8")


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("geojson", type=Path)
    parser.add_argument("--source", required=True, help="package, version and date of the data")
    parser.add_argument("--licence", required=True, help="the data's licence, as its text says")
    parser.add_argument("--code-property", default="adcode")
    parser.add_argument("--grid", type=float, default=0.001, help="snap points to this (degrees)")
    parser.add_argument("--tolerance", type=float, default=0.01, help="Douglas-Peucker (degrees)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(list(argv) if argv is not None else None)
    units, left_out = load(args.geojson, args.code_property, args.grid)
    simplified = simplify(units, args.tolerance)
    write(simplified, args.out, source=args.source, licence=args.licence, tolerance=args.tolerance)
    before = sum(len(r) for rings in units.values() for r in rings)
    after = sum(len(r) for rings in simplified.values() for r in rings)
    print(
        f"wrote {args.out}: {len(simplified)} units, {after:,} of {before:,} points, "
        f"{args.out.stat().st_size:,} bytes; left out {len(left_out)}: {', '.join(left_out[:10])}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
