"""Regulators organise the plans of their regions' chains: a chain whose region lies within a
regulator's regions is its to plan, whole; a national chain it plans over the firms within its
regions; a chain of another region is refused (403) with the reason. Both stores."""

from __future__ import annotations

from typing import Any

from api_world import A1, B1, D1, L1, L2, REGION, TREE, S, T, World, csv_bytes
from api_world import world as world  # the fixture


def members(batches: list[dict[str, Any]]) -> set[str]:
    return {m["uscc"] for b in batches for m in b["members"]}


def test_a_regulator_plans_the_chains_of_its_regions_whole(world: World) -> None:
    mine = world.get("reg32", "/chains/C1/batches")
    assert mine.status_code == 200, mine.text
    assert mine.json() == world.get("admin", "/chains/C1/batches").json()
    assert {A1, S, T} <= members(mine.json()) <= TREE[L1]  # T is in Anhui: the chain whole
    plan = world.get("reg32", "/chains/C1/plan").json()
    assert plan == world.get("admin", "/chains/C1/plan").json()
    assert plan["chain_id"] == "C1"
    md = world.get("reg32", "/chains/C1/plan", format="md")
    assert md.headers["content-type"].startswith("text/markdown") and "C1" in md.text


def test_a_chain_of_another_region_is_refused_with_the_reason(world: World) -> None:
    for path in ("/chains/C1/plan", "/chains/C1/batches"):
        answer = world.get("reg34", path, headers={"Accept-Language": "en"})
        assert answer.status_code == 403
        body = answer.json()
        assert body["code"] == "chain_outside_regions"
        assert "320500" in body["detail"] and "34" in body["detail"]
    assert world.get("reg34", "/chains/C2/batches").status_code == 200
    assert world.get("reg32", "/chains/C2/plan").status_code == 403
    assert world.get("reg32", "/chains/NOPE/plan").status_code == 404


CHAIN_HEADER = ["chain_id", "name", "region_code", "leaders"]


def _national_chain(world: World) -> None:
    """C3, national, led by L1 and L2, with every firm of the world."""
    firms = [L1, L2, S, A1, B1, T, D1]
    done = world.upload(
        "admin",
        ("chains.csv", csv_bytes([CHAIN_HEADER, ["C3", "全国整车产业链", "", f"{L1};{L2}"]])),
        (
            "segments.csv",
            csv_bytes(
                [
                    ["chain_id", "segment_id", "name", "stage", "feeds"],
                    ["C3", "all", "全链", "midstream", ""],
                ]
            ),
        ),
        (
            "members.csv",
            csv_bytes([["chain_id", "segment_id", "uscc"], *[["C3", "all", u] for u in firms]]),
        ),
    )
    assert done.status_code == 201, done.text


def test_a_national_chain_is_planned_over_the_firms_of_the_regulators_regions(
    world: World,
) -> None:
    _national_chain(world)
    everyone = members(world.get("admin", "/chains/C3/batches").json())
    assert everyone >= {A1, S, T}  # suppliers of the leaders, uncertified
    for who, prefix in (("reg32", "32"), ("reg34", "34")):
        answer = world.get(who, "/chains/C3/batches")
        assert answer.status_code == 200, answer.text
        within = {u for u in everyone if REGION[u].startswith(prefix)}
        assert within and members(answer.json()) == within
        plan = world.get(who, "/chains/C3/plan").json()
        named = {r["uscc"] for r in plan["weak_links"]}
        assert all(REGION[u].startswith(prefix) for u in named), (who, named)
        # the plan counts the firms of its regions, and the leaders whose supply it protects
        regions = {row[0][:2] for row in plan["regions"]}
        assert regions <= {prefix, "32", "34"} and "11" not in regions  # D1 is Beijing's
    # a leader still sees its own tree of the chains it leads
    assert members(world.get("leader1", "/chains/C3/batches").json()) <= TREE[L1]
