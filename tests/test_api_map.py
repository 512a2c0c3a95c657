"""GET /atlases/map/{code}: the region map chainmap atlas --map draws, to whoever may draw the
region's atlas, on both stores."""

from __future__ import annotations

from api_world import World
from api_world import world as world  # the fixture


def test_the_map_is_drawn_for_whoever_may_draw_the_regions_atlas(world: World) -> None:
    answers = {
        (who, code): world.get(who, f"/atlases/map/{code}").status_code
        for who in ("admin", "reg32", "reg34", "leader1", "analyst32")
        for code in ("32", "3205", "34")
    }
    assert answers == {
        ("admin", "32"): 200,
        ("admin", "3205"): 200,
        ("admin", "34"): 200,
        ("reg32", "32"): 200,
        ("reg32", "3205"): 200,
        ("reg32", "34"): 404,  # another province: as if there were no such map
        ("reg34", "32"): 404,
        ("reg34", "3205"): 404,
        ("reg34", "34"): 200,
        ("leader1", "32"): 404,
        ("leader1", "3205"): 404,
        ("leader1", "34"): 404,
        ("analyst32", "32"): 403,  # analysts draw no atlas
        ("analyst32", "3205"): 403,
        ("analyst32", "34"): 403,
    }


def test_the_map_names_the_regions_and_counts_the_firms(world: World) -> None:
    page = world.get("admin", "/atlases/map/3205")
    assert page.headers["content-type"].startswith("text/html")
    assert "苏州市" in page.text and "Content-Security-Policy" in page.text
    english = world.get("admin", "/atlases/map/32", lang="en")
    assert english.status_code == 200 and english.text != world.get("admin", "/atlases/map/32").text
    assert world.get("admin", "/atlases/map/320583").status_code == 422  # a county has no map
    assert world.get("admin", "/atlases/map/99").status_code == 404  # no such province
