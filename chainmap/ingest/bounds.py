"""Rows of a dataset outside a region: what a regional importer may not write.

A regulator imports data for its own regions only. Before anything is validated or written, every
row that touches a firm located elsewhere is listed as a problem: an enterprise row outside the
regions, a supply link, certificate or chain membership of a firm outside them (located by the
dataset's own enterprise rows, else by the store), a chain or segment of a chain outside them,
and any certification-body row (bodies are national).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from chainmap.ingest.problems import Problem
from chainmap.ingest.sources import open_dataset
from chainmap.records import EnterpriseRow, FirmQuery
from chainmap.rules import region_name

__all__ = ["rows_outside"]

#: the columns naming a firm, per table
_FIRM_COLUMNS = {
    "supply": ("supplier_uscc", "customer_uscc"),
    "certificates": ("uscc",),
    "members": ("uscc",),
}


def rows_outside(
    paths: Sequence[Path],
    regions: Sequence[str],
    located: Callable[[FirmQuery], tuple[list[EnterpriseRow], int]],
    known_chains: Mapping[str, str | None],
) -> list[Problem]:
    """Problems for every row outside ``regions``. Firms and chains the dataset does not
    describe are located by the store: ``located`` is its enterprise search, ``known_chains``
    its chains' region codes (None: a national chain)."""

    def inside(code: str) -> bool:
        return any(code.startswith(prefix) for prefix in regions)

    where: dict[str, str] = {}
    chains: dict[str, str] = {k: v or "" for k, v in known_chains.items()}
    sources = [open_dataset(path) for path in paths]
    for source in sources:
        if "enterprises" in source.tables:
            for _, row in source.tables["enterprises"].read():
                where[str(row.get("uscc", "")).strip().upper()] = str(row.get("region_code", ""))
        if "chains" in source.tables:
            for _, row in source.tables["chains"].read():
                chains[str(row.get("chain_id", "")).strip()] = str(row.get("region_code", ""))
    named = {
        str(row.get(column, "")).strip().upper()
        for source in sources
        for table, columns in _FIRM_COLUMNS.items()
        if table in source.tables
        for _, row in source.tables[table].read()
        for column in columns
    } - set(where)
    if named:
        found, _ = located(FirmQuery(within=tuple(sorted(named)), limit=len(named)))
        where.update({f.uscc: f.region_code for f in found})

    problems: list[Problem] = []

    def outside(table: str, number: int, column: str, value: str, why: str, zh: str) -> None:
        problems.append(Problem(table, number, column, value, why, zh=zh))

    scope = ", ".join(regions)
    scope_zh = "、".join(f"{region_name(r) or r}（{r}）" for r in regions)
    for source in sources:
        for table, spec in source.tables.items():
            for number, row in spec.read():
                if table == "bodies":
                    outside(
                        spec.label,
                        number,
                        "body_id",
                        str(row.get("body_id", "")),
                        "certification bodies are national: an admin imports them",
                        "认证机构为全国性数据，请由管理员导入",
                    )
                elif table == "enterprises":
                    code = str(row.get("region_code", ""))
                    if not inside(code):
                        outside(
                            spec.label,
                            number,
                            "region_code",
                            code,
                            f"outside your regions ({scope})",
                            f"不在您的辖区（{scope_zh}）之内",
                        )
                elif table in ("chains", "segments"):
                    chain = str(row.get("chain_id", "")).strip()
                    code = (
                        chains.get(chain, "")
                        if table == "segments"
                        else str(row.get("region_code", ""))
                    )
                    if not inside(code):
                        outside(
                            spec.label,
                            number,
                            "chain_id",
                            chain,
                            f"the chain is not a chain of your regions ({scope})",
                            f"该产业链不属于您的辖区（{scope_zh}）",
                        )
                for column in _FIRM_COLUMNS.get(table, ()):
                    firm = str(row.get(column, "")).strip().upper()
                    if not inside(where.get(firm, "")):
                        outside(
                            spec.label,
                            number,
                            column,
                            firm,
                            f"the firm is not located in your regions ({scope})",
                            f"该企业不在您的辖区（{scope_zh}）之内",
                        )
    return problems
