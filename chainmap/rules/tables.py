"""The reference tables shipped in ``chainmap/rules/data/``: GB/T 2260 regions, GB/T 4754 industries.

Each file is UTF-8 text, ``#`` lines first (``key: value``, recording the source, its licence and the
date of the data), then one tab-separated row per code. They are regenerated or checked by
``tools/update_reference.py``; ``chainmap/rules/data/README.md`` says where each came from.

A table is read once, on first use (never when :mod:`chainmap` is imported), and kept: the
validators that use them run once per row of imports of a million rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Literal, cast

__all__ = [
    "Industry",
    "Region",
    "RetiredIndustry",
    "RetiredRegion",
    "header",
    "industries",
    "level_of",
    "regions",
    "retired_industries",
    "retired_regions",
]

RegionLevel = Literal["province", "prefecture", "county"]
IndustryLevel = Literal["section", "division", "group", "class"]

REGIONS = "regions.tsv"
REGIONS_RETIRED = "regions_retired.tsv"
INDUSTRIES = "industries.tsv"
INDUSTRIES_RETIRED = "industries_retired.tsv"


@dataclass(frozen=True, slots=True)
class Region:
    """A GB/T 2260 unit. ``kind`` is ``admin``, ``group`` (a 市辖区/县/省直辖县级行政区划 row that
    groups counties and is no unit of its own) or ``stat`` (a statistical unit such as a 开发区)."""

    code: str
    level: RegionLevel
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class RetiredRegion:
    """A code that left GB/T 2260 and the current ``successor`` that holds its area."""

    code: str
    name: str
    successor: str
    successor_name: str
    year: int
    note: str


@dataclass(frozen=True, slots=True)
class Industry:
    """A GB/T 4754-2017 category; ``code`` is normalized (``C``, ``C36``, ``C367``, ``C3670``)."""

    code: str
    level: IndustryLevel
    name: str
    note: str


@dataclass(frozen=True, slots=True)
class RetiredIndustry:
    """A GB/T 4754-2011 class (4 digits) that 2017 no longer has, and the 2017 classes it went to."""

    code: str
    name: str
    successors: tuple[str, ...]
    note: str


def level_of(code: str) -> RegionLevel:
    """``province`` (``PP0000``), ``prefecture`` (``PPCC00``) or ``county`` for a 6-digit code."""
    if code.endswith("0000"):
        return "province"
    return "prefecture" if code.endswith("00") else "county"


def _lines(name: str) -> Iterator[str]:
    text = resources.files("chainmap.rules").joinpath("data", name).read_text(encoding="utf-8")
    yield from text.splitlines()


def _rows(name: str, width: int) -> Iterator[list[str]]:
    for line in _lines(name):
        if line and not line.startswith("#"):
            cells = line.split("\t")
            yield cells + [""] * (width - len(cells))


@cache
def header(name: str) -> Mapping[str, str]:
    """The ``# key: value`` lines at the top of a data file (``source``, ``date`` ...)."""
    found: dict[str, str] = {}
    for line in _lines(name):
        if not line.startswith("#"):
            break
        key, _, value = line[1:].strip().partition(":")
        found.setdefault(key.strip(), value.strip())
    return MappingProxyType(found)


@cache
def regions() -> Mapping[str, Region]:
    """Every current unit by its 6-digit code."""
    table = {
        code: Region(code, cast(RegionLevel, level), name, kind)
        for code, level, name, kind in _rows(REGIONS, 4)
    }
    return MappingProxyType(table)


@cache
def retired_regions() -> Mapping[str, RetiredRegion]:
    """Retired codes by their old 6-digit code."""
    table = {
        code: RetiredRegion(code, name, successor, successor_name, int(year), note)
        for code, name, successor, successor_name, year, note in _rows(REGIONS_RETIRED, 6)
    }
    return MappingProxyType(table)


@cache
def industries() -> Mapping[str, Industry]:
    """Every GB/T 4754-2017 category by its normalized code."""
    table = {
        code: Industry(code, cast(IndustryLevel, level), name, note)
        for code, level, name, note in _rows(INDUSTRIES, 4)
    }
    return MappingProxyType(table)


@cache
def retired_industries() -> Mapping[str, RetiredIndustry]:
    """GB/T 4754-2011 classes that no longer exist, by their 4 digits."""
    table = {
        code: RetiredIndustry(code, name, tuple(successors.split()), note)
        for code, name, successors, note in _rows(INDUSTRIES_RETIRED, 4)
    }
    return MappingProxyType(table)
