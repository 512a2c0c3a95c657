"""The store contract: what every store returns for the hand-built chain.

The ``store`` fixture is parametrised by back end, so each test holds for every store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sample_chain import DEALER, LEADER, TIER1_A, TIER1_B, TIER2, make_uscc

from chainmap.errors import (
    ChainmapError,
    ConfigError,
    NotFound,
    SchemaVersionError,
    StoreUnavailable,
)
from chainmap.graph import to_digraph
from chainmap.ingest import validate_paths
from chainmap.ingest.load import import_datasets
from chainmap.records import Row, Table
from chainmap.store import SQLiteStore, Store, open_store


@pytest.fixture
def store(store_url: str, dataset: Path) -> Iterator[Store]:
    """Each kind of store, holding the hand-built chain."""
    import_datasets([dataset], lambda: open_store(store_url, create=True))
    with open_store(store_url) as opened:
        yield opened


def test_chain_read(store: Store) -> None:
    sub = store.chain("NEV-T")
    assert [c.chain_id for c in sub.chains] == ["NEV-T"]
    assert [leader.uscc for leader in sub.leaders] == [LEADER]
    assert {e.uscc for e in sub.enterprises} == {LEADER, TIER1_A, TIER1_B, TIER2, DEALER}
    assert {(s.supplier, s.customer) for s in sub.supply} == {
        (TIER1_A, LEADER),
        (TIER1_B, LEADER),
        (TIER2, TIER1_A),
        (LEADER, DEALER),
    }
    assert {c.cert_no for c in sub.certificates} == {
        "00124Q10001R0M",
        "00124Q10002R0S",
        "00121Q10003R1S",
    }
    assert [s.segment_id for s in sub.segments] == [
        "assembly",
        "cells",
        "materials",
        "parts",
        "sales",
    ]
    assert {(f.from_segment, f.to_segment) for f in sub.feeds} == {
        ("materials", "cells"),
        ("cells", "assembly"),
        ("parts", "assembly"),
        ("assembly", "sales"),
    }


def test_certificates_keep_types(store: Store) -> None:
    cert = next(c for c in store.chain("NEV-T").certificates if c.uscc == TIER1_A)
    assert cert.issued_on == date(2023, 12, 1)
    assert cert.expires_on == date(2026, 11, 30)
    assert (cert.standard, cert.standard_version, cert.status) == ("ISO 9001", "2015", "valid")
    # the body was named by name in the data and resolved to its id
    assert cert.body_id == "CQC"


def test_missing_chain_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="chain 'NOPE' not found"):
        store.chain("NOPE")


def test_supplier_tiers(store: Store) -> None:
    sub = store.supplier_tiers(LEADER, depth=3)
    assert sub.tiers == {LEADER: 0, TIER1_A: 1, TIER1_B: 1, TIER2: 2, DEALER: -1}
    assert [leader.chain_id for leader in sub.leaders] == ["NEV-T"]
    shallow = store.supplier_tiers(LEADER, depth=1)
    assert shallow.tiers == {LEADER: 0, TIER1_A: 1, TIER1_B: 1, DEALER: -1}
    assert {(s.supplier, s.customer) for s in shallow.supply} == {
        (TIER1_A, LEADER),
        (TIER1_B, LEADER),
        (LEADER, DEALER),
    }
    with pytest.raises(NotFound):
        store.supplier_tiers(make_uscc(99), depth=2)


@pytest.mark.parametrize(
    ("prefix", "firms"),
    [
        ("32", {LEADER, TIER1_A, TIER1_B}),
        ("3205", {LEADER, TIER1_A, TIER1_B}),
        ("320583", {LEADER, TIER1_A}),
        ("34", {TIER2}),
        ("44", set()),
    ],
)
def test_region_read(store: Store, prefix: str, firms: set[str]) -> None:
    sub = store.region(prefix)
    assert {e.uscc for e in sub.enterprises} == firms
    assert all(s.supplier in firms and s.customer in firms for s in sub.supply)
    assert {c.chain_id for c in sub.chains} == ({"NEV-T"} if firms else set())


def test_existing_and_bodies(store: Store) -> None:
    assert store.existing(Table.ENTERPRISES, [LEADER, make_uscc(99)]) == {LEADER}
    assert store.existing(Table.SEGMENTS, ["NEV-T\tcells", "NEV-T\tchips"]) == {"NEV-T\tcells"}
    assert store.existing(Table.CHAINS, ["NEV-T", "PV-1"]) == {"NEV-T"}
    assert [(b.body_id, b.name) for b in store.bodies()] == [("CQC", "中国质量认证中心")]


def test_graph_of_a_chain(store: Store) -> None:
    graph = to_digraph(store.chain("NEV-T"))
    assert graph.graph["leaders"] == [LEADER]
    assert graph.number_of_nodes() == 5
    assert graph.edges[TIER1_B, LEADER]["share"] == pytest.approx(0.6)
    assert graph.edges[TIER1_A, LEADER]["products"] == ("动力电池",)
    assert graph.nodes[TIER1_A]["segments"] == [("NEV-T", "cells")]
    assert graph.nodes[LEADER]["leader"] is True
    assert [c.cert_no for c in graph.nodes[TIER1_B]["certificates"]] == ["00121Q10003R1S"]
    assert graph.nodes[DEALER]["size"] == "small"


class _Exploding:
    """Rows that fail half-way through the supply table."""

    def __init__(self, inner: object) -> None:
        self.inner = inner

    def replaces(self, table: Table) -> list[str]:
        return self.inner.replaces(table)  # type: ignore[attr-defined, no-any-return]

    def batches(self, table: Table, size: int) -> Iterator[list[Row]]:
        yield from self.inner.batches(table, size)  # type: ignore[attr-defined]
        if table is Table.SUPPLY:
            raise RuntimeError("power cut")

    @property
    def keys_unique(self) -> bool:
        return self.inner.keys_unique  # type: ignore[attr-defined, no-any-return]

    def settle(self) -> None:
        self.inner.settle()  # type: ignore[attr-defined]

    def stream(self, size: int) -> Iterator[tuple[Table, Sequence[tuple[Any, ...]]]]:
        for table, batch in self.inner.stream(size):  # type: ignore[attr-defined]
            yield table, batch
            if table is Table.SUPPLY:
                raise RuntimeError("power cut")


def test_a_write_that_fails_midway_keeps_nothing(tmp_path: Path, dataset: Path) -> None:
    path = tmp_path / "atomic.db"
    with SQLiteStore(path, create=True) as target:
        rows = validate_paths([dataset])
        with pytest.raises(RuntimeError, match="power cut"):
            target.write(_Exploding(rows), batch_size=2)
        assert target.stats() == dict.fromkeys(target.stats(), 0)


def test_sqlite_is_durable(tmp_path: Path, dataset: Path) -> None:
    path = tmp_path / "durable.db"
    with SQLiteStore(path, create=True) as target:
        db = target._db
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_opening_wrong_files(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="no chainmap store"):
        open_store(f"sqlite:///{tmp_path / 'absent.db'}")
    assert not (tmp_path / "absent.db").exists()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreUnavailable, match="not a usable chainmap store"):
        open_store(f"sqlite:///{junk}")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreUnavailable, match="not a chainmap store"):
        open_store(f"sqlite:///{other}")


def test_schema_version_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    SQLiteStore(path, create=True).close()
    with sqlite3.connect(path) as con:
        con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(SchemaVersionError, match="schema version 99"):
        open_store(f"sqlite:///{path}")


@pytest.mark.parametrize("url", ["postgres://x", "sqlite:///", "mysql://localhost"])
def test_unusable_urls(url: str) -> None:
    with pytest.raises(ConfigError):
        open_store(url)


def test_unreachable_neo4j_says_so() -> None:
    with pytest.raises(StoreUnavailable, match=r"cannot reach Neo4j at bolt://127.0.0.1:9"):
        open_store("bolt://127.0.0.1:9")


def test_errors_share_one_root() -> None:
    assert issubclass(NotFound, ChainmapError)
    assert issubclass(StoreUnavailable, ChainmapError)
