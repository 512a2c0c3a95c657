"""For random supply graphs, everything a leader receives lies within its own tree, worked out
here independently with networkx: the leader, its suppliers up to the configured depth, its
direct customers. (Both stores.)"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sample_chain import make_uscc, write_dataset

from chainmap.access import issue_token
from chainmap.api import create_app
from chainmap.config import Settings
from chainmap.ingest.load import import_datasets
from chainmap.store import open_store

HEADER = [
    "uscc",
    "name",
    "region_code",
    "industry_code",
    "employees",
    "revenue",
    "assets",
    "size",
    "maturity",
]


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[str], list[tuple[int, int]], int]:
    """Firms (by region), supply links (supplier, customer) and the API's depth."""
    n = draw(st.integers(4, 12))
    regions = draw(st.lists(st.sampled_from(["320583", "340100"]), min_size=n, max_size=n))
    pairs = [(a, b) for a in range(n) for b in range(n) if a != b]
    links = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3 * n))
    return regions, links, draw(st.integers(1, 3))


def expected_tree(graph: nx.DiGraph, leader: int, depth: int) -> set[int]:
    up = nx.single_source_shortest_path_length(graph.reverse(copy=False), leader, cutoff=depth)
    return set(up) | set(graph.successors(leader))


@pytest.fixture(params=["sqlite", "neo4j"])
def fresh_store(request: pytest.FixtureRequest) -> Callable[[Path], str]:
    """A function giving an empty store for each example: a new SQLite file, or the test
    Neo4j database emptied."""
    if request.param == "sqlite":
        return lambda folder: f"sqlite:///{folder / 'p.db'}"
    url: str = request.getfixturevalue("neo4j_url")
    from chainmap.store.neo4j import Neo4jStore

    def emptied(folder: Path) -> str:
        with Neo4jStore(url) as store:
            store.erase_everything()
        return url

    return emptied


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(world=worlds())
def test_a_leader_receives_only_its_own_tree(
    fresh_store: Callable[[Path], str],
    world: tuple[list[str], list[tuple[int, int]], int],
) -> None:
    regions, links, depth = world
    usccs = [make_uscc(200 + i, r) for i, r in enumerate(regions)]
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(usccs)))
    graph.add_edges_from(links)
    leaders = [0, 1]
    with tempfile.TemporaryDirectory() as folder:
        tables = {
            "enterprises": [HEADER]
            + [
                [u, f"企业{i}", regions[i], "C3670", "20", "1000", "", "", "3"]
                for i, u in enumerate(usccs)
            ],
            "chains": [
                ["chain_id", "name", "region_code", "leaders"],
                ["C", "链", "", ";".join(usccs[:2])],
            ],
            "segments": [
                ["chain_id", "segment_id", "name", "stage", "feeds"],
                ["C", "all", "全部", "midstream", ""],
            ],
            "members": [["chain_id", "segment_id", "uscc"]] + [["C", "all", u] for u in usccs],
            "supply": [["supplier_uscc", "customer_uscc", "product", "share", "annual_value"]]
            + [[usccs[a], usccs[b], "件", "", ""] for a, b in links],
        }
        data = write_dataset(Path(folder) / "data", tables)
        url = fresh_store(Path(folder))
        import_datasets([data], lambda: open_store(url, create=True), workers=1)
        with open_store(url) as store:
            tokens = [issue_token(store, "leader", "l", enterprise=usccs[i])[0] for i in leaders]
        with TestClient(create_app(Settings(store=url, max_depth=depth))) as client:
            for leader, token in zip(leaders, tokens, strict=True):
                tree = {usccs[i] for i in expected_tree(graph, leader, depth)}

                def get(path: str, token: str = token, **params: int) -> Any:
                    answer = client.get(
                        f"/api/v1{path}",
                        headers={"Authorization": f"Bearer {token}"},
                        params=params,
                    )
                    assert answer.status_code == 200, answer.text
                    return answer.json()

                found = {f["uscc"] for f in get("/enterprises", per_page=500)["items"]}
                assert found == tree
                tiers = get(f"/leaders/{usccs[leader]}/tiers", depth=depth)["firms"]
                assert {f["uscc"] for f in tiers} <= tree
                rows = get("/chains/C/weak-links", min_score=0)["items"]
                assert {r["uscc"] for r in rows} <= tree
                for uscc in found:
                    detail = get(f"/enterprises/{uscc}")
                    near = {f["uscc"] for f in detail["suppliers"] + detail["customers"]}
                    assert near <= tree
