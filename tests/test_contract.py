"""One contract, two stores: the embedded SQLite store and Neo4j give the same answers.

Every test here runs on both stores (``store_url``), or compares them directly. The Neo4j runs
need a server: ``bash scripts/test`` starts one (see ``scripts/neo4j-test-server``).
"""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sample_chain import LEADER, TABLES, TIER1_A, TIER1_B, write_dataset

from chainmap.errors import ValidationFailed
from chainmap.ingest.load import import_datasets
from chainmap.records import Subgraph
from chainmap.samples import generate_dataset
from chainmap.store import Store, open_store
from chainmap.store.cypher import names, query


def load(url: str, *paths: Path) -> None:
    import_datasets(list(paths), lambda: open_store(url, create=True), workers=1)


def snapshot(store: Store) -> dict[str, Any]:
    """Everything a store answers: counts, bodies, and every chain, leader, tier and region read."""
    chains = store.chains()
    found: dict[str, Any] = {"stats": store.stats(), "bodies": store.bodies(), "chains": chains}
    leaders = set()
    for chain in chains:
        sub = store.chain(chain.chain_id)
        found[f"chain {chain.chain_id}"] = sub
        leaders |= {leader.uscc for leader in sub.leaders}
    for leader in sorted(leaders):
        found[f"tiers {leader}"] = store.supplier_tiers(leader, depth=3)
    for prefix in ("11", "32", "3205", "34", "44"):
        found[f"region {prefix}"] = store.region(prefix)
    return found


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated") / "data"
    generate_dataset(out, enterprises=1500, chains=5, seed=3)
    return out


def test_reimport_changes_nothing(store_url: str, dataset: Path) -> None:
    load(store_url, dataset)
    with open_store(store_url) as store:
        before = snapshot(store)
    load(store_url, dataset)
    with open_store(store_url) as store:
        assert snapshot(store) == before


def test_a_later_import_updates(store_url: str, dataset: Path, tmp_path: Path) -> None:
    load(store_url, dataset)
    renamed = [list(r) for r in TABLES["enterprises"]]
    renamed[2][1] = "昆山恒达新能源电池有限公司"
    segments = [list(r) for r in TABLES["segments"]]
    segments[3][4] = ""  # parts no longer feeds assembly
    update = write_dataset(
        tmp_path / "update",
        {
            "enterprises": renamed,
            "chains": [TABLES["chains"][0], ["NEV-T", "新能源汽车产业链", "", f"{TIER1_B}"]],
            "segments": segments,
            "supply": [TABLES["supply"][0], [TIER1_B, LEADER, "座椅", "0.8", "3500"]],
        },
    )
    load(store_url, update)
    with open_store(store_url) as store:
        sub = store.chain("NEV-T")
        assert sub.chains[0].name == "新能源汽车产业链"
        assert sub.chains[0].region_code is None
        assert [leader.uscc for leader in sub.leaders] == [TIER1_B]
        assert next(e.name for e in sub.enterprises if e.uscc == TIER1_A) == renamed[2][1]
        assert ("parts", "assembly") not in {(f.from_segment, f.to_segment) for f in sub.feeds}
        seat = next(s for s in sub.supply if s.supplier == TIER1_B)
        assert (seat.share, seat.annual_value) == (0.8, 3500.0)
        assert store.stats()["supply_links"] == 4


def test_both_stores_give_the_same_answers(generated: Path, neo4j_url: str, tmp_path: Path) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'same.db'}"
    load(sqlite_url, generated)
    with open_store(neo4j_url) as graph:
        graph.erase_everything()  # type: ignore[attr-defined]
    load(neo4j_url, generated)
    with open_store(sqlite_url) as embedded, open_store(neo4j_url) as graph:
        expected, found = snapshot(embedded), snapshot(graph)
    assert found.keys() == expected.keys()
    for key, answer in expected.items():
        assert found[key] == answer, key
    assert any(isinstance(v, Subgraph) and v.certificates for v in expected.values())


def _part_of(dataset: Path, out: Path) -> Path:
    """Every other firm of a generated dataset (and every leader), with the rows that need only them."""
    tables = {f.stem: list(csv.reader(f.open(encoding="utf-8-sig"))) for f in dataset.glob("*.csv")}
    leaders = {u for row in tables["chains"][1:] for u in row[3].split(";")}
    kept = {row[0] for row in tables["enterprises"][1::2]} | leaders
    firm_columns = {"enterprises": (0,), "members": (2,), "supply": (0, 1), "certificates": (1,)}
    out.mkdir()
    for name, rows in tables.items():
        columns = firm_columns.get(name, ())
        rows = rows[:1] + [r for r in rows[1:] if all(r[c] in kept for c in columns)]
        with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as file:
            csv.writer(file).writerows(rows)
    return out


def test_an_import_adding_to_a_store_matches_on_both_stores(
    generated: Path, neo4j_url: str, tmp_path: Path
) -> None:
    # the second import holds firms, links and certificates the store has and ones it lacks
    part = _part_of(generated, tmp_path / "part")
    sqlite_url = f"sqlite:///{tmp_path / 'grown.db'}"
    with open_store(neo4j_url) as graph:
        graph.erase_everything()  # type: ignore[attr-defined]
    for url in (sqlite_url, neo4j_url):
        load(url, part)
    with open_store(neo4j_url) as graph:
        assert graph.stats()["supply_links"] > 0
    for url in (sqlite_url, neo4j_url):
        load(url, generated)
    with open_store(sqlite_url) as embedded, open_store(neo4j_url) as graph:
        expected, found = snapshot(embedded), snapshot(graph)
    assert found == expected
    assert expected["stats"]["enterprises"] == 1500


def test_an_interrupted_import_completes_when_run_again(
    generated: Path, neo4j_url: str, tmp_path: Path
) -> None:
    with open_store(neo4j_url) as graph:
        graph.erase_everything()  # type: ignore[attr-defined]
    env = {**os.environ, "CHAINMAP_STORE": neo4j_url, "CHAINMAP_BATCH_SIZE": "50"}
    command = [sys.executable, "-m", "chainmap", "import", str(generated)]
    running = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    with open_store(neo4j_url) as graph:
        deadline = time.monotonic() + 60
        while graph.stats()["supply_links"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        running.send_signal(signal.SIGKILL)
        running.wait()
        partial = graph.stats()
    assert partial["supply_links"] > 0, "the import was not caught part-way"
    assert partial["certificates"] == 0, "the import finished before it was stopped"

    again = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    sqlite_url = f"sqlite:///{tmp_path / 'whole.db'}"
    load(sqlite_url, generated)
    with open_store(sqlite_url) as embedded, open_store(neo4j_url) as graph:
        assert snapshot(graph) == snapshot(embedded)


def test_every_cypher_file_is_used_and_every_used_name_exists() -> None:
    from chainmap.store import neo4j

    source = Path(neo4j.__file__).read_text(encoding="utf-8")
    called = set(
        re.findall(r'(?:_read|_write|_run|_collected|query)(?:\(|,)\s*"([a-z_]+)"', source)
    )
    listed = {
        *neo4j._SCHEMA,
        *neo4j._UPSERT.values(),
        *neo4j._CREATE.values(),
        *neo4j._EXISTING.values(),
    }
    used = called | listed
    assert used == set(names())
    # every statement takes its values as parameters: no quoted literals in the files
    for name in names():
        text = "\n".join(
            line for line in query(name).splitlines() if not line.lstrip().startswith("//")
        )
        assert "'" not in text and '"' not in text, name


def test_bad_input_leaves_either_store_as_it_was(
    store_url: str, dataset: Path, tmp_path: Path
) -> None:
    load(store_url, dataset)
    with open_store(store_url) as store:
        before = snapshot(store)
    bad = write_dataset(
        tmp_path / "bad",
        {
            "enterprises": [
                *TABLES["enterprises"][:2],
                ["91350203M0001QAY9B", "坏码公司", "350203", "C3670", "", "", "", "", ""],
            ],
            "supply": [*TABLES["supply"], [TIER1_B, "913205830000009990", "螺丝", "0.5", ""]],
        },
    )
    with pytest.raises(ValidationFailed) as failed:
        load(store_url, bad)
    assert {p.column for p in failed.value.problems if p.is_error} == {"uscc", "customer_uscc"}
    with open_store(store_url) as store:
        assert snapshot(store) == before


def test_in_one_import_the_later_dataset_wins(
    store_url: str, dataset: Path, tmp_path: Path
) -> None:
    renamed = [list(r) for r in TABLES["enterprises"]]
    renamed[2][1] = "昆山恒达新能源电池有限公司"
    moved = [list(r) for r in TABLES["supply"]]
    moved[2][3] = "0.9"  # TIER1_B's seats: share 0.6 -> 0.9
    later = write_dataset(tmp_path / "later", {"enterprises": renamed, "supply": moved})
    load(store_url, dataset, later)
    with open_store(store_url) as store:
        sub = store.chain("NEV-T")
        assert next(e.name for e in sub.enterprises if e.uscc == TIER1_A) == renamed[2][1]
        assert next(s.share for s in sub.supply if s.supplier == TIER1_B) == 0.9
        assert store.stats()["enterprises"] == 5


def test_the_generation_counts_imports_and_only_those_that_were_kept(
    store_url: str, dataset: Path, edited: Any, tmp_path: Path
) -> None:
    load(store_url, dataset)
    with open_store(store_url) as store:
        first = store.generation()
    assert first >= 1
    load(store_url, dataset)
    with open_store(store_url) as store:
        second = store.generation()
    assert second > first
    if store_url.startswith("sqlite"):  # a refused import of the embedded store leaves it as it was
        bad = write_dataset(
            tmp_path / "bad", edited(supply=[["supplier_uscc", "customer_uscc"], ["X", "Y"]])
        )
        with pytest.raises(ValidationFailed):
            load(store_url, bad)
        with open_store(store_url) as store:
            assert store.generation() == second
