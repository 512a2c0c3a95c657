"""scripts/map_boundaries.py: a GeoJSON keyed by GB/T 2260 code to the map's simplified boundary
set, borders shared by two units kept alike on both sides."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from chainmap.regionmap import region_map
from chainmap.visualizations.map import render_map

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "map_boundaries.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("map_boundaries", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["map_boundaries"] = module
    spec.loader.exec_module(module)
    return module


def _wiggle(n: int = 200) -> list[list[float]]:
    """A border from (121, 31) north to (121, 32) with small wiggles and one large bulge."""
    line = []
    for i in range(n + 1):
        t = i / n
        bulge = 0.2 * math.sin(math.pi * t)
        line.append([121 + bulge + 0.0004 * math.sin(40 * math.pi * t), 31 + t])
    return line


def _collection() -> dict[str, Any]:
    border = _wiggle()
    west = [[120, 31], *border, [120, 32], [120, 31]]  # south-west corner, up the border, back
    east = [*border[::-1], [122, 31], [122, 32], border[-1]]  # down the border, round the east
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"adcode": 320505},
                "geometry": {"type": "Polygon", "coordinates": [west]},
            },
            {
                "type": "Feature",
                "properties": {"adcode": "320506"},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[east], [[[123, 31], [123.1, 31], [123.1, 31.1], [123, 31]]]],
                },
            },
            {
                "type": "Feature",
                "properties": {"adcode": "999999"},
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
            },
        ],
    }


def _border(rings: list[list[list[float]]]) -> set[tuple[float, float]]:
    return {(round(x, 4), round(y, 4)) for ring in rings for x, y in ring if 120.9 < x < 121.3}


def test_simplified_units_keep_their_shared_border_alike(tmp_path: Path) -> None:
    source = tmp_path / "in.geojson"
    source.write_text(json.dumps(_collection()), encoding="utf-8")
    out = tmp_path / "boundaries.json"
    script = _script()
    assert (
        script.main([str(source), "--source", "test", "--licence", "CC0", "--out", str(out)]) == 0
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["source"], data["licence"]) == ("test", "CC0")
    regions = data["regions"]
    assert sorted(regions) == ["320505", "320506"]  # 999999 is no code of the table
    west, east = regions["320505"], regions["320506"]
    assert len(east) == 2  # the island stays
    # the wiggles are gone, the bulge stays, and both sides draw the very same border
    assert 3 < len(_border(west)) < 40
    assert _border(west) == _border(east)
    assert max(x for x, _ in _border(west)) > 121.15
    # the same input gives the same file
    again = tmp_path / "again.json"
    script.main([str(source), "--source", "test", "--licence", "CC0", "--out", str(again)])
    assert again.read_bytes() == out.read_bytes()
    # and the map draws the units by these shapes, the others of the prefecture as tiles
    page = render_map(region_map([], "3205", date(2026, 6, 30)), boundaries=regions)
    assert page.count('<path class="area"') == 2
