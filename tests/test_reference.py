"""The shipped reference tables (GB/T 2260 regions, GB/T 4754 industries) and the rules built on them.

Expected values come from the standards and the division changes they record (莱芜 2019, 杭州 2021,
沙县 and 祁阳 2021), not from reading the tables back. The update script's parser is tested on a
tiny package it builds here: no network, nothing outside the repository.
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
import sys
import tarfile
from pathlib import Path
from types import ModuleType

import pytest

from chainmap import rules
from chainmap.errors import RuleViolation
from chainmap.rules import PROVINCES, tables
from chainmap.rules.industry import SECTIONS
from chainmap.samples.templates import REGIONS, TEMPLATES

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def _load_update_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "update_reference", ROOT / "tools" / "update_reference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


update = _load_update_script()


def _violation(call: object, raw: str) -> RuleViolation:
    assert callable(call)
    with pytest.raises(RuleViolation) as caught:
        call(raw)
    error = caught.value
    assert CJK.search(error.zh) and error.zh != str(error)  # a Chinese message beside the English
    return error


# --------------------------------------------------------------------------------------------------
# the data files
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [tables.REGIONS, tables.REGIONS_RETIRED, tables.INDUSTRIES, tables.INDUSTRIES_RETIRED],
)
def test_each_data_file_records_its_source_and_date(name: str) -> None:
    header = tables.header(name)
    assert header["source"]
    assert re.match(r"\d{4}", header["date"])
    assert "licence" in header or "source-licence" in header


def test_the_shipped_tables_pass_the_update_scripts_check() -> None:
    assert update.check() == []


def test_region_table_has_every_province_and_the_2023_size() -> None:
    units = tables.regions()
    assert len(units) >= 3200
    provinces = {u.code[:2]: u.name for u in units.values() if u.level == "province"}
    assert provinces == PROVINCES  # the hand-kept dict others import agrees with the table
    assert sum(u.level == "prefecture" and u.kind != "group" for u in units.values()) >= 330


def test_industry_table_has_the_standards_counts() -> None:
    levels = {"section": 0, "division": 0, "group": 0, "class": 0}
    amended = []
    for industry in tables.industries().values():
        levels[industry.level] += 1
        if industry.note:
            amended.append(industry.code)
    # GB/T 4754-2017: 20 / 97 / 473 / 1,380; amendment No. 1 (2019) adds class 7296
    assert amended == ["L7296"]
    assert (levels["section"], levels["division"], levels["group"]) == (20, 97, 473)
    assert levels["class"] - len(amended) == 1380


def test_industry_sections_agree_with_the_hand_kept_section_table() -> None:
    for letter, (first, last, name) in SECTIONS.items():
        assert rules.industry_name(letter) == name
        divisions = [c for c in tables.industries() if len(c) == 3 and c[0] == letter]
        assert [int(c[1:]) for c in divisions] == list(range(first, last + 1))


# --------------------------------------------------------------------------------------------------
# regions
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "full"),
    [
        ("320583", "昆山市", "江苏省苏州市昆山市"),
        ("110105", "朝阳区", "北京市朝阳区"),
        ("441900", "东莞市", "广东省东莞市"),
        ("429004", "仙桃市", "湖北省仙桃市"),
        ("500229", "城口县", "重庆市城口县"),
        ("330782", "义乌市", "浙江省金华市义乌市"),
    ],
)
def test_real_region_codes_pass_with_their_names(code: str, name: str, full: str) -> None:
    assert rules.validate_region_code(code) == code
    assert rules.resolve_region(code) == rules.RegionCode(code, None)
    assert rules.region_name(code) == name
    assert rules.region_full_name(code) == full


@pytest.mark.parametrize(
    ("prefix", "name"), [("32", "江苏省"), ("3205", "苏州市"), ("320500", "苏州市")]
)
def test_region_name_accepts_prefixes(prefix: str, name: str) -> None:
    assert rules.region_name(prefix) == name


@pytest.mark.parametrize("code", ["320599", "110199", "329900", "659099"])
def test_well_formed_code_missing_from_the_table_is_unknown(code: str) -> None:
    error = _violation(rules.validate_region_code, code)
    assert error.code == "region_unknown"
    assert code in str(error) and code in error.zh and "2023" in error.zh
    example = re.search(r"例如 (\d{6})", error.zh)
    assert example is not None and rules.validate_region_code(example.group(1)) == example.group(1)
    assert rules.region_name(code) is None and rules.region_full_name(code) is None


@pytest.mark.parametrize(
    ("old", "new", "new_name"),
    [
        ("371202", "370116", "莱芜区"),  # 莱城区, 2019
        ("371203", "370117", "钢城区"),
        ("371200", "370100", "济南市"),  # 莱芜市 as a whole
        ("330103", "330105", "拱墅区"),  # 下城区, 2021
        ("330104", "330102", "上城区"),  # 江干区, 2021
        ("350427", "350405", "沙县区"),
        ("431121", "431181", "祁阳市"),
    ],
)
def test_retired_code_resolves_to_its_successor_and_keeps_the_original(
    old: str, new: str, new_name: str
) -> None:
    assert rules.resolve_region(f" {old} ") == rules.RegionCode(new, old)
    assert rules.validate_region_code(old) == new
    assert rules.region_name(new) == new_name
    retired = tables.retired_regions()[old]
    assert retired.successor == new and 2019 <= retired.year <= 2021 and retired.note


def test_retired_table_maps_only_to_current_codes() -> None:
    current = tables.regions()
    for old, record in tables.retired_regions().items():
        assert old not in current
        assert record.successor in current
        assert current[record.successor].name == record.successor_name
        assert 2019 <= record.year <= 2023


@pytest.mark.parametrize(
    ("code", "prefecture"),
    [
        ("320583", "320500"),
        ("320500", "320500"),
        ("419001", "419001"),  # 济源市, directly under 河南省
        ("429004", "429004"),
        ("469001", "469001"),
        ("659001", "659001"),
        ("110105", "110000"),
        ("120116", "120000"),
        ("310115", "310000"),
        ("500101", "500000"),  # 万州区, under 5001
        ("500229", "500000"),  # 城口县, under 5002
        ("500230", "500000"),
        ("371202", "370100"),  # retired 莱城区 -> 莱芜区 in 济南市
    ],
)
def test_prefecture_of(code: str, prefecture: str) -> None:
    assert rules.prefecture_of(code) == prefecture


def test_a_province_has_no_prefecture() -> None:
    assert _violation(rules.prefecture_of, "320000").code == "region_level"


@pytest.mark.parametrize(
    ("code", "province", "level"),
    [
        ("320583", "320000", "county"),
        ("320500", "320000", "prefecture"),
        ("110000", "110000", "province"),
    ],
)
def test_province_of_and_region_level(code: str, province: str, level: str) -> None:
    assert rules.province_of(code) == province
    assert rules.region_level(code) == level


@pytest.mark.parametrize("raw", ["3299", "329900", "320599", "1190"])
def test_region_prefix_must_name_a_real_unit(raw: str) -> None:
    assert _violation(rules.validate_region_prefix, raw).code == "region_unknown"


@pytest.mark.parametrize(
    ("raw", "expected"), [("371200", "3712"), ("330103", "330103"), ("5002", "5002")]
)
def test_region_prefix_accepts_retired_and_grouping_units(raw: str, expected: str) -> None:
    assert rules.validate_region_prefix(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [("11010", "region_format"), ("990000", "region_province"), ("32", "region_format")],
)
def test_region_format_errors_carry_both_languages(raw: str, code: str) -> None:
    assert _violation(rules.validate_region_code, raw).code == code


# --------------------------------------------------------------------------------------------------
# industries
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code", "name"),
    [
        ("C3670", "C3670", "汽车零部件及配件制造"),
        ("3670", "C3670", "汽车零部件及配件制造"),
        ("C367", "C367", "汽车零部件及配件制造"),
        ("36", "C36", "汽车制造业"),
        ("3612", "C3612", "新能源车整车制造"),
        ("C3091", "C3091", "石墨及碳素制品制造"),
        ("7296", "L7296", "非融资担保服务"),  # added by the 2019 amendment
        ("0220", "A0220", "造林和更新"),
        ("022", "A022", "造林和更新"),  # a group with one class
        ("9700", "T9700", "国际组织"),
    ],
)
def test_real_industry_codes_pass_with_their_names(raw: str, code: str, name: str) -> None:
    assert rules.validate_industry_code(raw) == code
    assert rules.industry_name(code) == name


@pytest.mark.parametrize("raw", ["C3699", "3699", "C369", "A0110", "0120", "F5110"])
def test_code_absent_at_its_level_is_unknown(raw: str) -> None:
    error = _violation(rules.validate_industry_code, raw)
    assert error.code == "industry_unknown"
    example = re.search(r"例如 ([A-T]\d+)", error.zh)
    assert example is not None and rules.industry_name(example.group(1)) is not None


@pytest.mark.parametrize(
    ("raw", "old", "successor"),
    [
        ("3610", "3610", "C3611"),  # 汽车整车制造 -> 汽柴油车 / 新能源车整车制造
        ("C1310", "1310", "C1311"),  # 谷物磨制 -> 稻谷加工 ...
        ("S9000", "9000", "S9100"),  # 中国共产党机关, renumbered
        ("0170", "0170", "A0171"),
    ],
)
def test_retired_2011_class_must_be_recoded(raw: str, old: str, successor: str) -> None:
    error = _violation(rules.validate_industry_code, raw)
    assert error.code == "industry_retired"
    assert old in str(error) and successor in str(error)
    assert old in error.zh and successor in error.zh and "2011" in error.zh


def test_retired_classes_are_not_2017_classes_and_point_to_2017_classes() -> None:
    industries = tables.industries()
    for old, record in tables.retired_industries().items():
        assert not any(code[1:] == old for code in industries)
        assert record.successors and all(industries[s].level == "class" for s in record.successors)


@pytest.mark.parametrize(
    ("raw", "code"), [("A3670", "industry_section"), ("98", "industry_division")]
)
def test_industry_errors_carry_both_languages(raw: str, code: str) -> None:
    assert _violation(rules.validate_industry_code, raw).code == code


def test_industry_name_of_unknown_code_is_none() -> None:
    assert rules.industry_name("C3699") is None and rules.industry_name("Z1") is None


# --------------------------------------------------------------------------------------------------
# the sample generator draws only real codes
# --------------------------------------------------------------------------------------------------


def test_sample_regions_and_industries_are_current_codes() -> None:
    units = tables.regions()
    for region in REGIONS:
        assert units[region.code].name == region.name
    for template in TEMPLATES:
        for segment in template.segments:
            for code in segment.industries:
                assert tables.industries()[code].level == "class"


# --------------------------------------------------------------------------------------------------
# the update script, on a tiny package built here
# --------------------------------------------------------------------------------------------------


def _package(path: Path, version: str, year: int, files: dict[str, str]) -> Path:
    readme = f"本项目已更新至：{year}年统计用区划代码和城乡划分代码（截止时间：{year}-06-30，发布时间：{year}-09-01）"
    content = {
        "package.json": json.dumps(
            {"name": "china-division", "version": version, "license": "MIT"}
        ),
        "README.md": readme,
        **{f"dist/{name}": text for name, text in files.items()},
    }
    tgz = path / f"china-division-{version}.tgz"
    with tarfile.open(tgz, "w:gz") as archive:
        for name, text in content.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return tgz


OLD = {
    "provinces.csv": 'code,name\n37,"山东省"\n',
    "cities.csv": 'code,name,provinceCode\n3701,"济南市",37\n3712,"莱芜市",37\n',
    "areas.csv": (
        "code,name,cityCode,provinceCode\n"
        '370102,"历下区",3701,37\n371202,"莱城区",3712,37\n371203,"钢城区",3712,37\n'
        '371204,"无名区",3712,37\n'
    ),
    "streets.csv": (
        "code,name,areaCode,provinceCode,cityCode\n"
        '370102001,"解放路街道办事处",370102,37,3701\n'
        '371202100,"口镇",371202,37,3712\n371202101,"羊里镇",371202,37,3712\n'
        '371203100,"艾山镇",371203,37,3712\n'
    ),
}
NEW = {
    "provinces.csv": 'code,name\n37,"山东省"\n',
    "cities.csv": 'code,name,provinceCode\n3701,"济南市",37\n',
    "areas.csv": (
        "code,name,cityCode,provinceCode\n"
        '370102,"历下区",3701,37\n370116,"莱芜区",3701,37\n370117,"钢城区",3701,37\n'
    ),
    "streets.csv": (
        "code,name,areaCode,provinceCode,cityCode\n"
        '370102001,"解放路街道",370102,37,3701\n'
        '370116001,"口镇街道",370116,37,3701\n370116100,"羊里镇",370116,37,3701\n'
        '370117001,"艾山街道",370117,37,3701\n'
    ),
}


def test_update_script_reads_a_package_and_maps_retired_codes(tmp_path: Path) -> None:
    old = update.read_division(_package(tmp_path, "1.0.0", 2018, OLD))
    new = update.read_division(_package(tmp_path, "1.1.0", 2019, NEW))
    assert (new.version, new.year, new.cutoff, new.licence) == ("1.1.0", 2019, "2019-06-30", "MIT")
    assert new.names["370000"] == "山东省" and new.names["370100"] == "济南市"
    assert new.towns["370116"] == {
        "口",
        "羊里",
    }  # 街道 and 镇 suffixes dropped to match across years

    retired, unmapped = update.retired_between(old, new)
    found = {r.code: (r.successor, r.year) for r in retired}
    assert found == {
        "371202": ("370116", 2019),
        "371203": ("370117", 2019),
        "371200": ("370100", 2019),  # the prefecture follows its counties
    }
    assert unmapped == ["371204 无名区"]  # no town and no namesake: left out, not guessed


def test_update_script_writes_the_same_bytes_for_the_same_input(tmp_path: Path) -> None:
    division = update.read_division(_package(tmp_path, "1.1.0", 2019, NEW))
    rows = update.region_rows(division, {"710000": "台湾省"})
    assert ("710000", "province", "台湾省", "admin") in rows
    first, second = tmp_path / "a.tsv", tmp_path / "b.tsv"
    for path in (first, second):
        update.write_table(
            path, ["source: test", "date: 2019-06-30"], ("code", "level", "name", "kind"), rows
        )
    assert first.read_bytes() == second.read_bytes()
    header, read_back = update.read_table(first)
    assert header["date"] == "2019-06-30"
    assert [tuple(row) for row in read_back] == rows


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        ("110100", "市辖区", "group"),
        ("419000", "省直辖县级行政区划", "group"),
        ("320571", "苏州工业园区", "stat"),
        ("320583", "昆山市", "admin"),
    ],
)
def test_update_script_tells_grouping_and_statistical_rows_apart(
    code: str, name: str, kind: str
) -> None:
    assert update.kind_of(code, name) == kind
