"""Sheet and column names as workbooks write them, mapped to chainmap's tables and columns.

The names live in one reviewed data file, ``chainmap/ingest/data/aliases.toml``; a bureau that
heads a column its own way adds a mapping file (``chainmap import --mapping FILE``):

.. code-block:: toml

    [columns]
    "企业统一编码" = "uscc"                 # in every table that has a uscc column
    "主营产品" = "supply.product"           # in one table only

    [sheets]
    "2024年链上企业" = "ledger"

Headers are compared after :func:`header_key`: NFKC, no spaces, lower case, no trailing ``*``,
and the unit in brackets (or after a slash) set apart, so 营业收入（万元） is 营业收入 in 万元.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from chainmap.errors import ConfigError

__all__ = [
    "Aliases",
    "ColumnMatch",
    "HeaderKey",
    "aliases",
    "header_key",
    "load_mapping",
]

#: a part of a header in brackets: a unit (万元) or a remark (18位, yyyy-mm-dd, 有效/暂停)
_BRACKET = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_TOKENS = re.compile(r"[,，、;；/:：]")
_DROP = re.compile(r"[*_\-·•]+")
#: what counts as a unit in a header; the columns say which they accept (``[units]``), the rest
#: are refused rather than read as a remark (营业收入（美元） is not 万元)
UNITS = frozenset(
    {
        "人",
        "名",
        "个",
        "元",
        "万元",
        "千元",
        "亿元",
        "百万元",
        "美元",
        "万美元",
        "港元",
        "欧元",
        "%",
    }
    | {"百分比"}
)


@dataclass(frozen=True, slots=True)
class HeaderKey:
    """A header as compared: its name without unit or remarks, and the unit it gives (if any)."""

    name: str
    unit: str | None


def _unit_in(content: str) -> str | None:
    for token in _TOKENS.split(content):
        token = token.removeprefix("单位")
        if token in UNITS:
            return token
    return None


def header_key(raw: Any) -> HeaderKey:
    r"""The comparable form of a header cell: NFKC, no white space (line breaks in a cell
    included), lower case, no ``*`` marks; bracketed parts set apart, a unit among them kept.

    >>> header_key(" 营业收入（万元）")
    HeaderKey(name='营业收入', unit='万元')
    >>> header_key("*统一社会信用代码\n（18位）")
    HeaderKey(name='统一社会信用代码', unit=None)
    >>> header_key("营业收入/万元"), header_key("采购占比%")
    (HeaderKey(name='营业收入', unit='万元'), HeaderKey(name='采购占比', unit='%'))
    >>> header_key("营业收入（2023年，单位：元）"), header_key("Supplier_USCC")
    (HeaderKey(name='营业收入', unit='元'), HeaderKey(name='supplieruscc', unit=None))
    """
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else ""))
    text = "".join(text.replace("\ufeff", "").split())
    unit = None
    for part in _BRACKET.finditer(text):
        unit = unit or _unit_in(part.group(1))
    name = _BRACKET.sub("", text)
    head, slash, tail = name.rpartition("/")
    if slash and head and tail.removeprefix("单位") in UNITS:
        name, unit = head, unit or tail.removeprefix("单位")
    elif name.endswith("%") and len(name) > 1:
        name, unit = name[:-1], unit or "%"
    return HeaderKey(_DROP.sub("", name).lower(), unit)


def _key(name: str) -> str:
    return header_key(name).name


@dataclass(frozen=True, slots=True)
class ColumnMatch:
    """A header cell mapped to a column; ``factor`` converts a bare number to the stored unit."""

    column: str
    heading: str
    factor: float = 1.0


@dataclass(frozen=True)
class Aliases:
    """The alias table: per table, its sheet names and, per column, the names of its header."""

    #: table -> column -> names (the first is how the template heads it)
    columns: Mapping[str, Mapping[str, tuple[str, ...]]]
    #: table -> sheet and file names
    sheets: Mapping[str, tuple[str, ...]]
    #: sheets that explain rather than hold data
    ignored_sheets: frozenset[str]
    #: columns that only number the rows (序号)
    ignored_columns: frozenset[str]
    #: column -> (stored unit, {accepted unit: factor})
    units: Mapping[str, tuple[str, Mapping[str, float]]]
    #: a mapping file's entries, which win over the table: table -> header -> column, and
    #: sheet -> table
    mapped_columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    mapped_sheets: Mapping[str, str] = field(default_factory=dict)
    _by_header: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    _by_sheet: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for table, columns in self.columns.items():
            index = self._by_header.setdefault(table, {})
            for header, column in self.mapped_columns.get(table, {}).items():
                index[_key(header)] = column
            for column, names in columns.items():
                for name in (column, *names):
                    index.setdefault(_key(name), column)
        for sheet, table in self.mapped_sheets.items():
            self._by_sheet[_key(sheet)] = table
        for table, names in self.sheets.items():
            for name in (table, *names):
                self._by_sheet.setdefault(_key(name), table)

    def table_of_sheet(self, name: str) -> str | None:
        """The table a sheet or file name says it holds, if any.

        >>> aliases().table_of_sheet("企业台账 "), aliases().table_of_sheet("Sheet1")
        ('ledger', None)
        """
        return self._by_sheet.get(_key(name))

    def is_ignored_sheet(self, name: str) -> bool:
        return _key(name) in self.ignored_sheets

    def is_ignored_column(self, header: Any) -> bool:
        """True for a column that only numbers the rows (序号)."""
        return header_key(header).name in self.ignored_columns

    def column(self, table: str, header: Any) -> str | None:
        """The column of ``table`` a header cell names, if any."""
        return self._by_header.get(table, {}).get(header_key(header).name)

    def match(self, table: str, header: Any) -> ColumnMatch | None:
        """The column a header names in ``table``, with the factor its unit asks for.

        Raises :class:`ConfigError` for a unit that does not fit the column (人 on an amount).

        >>> aliases().match("enterprises", "营业收入（元）")
        ColumnMatch(column='revenue', heading='营业收入（元）', factor=0.0001)
        """
        key = header_key(header)
        column = self._by_header.get(table, {}).get(key.name)
        if column is None:
            return None
        heading = str(header).strip()
        if key.unit is None or column not in self.units:
            return ColumnMatch(column, heading)
        stored, accepted = self.units[column]
        factor = accepted.get(key.unit)
        if factor is None:
            raise ConfigError(
                f"column {heading!r} gives the unit {key.unit!r}; {column} takes "
                + ", ".join(accepted)
                + f" (stored in {stored})"
            )
        return ColumnMatch(column, heading, factor)

    def score(self, table: str, headers: Iterable[Any]) -> int:
        """How many of ``headers`` name a column of ``table``."""
        index = self._by_header.get(table, {})
        return sum(1 for h in headers if h is not None and header_key(h).name in index)

    def with_mapping(self, mapping: Mapping[str, Any]) -> Aliases:
        """This table with a mapping file's ``[columns]`` and ``[sheets]`` added (they win)."""
        columns: dict[str, dict[str, str]] = {}
        for header, target in dict(mapping.get("columns", {})).items():
            table, _, column = str(target).rpartition(".")
            tables = [table] if table else [t for t, cs in self.columns.items() if column in cs]
            if not tables or any(column not in self.columns.get(t, {}) for t in tables):
                raise ConfigError(
                    f"mapping: {header!r} = {target!r} names no chainmap column; write COLUMN "
                    "or TABLE.COLUMN, e.g. uscc or supply.product (docs/data-format.md lists them)"
                )
            for t in tables:
                columns.setdefault(t, {})[str(header)] = column
        sheets = {
            str(sheet): str(table) for sheet, table in dict(mapping.get("sheets", {})).items()
        }
        for sheet, table in sheets.items():
            if table not in self.sheets:
                raise ConfigError(
                    f"mapping: sheet {sheet!r} = {table!r} names no chainmap table; use one of "
                    + ", ".join(self.sheets)
                )
        return replace(
            self,
            mapped_columns=MappingProxyType(columns),
            mapped_sheets=MappingProxyType(sheets),
            _by_header={},
            _by_sheet={},
        )


def _parse(document: Mapping[str, Any]) -> Aliases:
    tables = document["tables"]
    columns = {
        name: {column: tuple(names) for column, names in table["columns"].items()}
        for name, table in tables.items()
    }
    sheets = {name: tuple(table.get("sheets", ())) for name, table in tables.items()}
    units = {
        column: (spec["stored"], dict(spec["accepts"]))
        for column, spec in document.get("units", {}).items()
    }
    ignored = document.get("ignored", {})
    return Aliases(
        MappingProxyType(columns),
        MappingProxyType(sheets),
        frozenset(_key(s) for s in ignored.get("sheets", ())),
        frozenset(_key(c) for c in ignored.get("columns", ())),
        units,
    )


@cache
def aliases() -> Aliases:
    """The shipped alias table (read once)."""
    text = resources.files("chainmap.ingest").joinpath("data/aliases.toml").read_text("utf-8")
    return _parse(tomllib.loads(text))


def load_mapping(path: Path) -> dict[str, Any]:
    """Read a mapping file (TOML with ``[columns]`` and ``[sheets]``), or raise ConfigError."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise ConfigError(f"mapping file {path}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"mapping file {path} is not valid TOML in UTF-8: {error}") from None
    unknown = set(document) - {"columns", "sheets"}
    if unknown:
        raise ConfigError(
            f"mapping file {path}: unknown section(s) {', '.join(sorted(unknown))}; "
            "use [columns] and [sheets]"
        )
    aliases().with_mapping(document)  # raises on a target that names nothing
    return document
