"""What people ask, as they ask it: list parameters as comma lists or repeated, and exports the
route does not have refused rather than ignored. (Both stores.)"""

from __future__ import annotations

from typing import Any

import pytest
from api_world import A1, D1, L1, NAMES, REGION, S, T, World, usccs
from api_world import world as world  # the fixture

from chainmap.api import create_app
from chainmap.config import Settings

ALL = set(NAMES)


def rows(answer: Any) -> set[str]:
    assert answer.status_code == 200, answer.text
    return {row["uscc"] for row in answer.json()["items"]}


def test_a_list_is_a_comma_list_or_repeated_or_both(world: World) -> None:
    # the world's firms have no size given; the sizes are derived from employees and revenue
    sizes = {i["uscc"]: i["size"] for i in world.get("admin", "/enterprises").json()["items"]}
    for size in {s for s in sizes.values() if s}:
        alone = usccs(world.get("admin", "/enterprises", size=size))
        assert alone == {u for u, s in sizes.items() if s == size}
    every = ["micro", "small", "medium", "large"]
    sized = {u for u, s in sizes.items() if s}
    assert usccs(world.get("admin", "/enterprises", size=",".join(every))) == sized
    assert usccs(world.get("admin", "/enterprises", size=every)) == sized
    assert usccs(world.get("admin", "/enterprises", size=["micro,small", "medium,large"])) == sized
    assert world.get("admin", "/enterprises", size="micro,huge").status_code == 422
    # regions: any of them, never beyond the caller's own
    assert usccs(world.get("admin", "/enterprises", region="3205,11")) == {L1, S, A1, D1}
    assert usccs(world.get("admin", "/enterprises", region=["3205", "11"])) == {L1, S, A1, D1}
    assert usccs(world.get("reg32", "/enterprises", region="3205,34")) == {L1, S, A1}
    assert usccs(world.get("reg32", "/enterprises", region="34")) == set()
    assert usccs(world.get("reg32", "/enterprises", region="320583,3205")) == {L1, S, A1}


def test_weak_link_filters_take_lists(world: World) -> None:
    def links(**params: Any) -> set[str]:
        return rows(world.get("admin", "/chains/C1/weak-links", min_score=0, **params))

    assert links() == {A1, S, T}
    assert links(region="320505,340103") == {S, T}
    assert links(region=["320505", "340103"]) == {S, T}
    assert links(region="3205,34", industry="C36,C38") == {A1, S, T}
    assert links(industry="C38") == set()
    assert links(segment="parts,assembly") == {A1, S, T}
    assert links(segment="assembly,sales") == set()
    sizes = {
        r["uscc"]: r["size"]
        for r in world.get("admin", "/chains/C1/weak-links", min_score=0).json()["items"]
    }
    size = sizes[A1]
    assert links(size=f"{size},micro") == {u for u, s in sizes.items() if s in (size, "micro")}
    # the bounds still apply: a regulator's filter never reaches outside its regions
    assert rows(world.get("reg32", "/chains/C1/weak-links", min_score=0, region="32,34")) == {A1, S}


def test_what_if_takes_a_comma_list_of_firms(world: World) -> None:
    both = world.get("admin", "/chains/C1/what-if", fail=f"{A1},{S}").json()
    assert both == world.get("admin", "/chains/C1/what-if", fail=[A1, S]).json()
    assert both[0]["lost_share"] == 1.0  # all of L1's purchases
    assert world.get("reg32", "/chains/C1/what-if", fail=f"{A1},{T}").status_code == 404


def test_each_list_parameter_says_how_to_give_several() -> None:
    schema = create_app(Settings(store="sqlite:///unused.db")).openapi()
    found = 0
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                if parameter["schema"].get("type") == "array" or any(
                    s.get("type") == "array" for s in parameter["schema"].get("anyOf", [])
                ):
                    found += 1
                    assert "comma list" in parameter["description"], (path, parameter["name"])
                    assert "repeated" in parameter["description"], (path, parameter["name"])
    assert found == 7  # size and region twice; industry and segment; fail


@pytest.mark.parametrize(
    ("path", "formats"),
    [
        ("/enterprises", "json"),
        (f"/enterprises/{S}", "json"),
        (f"/leaders/{L1}/tiers", "json"),
        ("/chains/C1/weak-links", "json"),
        ("/chains/C1/segments", "json"),
        ("/chains/C1/batches", "json"),
        ("/chains", "json"),
        ("/stats", "json"),
        ("/atlases/region/32", "html"),
    ],
)
def test_an_export_the_route_does_not_have_is_refused(
    world: World, path: str, formats: str
) -> None:
    for asked in ({"format": "csv"}, {"format": "xlsx"}, {"export": "csv"}, {"download": "1"}):
        answer = world.get("admin", path, **asked)
        assert answer.status_code == 400, (path, asked, answer.text)
        body = answer.json()
        assert body["code"] == "unsupported_format"
        assert f"answers in {formats} only" in body["detail_en"]
        assert formats in body["detail_zh"]
    # the route's own format, named, is what it answers anyway
    assert world.get("admin", path, format=formats).status_code == 200


def test_a_format_the_plan_does_not_have_names_those_it_has(world: World) -> None:
    answer = world.get("admin", "/chains/C1/plan", format="csv", headers={"Accept-Language": "en"})
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "unsupported_format"
    assert body["detail"] == body["detail_en"]
    for name in ("json", "md", "html"):
        assert name in body["detail_en"] and name in body["detail_zh"]
    assert world.get("admin", "/chains/C1/plan", format="md").status_code == 200


def test_the_export_check_comes_after_the_token(world: World) -> None:
    assert world.get(None, "/enterprises", format="csv").status_code == 401
    assert world.get("analyst32", "/enterprises", format="csv").status_code == 403
    assert world.get(None, "/health", format="csv").status_code == 400


def test_filters_outside_the_world_find_nothing(world: World) -> None:
    assert usccs(world.get("admin", "/enterprises", region="65")) == set()
    assert {REGION[u][:2] for u in usccs(world.get("admin", "/enterprises", region="11,34"))} == {
        "11",
        "34",
    }
    assert usccs(world.get("reg34", "/enterprises", region="34,32")) == {
        u for u in ALL if REGION[u].startswith("34")
    }
