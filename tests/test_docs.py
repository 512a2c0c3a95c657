"""The examples in docs/data-format.md are valid rows of the tables they document."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from chainmap.ingest.tables import SPECS

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-format.md"
SPEC = {spec.name: spec for spec in SPECS}


def examples() -> list[tuple[str, list[str], list[str]]]:
    """(table, header, row) for each row of each CSV example, by the section it stands in."""
    found = []
    text = DOC.read_text(encoding="utf-8")
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        table = section.split()[0]
        for block in re.findall(r"```csv\n(.*?)```", section, flags=re.DOTALL):
            header, *rows = list(csv.reader(block.splitlines()))
            found += [(table, header, row) for row in rows]
    return found


def test_every_table_has_an_example() -> None:
    assert {table for table, _, _ in examples()} == set(SPEC)


@pytest.mark.parametrize(("table", "header", "row"), examples())
def test_example_is_valid(table: str, header: list[str], row: list[str]) -> None:
    spec = SPEC[table]
    assert set(header) == set(spec.columns)
    spec.model.model_validate({k: v for k, v in zip(header, row, strict=True) if v})
