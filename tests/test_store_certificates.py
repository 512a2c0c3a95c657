"""Certificates in both stores: their optional dates, and stores written with the old status words.

Until schema version 2, 撤销 was stored as ``revoked`` and 注销 as ``withdrawn``; ISO/IEC 17021-1
calls 撤销 withdrawn, so 注销 is now ``cancelled``. A store written before is renamed on opening.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sample_chain import LEADER, TABLES, TIER1_A, TIER1_B, write_dataset

from chainmap.ingest.load import import_datasets
from chainmap.records import CertificateRow
from chainmap.store import SQLiteStore, open_store
from chainmap.store.sqlite import SCHEMA_VERSION

CERT_HEADER = [*TABLES["certificates"][0], "last_audit_on", "status_since"]
#: one certificate of each status word a store may hold, with the new dates where they apply
CERTS = [
    ["C-VALID", LEADER, "GB/T 19001-2016", "CQC", "有效", "2024-03-01", "2027-02-28", "", "",
     "2025-02-20", ""],
    ["C-WITHDRAWN", TIER1_A, "GB/T 19001-2016", "CQC", "撤销", "2023-12-01", "2026-11-30", "", "",
     "", "2025-06-01"],
    ["C-CANCELLED", TIER1_B, "GB/T 19001-2016", "CQC", "注销", "2022-05-01", "2025-04-30", "", "",
     "2023-04-20", "2024-09-15"],
]  # fmt: skip


def load(url: str, folder: Path) -> None:
    import_datasets([folder], lambda: open_store(url, create=True), workers=1)


@pytest.fixture
def dataset_with_dates(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "data", {**TABLES, "certificates": [CERT_HEADER, *CERTS]})


def stored(url: str) -> dict[str, CertificateRow]:
    with open_store(url) as store:
        return {c.cert_no: c for c in store.chain("NEV-T").certificates}


def test_certificate_dates_round_trip(store_url: str, dataset_with_dates: Path) -> None:
    load(store_url, dataset_with_dates)
    certs = stored(store_url)
    assert certs["C-VALID"].last_audit_on == date(2025, 2, 20)
    assert certs["C-VALID"].status_since is None
    assert certs["C-WITHDRAWN"].status_since == date(2025, 6, 1)
    assert certs["C-WITHDRAWN"].last_audit_on is None
    assert (certs["C-CANCELLED"].last_audit_on, certs["C-CANCELLED"].status_since) == (
        date(2023, 4, 20),
        date(2024, 9, 15),
    )
    assert {c: row.status for c, row in certs.items()} == {
        "C-VALID": "valid",
        "C-WITHDRAWN": "withdrawn",
        "C-CANCELLED": "cancelled",
    }


def test_a_later_import_clears_a_date_it_leaves_blank(
    store_url: str, dataset_with_dates: Path, tmp_path: Path
) -> None:
    load(store_url, dataset_with_dates)
    blank = [[*row[:9], "", ""] for row in CERTS]
    load(store_url, write_dataset(tmp_path / "update", {"certificates": [CERT_HEADER, *blank]}))
    for cert in stored(store_url).values():
        assert (cert.last_audit_on, cert.status_since) == (None, None)


# -- stores written with the old status words -------------------------------------------------

#: what version 1 stored for each certificate (撤销 as revoked, 注销 as withdrawn)
OLD_WORDS = {"C-VALID": "valid", "C-WITHDRAWN": "revoked", "C-CANCELLED": "withdrawn"}
NEW_WORDS = {"C-VALID": "valid", "C-WITHDRAWN": "withdrawn", "C-CANCELLED": "cancelled"}


def _version_1_sqlite(path: Path, dataset: Path) -> None:
    """A store as version 1 wrote it: no certificate dates, the old status words."""
    load(f"sqlite:///{path}", dataset)
    with sqlite3.connect(path) as db:
        db.execute("DROP INDEX certificates_uscc")  # DROP COLUMN refuses a table with indexes
        db.execute("ALTER TABLE certificates DROP COLUMN last_audit_on")
        db.execute("ALTER TABLE certificates DROP COLUMN status_since")
        db.execute("CREATE INDEX certificates_uscc ON certificates (uscc)")
        db.executemany(
            "UPDATE certificates SET status = ? WHERE cert_no = ?",
            [(word, no) for no, word in OLD_WORDS.items()],
        )
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    db.close()


def _columns(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        names = [r[1] for r in db.execute("PRAGMA table_info(certificates)")]
    db.close()
    return names


def test_a_version_1_sqlite_store_is_upgraded_on_opening(
    tmp_path: Path, dataset_with_dates: Path
) -> None:
    path = tmp_path / "old.db"
    _version_1_sqlite(path, dataset_with_dates)
    assert _columns(path)[-2:] == ["scope", "grade"]
    url = f"sqlite:///{path}"
    certs = stored(url)
    assert {c: row.status for c, row in certs.items()} == NEW_WORDS
    assert all(row.last_audit_on is None and row.status_since is None for row in certs.values())
    assert _columns(path)[-2:] == ["last_audit_on", "status_since"]
    with sqlite3.connect(path) as db:
        version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    db.close()
    assert version == (str(SCHEMA_VERSION),)
    # opening it again renames nothing twice
    assert {c: row.status for c, row in stored(url).items()} == NEW_WORDS
    # and it takes the dates from now on
    load(url, dataset_with_dates)
    assert stored(url)["C-WITHDRAWN"].status_since == date(2025, 6, 1)


def test_an_upgrade_that_fails_keeps_the_store_as_it_was(
    tmp_path: Path, dataset_with_dates: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chainmap.errors import SchemaVersionError
    from chainmap.store import sqlite as embedded

    path = tmp_path / "old.db"
    _version_1_sqlite(path, dataset_with_dates)
    failing = (*embedded._UPGRADE_FROM_1[:-1], "UPDATE no_such_table SET x = 1")
    monkeypatch.setattr(embedded, "_UPGRADE_FROM_1", failing)
    with pytest.raises(SchemaVersionError, match="schema version 1 and must be upgraded"):
        SQLiteStore(path)
    assert _columns(path)[-2:] == ["scope", "grade"]
    with sqlite3.connect(path) as db:
        words = dict(db.execute("SELECT cert_no, status FROM certificates").fetchall())
    db.close()
    assert words == OLD_WORDS


def _cypher(url: str, statement: Any, **parameters: Any) -> list[Any]:
    from neo4j import GraphDatabase

    with GraphDatabase.driver(url) as driver:
        records, _, _ = driver.execute_query(statement, parameters_=parameters)
    return records


def test_a_neo4j_database_written_with_the_old_words_is_upgraded_on_opening(
    neo4j_url: str, dataset_with_dates: Path
) -> None:
    from chainmap.store.neo4j import Neo4jStore

    with Neo4jStore(neo4j_url) as emptied:
        emptied.erase_everything()
    load(neo4j_url, dataset_with_dates)
    # as version 1 left it: the old words, no version recorded
    _cypher(
        neo4j_url,
        "UNWIND $rows AS row MATCH (x:Certificate {cert_no: row[0]}) SET x.status = row[1]",
        rows=[[no, word] for no, word in OLD_WORDS.items()],
    )
    _cypher(neo4j_url, "MATCH (m:ChainmapMeta {key: 'schema_version'}) DELETE m")
    assert {c: row.status for c, row in stored(neo4j_url).items()} == NEW_WORDS
    # opening it again renames nothing twice
    assert {c: row.status for c, row in stored(neo4j_url).items()} == NEW_WORDS
    (record,) = _cypher(neo4j_url, "MATCH (m:ChainmapMeta {key: 'schema_version'}) RETURN m.value")
    assert record[0] == 2


def test_a_neo4j_database_emptied_and_written_again_is_not_upgraded(
    neo4j_url: str, dataset_with_dates: Path
) -> None:
    from chainmap.store.neo4j import Neo4jStore

    with Neo4jStore(neo4j_url) as store:
        store.erase_everything()  # the version goes with everything else
        import_datasets([dataset_with_dates], lambda: store, workers=1)
    assert {c: row.status for c, row in stored(neo4j_url).items()} == NEW_WORDS


def test_a_neo4j_database_of_a_newer_version_is_refused(neo4j_url: str) -> None:
    from chainmap.errors import SchemaVersionError
    from chainmap.store.neo4j import Neo4jStore

    with Neo4jStore(neo4j_url) as emptied:
        emptied.erase_everything()
    _cypher(neo4j_url, "CREATE (:ChainmapMeta {key: 'schema_version', value: 99})")
    try:
        with pytest.raises(SchemaVersionError, match="schema version 99"):
            Neo4jStore(neo4j_url)
    finally:
        _cypher(neo4j_url, "MATCH (m:ChainmapMeta) DELETE m")


# -- the search's certification filter judges the status as of the day ---------------------------


def certified_on(url: str, day: date) -> list[str]:
    from chainmap.records import FirmQuery

    with open_store(url) as store:
        rows, _ = store.search_enterprises(FirmQuery(certified=True, on=day))
    return [r.uscc for r in rows]


def test_the_certified_filter_judges_a_status_as_of_the_day(
    store_url: str, dataset_with_dates: Path
) -> None:
    load(store_url, dataset_with_dates)
    # TIER1_A's certificate: 撤销 (withdrawn) on 2025-06-01, valid by its dates until 2026-11-30
    assert TIER1_A in certified_on(store_url, date(2025, 5, 31))
    assert TIER1_A not in certified_on(store_url, date(2025, 6, 1))
    # TIER1_B's: 注销 (cancelled) on 2024-09-15
    assert TIER1_B in certified_on(store_url, date(2024, 9, 14))
    assert TIER1_B not in certified_on(store_url, date(2024, 9, 15))
    # not before issue, whatever the later status
    assert TIER1_A not in certified_on(store_url, date(2023, 11, 30))
    # the leader's, valid and undated, on its expiry day and not after
    assert LEADER in certified_on(store_url, date(2027, 2, 28))
    assert LEADER not in certified_on(store_url, date(2027, 3, 1))


def test_the_store_filter_agrees_with_the_analysis(
    store_url: str, dataset_with_dates: Path
) -> None:
    from chainmap.analysis import certification

    load(store_url, dataset_with_dates)
    certs = stored(store_url)
    by_firm = {c.uscc: c for c in certs.values()}
    day = date(2023, 11, 1)
    while day <= date(2027, 4, 1):
        found = set(certified_on(store_url, day))
        protected = {u for u, c in by_firm.items() if certification([c], day).state.protected}
        assert found == protected, day
        day += timedelta(days=61)
