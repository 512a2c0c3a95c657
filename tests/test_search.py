"""Enterprise search on both stores: filters, the caller's bounds inside the query, pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sample_chain import DEALER, LEADER, TIER1_A, TIER1_B, TIER2, write_dataset

from chainmap.ingest.load import import_datasets
from chainmap.records import FirmQuery
from chainmap.store import open_store

ON = date(2026, 11, 1)
ALL = sorted([LEADER, TIER1_A, TIER1_B, TIER2, DEALER])


@pytest.fixture
def url(store_url: str, tmp_path: Path) -> str:
    import_datasets([write_dataset(tmp_path / "data")], lambda: open_store(store_url, create=True))
    return store_url


def found(url: str, **fields: object) -> tuple[list[str], int]:
    with open_store(url) as store:
        rows, total = store.search_enterprises(FirmQuery(**{"on": ON, **fields}))  # type: ignore[arg-type]
    return [r.uscc for r in rows], total


def test_filters(url: str) -> None:
    assert found(url) == (ALL, 5)
    assert found(url, text="电池") == ([TIER1_A], 1)
    assert found(url, text=TIER2[:12]) == ([TIER2], 1)  # a USCC's start
    assert found(url, region="3205") == (sorted([LEADER, TIER1_A, TIER1_B]), 3)
    assert found(url, industry="C36") == (sorted([LEADER, TIER1_B]), 2)  # B given as 3670
    assert found(url, sizes=("small",)) == (sorted([TIER1_A, TIER2, DEALER]), 3)  # some derived
    # in force on the day: the leader and A (valid); B's is suspended, the others have none
    assert found(url, certified=True) == (sorted([LEADER, TIER1_A]), 2)
    assert found(url, certified=False) == (sorted([TIER1_B, TIER2, DEALER]), 3)
    # A's certificate has expired by 2026-12-01
    assert found(url, certified=True, on=date(2026, 12, 1)) == ([LEADER], 1)


def test_a_certificate_is_in_force_on_its_expiry_day(url: str) -> None:
    # A's certificate: 有效期至 2026-11-30, the last day it protects A
    assert found(url, certified=True, on=date(2026, 11, 30)) == (sorted([LEADER, TIER1_A]), 2)
    assert found(url, certified=True, on=date(2026, 12, 1)) == ([LEADER], 1)
    assert TIER1_A in found(url, certified=False, on=date(2026, 12, 1))[0]
    # and from its issue day 2023-12-01, not the day before
    assert TIER1_A in found(url, certified=True, on=date(2023, 12, 1))[0]
    assert TIER1_A not in found(url, certified=True, on=date(2023, 11, 30))[0]


def test_bounds_of_the_caller_are_part_of_the_query(url: str) -> None:
    assert found(url, within_regions=("34", "11")) == (sorted([TIER2, DEALER]), 2)
    assert found(url, within_regions=()) == ([], 0)
    assert found(url, within=(TIER1_A, TIER2, "nobody")) == (sorted([TIER1_A, TIER2]), 2)
    # bounds and filters together: nothing outside the bounds, whatever the filter asks
    assert found(url, within_regions=("34",), region="3205") == ([], 0)
    assert found(url, within=(TIER1_A,), text="有限公司") == ([TIER1_A], 1)


def test_pages(url: str) -> None:
    assert found(url, limit=2) == (ALL[:2], 5)
    assert found(url, limit=2, offset=2) == (ALL[2:4], 5)
    assert found(url, limit=2, offset=4) == (ALL[4:], 5)
    assert found(url, limit=2, offset=10) == ([], 5)


@pytest.mark.parametrize(
    "text",
    [
        "' OR '1'='1",
        "%",
        "_",
        '") OR 1=1 --',
        "x' }) MATCH (n) DETACH DELETE n //",
        "\\",
        "9132%",
    ],
)
def test_injection_strings_find_nothing_and_change_nothing(url: str, text: str) -> None:
    assert found(url, text=text) == ([], 0)
    assert found(url, industry=text, region=text) == ([], 0)
    with open_store(url) as store:
        assert store.stats()["enterprises"] == 5
