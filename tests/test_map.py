"""The region map: its units from the region table, its figures from the firms, its page."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from test_atlas import AS_OF, _store
from typer.testing import CliRunner

from chainmap.analysis import load_weights
from chainmap.cli import app
from chainmap.errors import RuleViolation
from chainmap.regionmap import MapFirm, children, region_map, region_map_from_store
from chainmap.rules import region_name
from chainmap.store import open_store
from chainmap.visualizations.map import NO_DATA, fills, render_map

DAY = date(2026, 6, 30)


def _firm(uscc: str, region: str, *, certified: bool = False, weak: bool = False) -> MapFirm:
    return MapFirm(uscc, region, certified, expiring=False, weak=weak)


def test_a_province_maps_its_prefecture_level_units_and_a_prefecture_its_counties() -> None:
    jiangsu = children("32")
    assert len(jiangsu) == 13
    assert all(c.startswith("32") and c.endswith("00") for c in jiangsu)
    assert [region_name(c) for c in jiangsu[:2]] == ["南京市", "无锡市"]
    # a county-level city under the province is a unit of its own; the grouping row is not
    hubei = children("42")
    assert "429004" in hubei and "429000" not in hubei
    # a municipality and a prefecture map their counties
    assert "110105" in children("11")
    assert "320583" in children("3205") and "320500" not in children("3205")
    with pytest.raises(RuleViolation):
        children("320583")


def test_figures_count_each_firm_once_by_its_unit_and_list_units_without_firms() -> None:
    firms = [
        _firm("A", "320583", certified=True),
        _firm("A", "320583", weak=True),  # the same firm on a second chain: weak there
        _firm("B", "320505"),
        _firm("C", "320500", certified=True),  # at prefecture level: Suzhou's, no county's
        _firm("D", "320105", weak=True),
        _firm("E", "330106", certified=True),  # outside the region
        _firm("F", "320576"),  # 苏州工业园区, a statistical unit: drawn because a firm is there
    ]
    drawn = region_map(firms, "32", DAY)
    root = drawn.root
    assert (root.code, root.name) == ("320000", "江苏省")
    assert (root.firms, root.certified, root.weak) == (5, 2, 2)
    by_code = {a.code: a for a in root.areas}
    assert list(by_code) == children("32")
    suzhou = by_code["320500"]
    assert (suzhou.firms, suzhou.certified, suzhou.weak) == (4, 2, 1)
    assert suzhou.coverage == pytest.approx(2 / 4)
    counties = {a.code: a for a in suzhou.areas}
    assert list(counties) == sorted([*children("3205"), "320576"])
    assert (counties["320576"].name, counties["320576"].firms) == ("苏州工业园区", 1)
    assert (counties["320583"].firms, counties["320583"].weak) == (1, 1)
    assert counties["320506"].firms == 0 and counties["320506"].coverage is None
    assert by_code["320100"].firms == 1
    assert by_code["320200"].firms == 0
    # a prefecture's map has one level
    assert all(not a.areas for a in region_map(firms, "3205", DAY).root.areas)


def test_the_page_draws_every_unit_of_the_table_and_units_without_firms_as_such() -> None:
    drawn = region_map([_firm("A", "320583", certified=True)], "32", DAY)
    page = render_map(drawn)
    prefectures = [c for c in children("32") if c.endswith("00")]
    shown = re.findall(r'<section class="level" data-level="(\d+)"', page)
    assert shown == ["320000", *prefectures]  # the province, then each prefecture's counties
    drawn_codes = re.findall(r'class="unit"[^>]* data-code="(\d+)"', page)
    assert drawn_codes == children("32") + [c for p in prefectures for c in children(p[:4])]
    assert page.count(f'data-coverage="{NO_DATA}"') == len(drawn_codes) - 2
    assert "无企业数据" in page and "审图号" in page
    assert "区域地图：江苏省（32）" in page
    # a strict policy: its inline script and style only, nothing fetched
    found = re.search(r'Content-Security-Policy" content="([^"]+)"', page)
    assert found is not None
    policy = unescape(found[1])
    assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy
    assert "http" not in page.lower().replace("http-equiv", "")


def test_each_metric_colours_by_its_own_share() -> None:
    drawn = region_map(
        [_firm(f"F{i}", "320583", certified=i < 4, weak=i == 0) for i in range(5)], "3205", DAY
    )
    kunshan = next(a for a in drawn.root.areas if a.code == "320583")
    colours = fills(kunshan)
    assert colours["coverage"] == "#1b7a3a"  # 80 % in force
    assert colours["weak"] == "#ab47bc"  # 1 of 5 weak: 20 %, in the band from 10 %
    assert colours["expiring"] == "#e3f2fd"  # none expiring
    assert len(set(colours.values())) == 3


def test_units_with_boundaries_are_drawn_by_their_shapes() -> None:
    codes = children("3205")
    squares = {
        code: [[[120 + i, 31], [120.8 + i, 31], [120.8 + i, 31.8], [120 + i, 31.8], [120 + i, 31]]]
        for i, code in enumerate(codes)
    }
    page = render_map(region_map([], "3205", DAY), boundaries=squares, source="test squares")
    assert page.count('<path class="area"') == len(codes)
    assert '<rect class="area"' not in page
    assert "方格图" not in page and "test squares" in page
    # a unit without boundaries: a tile below the shapes, under a caption that says so
    del squares[codes[0]]
    page = render_map(region_map([], "3205", DAY), boundaries=squares)
    assert page.count('<path class="area"') == len(codes) - 1
    assert page.count('<rect class="area"') == 1 and "以下地区无边界数据" in page
    assert re.search(f'data-code="{codes[0]}"[^>]*><rect class="area"', page)


def test_the_map_from_a_store_and_from_the_command(tmp_path: Path) -> None:
    url = _store(tmp_path)
    with open_store(url) as opened:
        drawn = region_map_from_store(opened, "32", AS_OF, load_weights())
    suzhou = next(a for a in drawn.root.areas if a.code == "320500")
    assert suzhou.firms == drawn.root.firms > 0
    assert suzhou.certified <= suzhou.firms
    out = tmp_path / "map.html"
    runner = CliRunner()
    done = runner.invoke(
        app,
        [
            "atlas",
            "--map",
            "--region",
            "32",
            "--out",
            str(out),
            "--store",
            url,
            "--as-of",
            AS_OF.isoformat(),
        ],
    )
    assert done.exit_code == 0, done.output
    counties = sum(len(children(c[:4])) for c in children("32") if c.endswith("00"))
    assert out.read_text(encoding="utf-8").count('class="unit"') == 13 + counties
    refused = runner.invoke(app, ["atlas", "--map", "--out", str(out), "--store", url])
    assert refused.exit_code != 0


def test_the_page_in_english_keeps_the_names_and_the_base_map_note() -> None:
    page = render_map(region_map([_firm("A", "320583")], "3205", DAY), lang="en")
    assert '<html lang="en">' in page
    assert "Region map: 苏州市 (3205)" in page and "昆山市 (320583)" in page
    assert "审图号" in page and "no firm data" in page and "无企业数据" not in page


def test_the_examples_in_the_docstrings_hold() -> None:
    import doctest

    import chainmap.regionmap

    result = doctest.testmod(chainmap.regionmap, verbose=False, report=False)
    assert result.attempted >= 1 and result.failed == 0
