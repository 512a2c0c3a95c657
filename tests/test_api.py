"""The HTTP API: who may see what, on both stores (the world is drawn in tests/api_world.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from api_world import A1, B1, D1, L1, L2, NAMES, REGION, TREE, S, T, World, serving, usccs, write
from api_world import world as world  # the fixture
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from chainmap.access import issue_token, revoke_token
from chainmap.api import create_app
from chainmap.config import Settings
from chainmap.ingest.load import import_datasets
from chainmap.store import open_store

ALL = set(NAMES)
IN_32 = {u for u in ALL if REGION[u].startswith("32")}
IN_34 = {u for u in ALL if REGION[u].startswith("34")}


def _undeclared(app: Any) -> list[str]:
    """Paths of the app's API routes that declare no permission."""
    try:  # FastAPI 0.16x keeps included routers whole; older ones list their routes
        from fastapi.routing import iter_route_contexts

        walked = [c.original_route for c in iter_route_contexts(app.routes)]
    except ImportError:
        walked = list(app.routes)
    routes = [r for r in walked if isinstance(r, APIRoute)]
    assert len(routes) >= 6

    def permissions(dependant: Any) -> list[Any]:
        found = [getattr(dependant.call, "permission", None)]
        for sub in dependant.dependencies:
            found += permissions(sub)
        return [p for p in found if p is not None]

    return [r.path for r in routes if not permissions(r.dependant)]


def test_every_route_declares_a_permission() -> None:
    app = create_app(Settings(store="sqlite:///unused.db"))
    assert _undeclared(app) == []

    def forgotten() -> int:
        return 1

    app.add_api_route("/api/v1/forgotten", forgotten)
    assert _undeclared(app) == ["/api/v1/forgotten"]


def test_tokens_are_checked_before_anything_else(world: World) -> None:
    assert world.get(None, "/health").status_code == 200  # the one public route
    for path in ("/stats", "/chains", "/enterprises", f"/enterprises/{L1}"):
        missing = world.get(None, path)
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
        bad = world.client.get(f"/api/v1{path}", headers={"Authorization": "Bearer cm_nonsense"})
        assert bad.status_code == 401
        basic = world.client.get(f"/api/v1{path}", headers={"Authorization": "Basic YTpi"})
        assert basic.status_code == 401
    with open_store(world.url) as store:
        (row,) = [t for t in store.tokens() if t.name == "reg34"]
        revoke_token(store, row.token_id)
    assert world.get("reg34", "/chains").status_code == 401


# role x route: 200 allowed, 403 not the role's to ask
MATRIX = {
    "/stats": {"admin": 200, "reg32": 200, "leader1": 403, "analyst32": 200},
    "/chains": {"admin": 200, "reg32": 200, "leader1": 200, "analyst32": 200},
    "/enterprises": {"admin": 200, "reg32": 200, "leader1": 200, "analyst32": 403},
    f"/enterprises/{S}": {"admin": 200, "reg32": 200, "leader1": 200, "analyst32": 403},
    f"/leaders/{L1}/tiers": {"admin": 200, "reg32": 200, "leader1": 200, "analyst32": 403},
    "/chains/C1/weak-links": {"admin": 200, "reg32": 200, "leader1": 200, "analyst32": 200},
    "/chains/C1/segments": {"admin": 200, "reg32": 200, "leader1": 403, "analyst32": 200},
    f"/chains/C1/what-if?fail={A1}": {"admin": 200, "reg32": 200, "leader1": 403, "analyst32": 200},
    # a regulator: the plans of chains within its regions (C1 is Suzhou's, not Anhui's)
    "/chains/C1/plan": {
        "admin": 200,
        "reg32": 200,
        "reg34": 403,
        "leader1": 200,
        "analyst32": 403,
    },
    "/chains/C1/batches": {
        "admin": 200,
        "reg32": 200,
        "reg34": 403,
        "leader1": 200,
        "analyst32": 403,
    },
    "/atlases/region/32": {"admin": 200, "reg32": 200, "leader1": 404, "analyst32": 403},
    f"/atlases/leader/{L1}": {"admin": 200, "reg32": 404, "leader1": 200, "analyst32": 403},
    "/atlases/chain/C1": {"admin": 200, "reg32": 404, "leader1": 404, "analyst32": 403},
    f"/atlases/enterprise/{S}": {"admin": 200, "reg32": 404, "leader1": 404, "analyst32": 403},
    "/health": {"admin": 200, "reg32": 200, "leader1": 200, "analyst32": 200},
}


@pytest.mark.parametrize("path", sorted(MATRIX))
def test_each_role_may_ask_only_what_its_role_allows(world: World, path: str) -> None:
    for who, expected in MATRIX[path].items():
        assert world.get(who, path).status_code == expected, (who, path)


def test_search_finds_only_firms_within_the_callers_bounds(world: World) -> None:
    assert usccs(world.get("admin", "/enterprises")) == ALL
    assert usccs(world.get("reg32", "/enterprises")) == IN_32
    assert usccs(world.get("reg34", "/enterprises")) == IN_34
    assert usccs(world.get("leader1", "/enterprises")) == TREE[L1]
    assert usccs(world.get("leader2", "/enterprises")) == TREE[L2]
    # a filter never widens the bounds, and the total counts only what may be seen
    assert usccs(world.get("reg32", "/enterprises", region="34")) == set()
    answer = world.get("leader1", "/enterprises", q="合肥", per_page=1)
    assert answer.json()["total"] == 1 and usccs(answer) == {T}  # not L2, B1 or D2
    assert usccs(world.get("admin", "/enterprises", certified=True)) == {L1, B1}


def test_one_firm_outside_the_bounds_is_not_found_like_one_that_does_not_exist(
    world: World,
) -> None:
    from sample_chain import make_uscc

    nobody = make_uscc(999, "320583")
    for who, outside in (("reg32", T), ("reg34", L1), ("leader1", L2), ("leader1", B1)):
        hidden = world.get(who, f"/enterprises/{outside}")
        absent = world.get(who, f"/enterprises/{nobody}")
        assert hidden.status_code == absent.status_code == 404
        assert hidden.json()["detail"].replace(outside, "X") == absent.json()["detail"].replace(
            nobody, "X"
        )


def test_a_shared_supplier_shows_each_leader_only_its_own_side(world: World) -> None:
    def neighbours(who: str) -> tuple[set[str], set[str]]:
        body = world.get(who, f"/enterprises/{S}").json()
        return {f["uscc"] for f in body["suppliers"]}, {f["uscc"] for f in body["customers"]}

    assert neighbours("admin") == ({T}, {L1, L2})
    assert neighbours("leader1") == ({T}, {L1})  # not the other leader
    assert neighbours("leader2") == ({T}, {L2})
    assert neighbours("reg32") == (set(), {L1})  # T and L2 are in Anhui
    assert world.get("reg34", f"/enterprises/{S}").status_code == 404


def test_tiers(world: World) -> None:
    tiers = world.get("leader1", f"/leaders/{L1}/tiers").json()
    assert {(f["uscc"], f["tier"]) for f in tiers["firms"]} == {
        (L1, 0),
        (A1, 1),
        (S, 1),
        (T, 2),
        (D1, -1),
    }
    assert world.get("leader1", f"/leaders/{L2}/tiers").status_code == 404
    assert usccs(world.get("reg32", f"/leaders/{L1}/tiers")) == {L1, A1, S}
    assert world.get("reg34", f"/leaders/{L1}/tiers").status_code == 404  # the leader is not theirs
    assert usccs(world.get("admin", f"/leaders/{L1}/tiers", depth=1)) == {L1, A1, S, D1}


def test_weak_links_are_rows_within_the_bounds(world: World) -> None:
    def rows(who: str, chain: str, **params: Any) -> set[str]:
        answer = world.get(who, f"/chains/{chain}/weak-links", min_score=0, **params)
        assert answer.status_code == 200, answer.text
        return {row["uscc"] for row in answer.json()["items"]}

    assert rows("admin", "C1") == {A1, S, T}
    assert rows("reg32", "C1") == {A1, S}
    assert rows("analyst32", "C1") == {A1, S}
    assert rows("leader1", "C1") == {A1, S, T}
    assert world.get("leader1", "/chains/C2/weak-links").status_code == 404
    assert world.get("leader2", "/chains/C1/weak-links").status_code == 404
    assert world.get("admin", "/chains/NOPE/weak-links").status_code == 404
    assert [c["chain_id"] for c in world.get("leader1", "/chains").json()] == ["C1"]


@pytest.mark.parametrize(
    "text",
    ["' OR '1'='1", '") OR 1=1 --', "x' }) MATCH (n) DETACH DELETE n //", "%", "<script>"],
)
def test_injection_strings_are_refused_or_find_nothing(world: World, text: str) -> None:
    for params in ({"q": text}, {"region": text}, {"industry": text}):
        answer = world.get("admin", "/enterprises", **params)
        assert answer.status_code == 422 or answer.json()["total"] == 0, params
    for path in (
        f"/enterprises/{text}",
        f"/chains/{text}/weak-links",
        f"/chains/{text}/segments",
        f"/chains/{text}/plan",
        f"/leaders/{text}/tiers",
        f"/atlases/chain/{text}",
        f"/atlases/region/{text}",
        f"/atlases/leader/{text}",
    ):
        assert 400 <= world.get("admin", path).status_code < 500, path
    answer = world.get("admin", "/chains/C1/weak-links", segment=text)
    assert answer.status_code == 200 and answer.json()["items"] == []
    assert world.get("admin", "/chains/C1/weak-links", leader=text).status_code == 422
    assert world.get("admin", "/chains/C1/what-if", fail=[text]).status_code == 422  # no USCC
    upload = world.client.post(
        "/api/v1/datasets",
        headers={"Authorization": f"Bearer {world.tokens['admin']}"},
        files=[("files", (f"{text}.csv", b"uscc\n", "text/csv"))],
    )
    assert upload.status_code == 422
    assert world.get("admin", "/stats").json()["enterprises"] == len(ALL)


def test_segments_what_if_plans_and_atlases_keep_to_the_bounds(world: World) -> None:
    parts = {s["segment_id"]: s for s in world.get("admin", "/chains/C1/segments").json()}
    assert parts["parts"]["firms"] == 3  # A1, S, T
    mine = {s["segment_id"]: s for s in world.get("analyst32", "/chains/C1/segments").json()}
    assert mine["parts"]["firms"] == 2  # T is in Anhui
    assert world.get("reg32", "/chains/C1/segments").json() == list(parts.values())
    # what-if: a firm the caller may not see is not found; cut-off firms are filtered
    lost = world.get("admin", "/chains/C1/what-if", fail=[S]).json()
    assert lost == [{"leader": L1, "lost_share": 0.5, "cut_off": [T]}]
    assert world.get("reg32", "/chains/C1/what-if", fail=[S]).json()[0]["cut_off"] == []  # T: 34
    assert world.get("reg32", "/chains/C1/what-if", fail=[T]).status_code == 404
    # a leader's plan is about its tree only
    plan = world.get("leader1", "/chains/C1/plan").text
    assert A1 in plan and S in plan and B1 not in plan and L2 not in plan
    html = world.get("leader1", "/chains/C1/plan", format="html", lang="en")
    assert html.headers["content-type"].startswith("text/html") and "<html" in html.text
    assert world.get("leader1", "/chains/C2/plan").status_code == 404
    batches = world.get("leader1", "/chains/C1/batches").json()
    members = {m["uscc"] for b in batches for m in b["members"]}
    assert members and members <= TREE[L1]
    assert world.get("leader2", "/chains/C1/batches").status_code == 404
    # atlases: one page each, with the firms the caller may see
    page = world.get("leader1", f"/atlases/leader/{L1}")
    assert page.headers["content-type"].startswith("text/html")
    assert "Content-Security-Policy" in page.text and B1 not in page.text and L2 not in page.text
    assert world.get("leader1", f"/atlases/leader/{L2}").status_code == 404
    assert world.get("reg32", "/atlases/region/34").status_code == 404
    assert world.get("reg32", "/atlases/chain/C1").status_code == 404


def test_regions_and_industries_are_named_beside_their_codes(world: World) -> None:
    """Search, one firm and its neighbours, tiers, weak links, chains, batches and the plan."""
    kunshan = ("320583", "江苏省苏州市昆山市", "C3670", "汽车零部件及配件制造")
    chaoyang = ("110105", "北京市朝阳区", "C3670", "汽车零部件及配件制造")

    def named(item: dict[str, Any]) -> tuple[str, str, str, str]:
        keys = list(item)  # each name right after its code
        assert keys[keys.index("region_code") + 1] == "region_name"
        assert keys[keys.index("industry_code") + 1] == "industry_name"
        return (
            item["region_code"],
            item["region_name"],
            item["industry_code"],
            item["industry_name"],
        )

    found = {i["uscc"]: named(i) for i in world.get("admin", "/enterprises").json()["items"]}
    assert found[L1] == kunshan and found[D1] == chaoyang
    assert found[B1][:2] == ("340102", "安徽省合肥市瑶海区")
    one = world.get("admin", f"/enterprises/{L1}").json()
    assert named(one) == kunshan
    assert [named(f) for f in one["customers"]] == [chaoyang]
    assert {f["uscc"]: f["region_name"] for f in one["suppliers"]} == {
        A1: "江苏省苏州市吴中区",
        S: "江苏省苏州市虎丘区",
    }
    tiers = world.get("leader1", f"/leaders/{L1}/tiers").json()["firms"]
    assert {f["uscc"]: named(f) for f in tiers}[D1] == chaoyang
    links = world.get("admin", "/chains/C1/weak-links", min_score=0).json()["items"]
    assert {r["uscc"]: named(r)[1] for r in links} == {
        A1: "江苏省苏州市吴中区",
        S: "江苏省苏州市虎丘区",
        T: "安徽省合肥市庐阳区",
    }
    chains = {c["chain_id"]: c for c in world.get("admin", "/chains").json()}
    assert (chains["C1"]["region_code"], chains["C1"]["region_name"]) == ("320500", "江苏省苏州市")
    batches = world.get("leader1", "/chains/C1/batches").json()
    assert {(tuple(b["group"]), b["division_name"], b["prefecture_name"]) for b in batches} == {
        (("C36", "320500"), "汽车制造业", "江苏省苏州市"),
        (("C36", "340100"), "汽车制造业", "安徽省合肥市"),
    }
    plan = world.get("leader1", "/chains/C1/plan", format="json").json()
    assert plan["regions"] == [  # firms of the tree by prefecture-level unit, the name last
        ["320500", 3, 1, 0.0, "江苏省苏州市"],
        ["110000", 1, 0, None, "北京市"],
        ["340100", 1, 0, 0.0, "安徽省合肥市"],
    ]
    assert {r["region_name"] for r in plan["weak_links"]} >= {"江苏省苏州市吴中区"}
    text = world.get("leader1", "/chains/C1/plan", format="md").text
    assert "江苏省苏州市（320500）" in text and "汽车制造业（C36）" in text


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in rows).encode("utf-8")


ENTERPRISE_HEADER = ["uscc", "name", "region_code", "industry_code", "employees", "revenue"]


def test_uploads_are_validated_whole_and_scoped_to_the_regulators_regions(world: World) -> None:
    from sample_chain import make_uscc

    def upload(who: str, *files: tuple[str, bytes]) -> Any:
        return world.client.post(
            "/api/v1/datasets",
            headers={"Authorization": f"Bearer {world.tokens[who]}"},
            files=[("files", (name, data, "text/csv")) for name, data in files],
        )

    new32, new34 = make_uscc(301, "320583"), make_uscc(302, "340100")
    firm32 = (
        "enterprises.csv",
        _csv([ENTERPRISE_HEADER, [new32, "苏州新厂", "320583", "C3670", "9", "50"]]),
    )
    firm34 = (
        "enterprises.csv",
        _csv([ENTERPRISE_HEADER, [new34, "合肥新厂", "340100", "C3670", "9", "50"]]),
    )
    before = world.get("admin", "/stats").json()
    assert upload("analyst32", firm32).status_code == 403
    assert upload("leader1", firm32).status_code == 403
    # a regulator's rows outside its regions: every one listed, nothing written
    refused = upload("reg32", firm34)
    assert refused.status_code == 422
    (problem,) = refused.json()["problems"]
    assert (problem["file"], problem["row"], problem["column"]) == (
        "enterprises.csv",
        2,
        "region_code",
    )
    link = ("supply.csv", _csv([["supplier_uscc", "customer_uscc", "product"], [T, L1, "锂"]]))
    assert upload("reg32", link).status_code == 422  # T is in Anhui
    # bad data: the same problems as `chainmap import`, nothing written
    broken = (
        "enterprises.csv",
        _csv([ENTERPRISE_HEADER, ["91320583NOTAUSCC", "坏", "320583", "C3670", "1", "1"]]),
    )
    answer = upload("admin", broken)
    assert answer.status_code == 422 and answer.json()["problems"][0]["column"] == "uscc"
    assert upload("admin", ("notes.txt", b"x")).status_code == 422
    assert world.get("admin", "/stats").json() == before
    # within the regions it is written, and found
    done = upload("reg32", firm32)
    assert done.status_code == 201, done.text
    assert done.json()["written"]["enterprises"] == 1
    assert usccs(world.get("reg32", "/enterprises", q="苏州新厂")) == {new32}


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    store_url: str, tmp_path: Path
) -> None:
    import_datasets([write(tmp_path / "world")], lambda: open_store(store_url, create=True))
    with open_store(store_url) as store:
        token, _ = issue_token(store, "admin", "ops")
        before = store.stats()
    big = _csv(
        [ENTERPRISE_HEADER] + [[f"x{i}", "厂", "320583", "C3670", "1", "1"] for i in range(400)]
    )
    with TestClient(create_app(Settings(store=store_url, upload_limit=4096))) as client:
        answer = client.post(
            "/api/v1/datasets",
            headers={"Authorization": f"Bearer {token}"},
            files=[("files", ("enterprises.csv", big, "text/csv"))],
        )
    assert answer.status_code == 413
    with open_store(store_url) as store:
        assert store.stats() == before


def test_results_are_reused_until_an_import_changes_the_data(world: World) -> None:
    def a1() -> dict[str, Any]:
        items = world.get("admin", "/chains/C1/weak-links", min_score=0).json()["items"]
        (row,) = [r for r in items if r["uscc"] == A1]
        return row  # type: ignore[no-any-return]

    results = world.client.app.state.results  # type: ignore[attr-defined]
    assert a1()["certification"] == "none"
    hits = results.hits
    assert a1()["certification"] == "none"
    assert results.hits > hits  # the second answer came from the cache
    certificate = _csv(
        [
            ["cert_no", "uscc", "standard", "body", "status", "issued_on", "expires_on"],
            ["00125Q20009R0M", A1, "GB/T 19001-2016", "CQC", "valid", "2025-06-01", "2028-06-01"],
        ]
    )
    done = world.client.post(
        "/api/v1/datasets",
        headers={"Authorization": f"Bearer {world.tokens['admin']}"},
        files=[("files", ("certificates.csv", certificate, "text/csv"))],
    )
    assert done.status_code == 201, done.text
    assert a1()["certification"] == "valid"  # the import made the cached figures stale


def test_serve_runs_the_app_over_the_store(tmp_path: Path) -> None:
    import subprocess
    import sys
    import urllib.request

    url = f"sqlite:///{tmp_path / 'served.db'}"
    import_datasets([write(tmp_path / "world")], lambda: open_store(url, create=True))
    with open_store(url) as store:
        token, _ = issue_token(store, "regulator", "served", ["34"])
    with serving(url) as base:
        request = urllib.request.Request(
            f"{base}/api/v1/enterprises", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            found = {f["uscc"] for f in json.load(answer)["items"]}
        assert found == IN_34
    missing = subprocess.run(
        [sys.executable, "-m", "chainmap", "serve", "--store", f"sqlite:///{tmp_path / 'none.db'}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 3 and "no chainmap store" in missing.stderr
