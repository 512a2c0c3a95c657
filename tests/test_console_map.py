"""The regions page shows the region map the API draws (GET /atlases/map/{code}) for the regions
the caller may draw, in a sandboxed frame, on both stores."""

from __future__ import annotations

import re
from typing import Any

from console_world import Console
from console_world import console as console  # the fixture


def _frame(html: str) -> dict[str, str]:
    found = re.search(r'<iframe id="map-frame" ([^>]*)></iframe>', html)
    assert found, "no map on the page"
    return dict(re.findall(r'(\w+)="([^"]*)"', found.group(1)))


def test_each_regulator_sees_the_map_of_its_own_regions(console: Console) -> None:
    for who, code, name in (("reg32", "32", "江苏省"), ("reg34", "34", "安徽省")):
        client = console.as_(who)
        page: Any = client.get("/regions")
        assert page.status_code == 200
        frame = _frame(page.text)
        src = frame["src"].replace("&amp;", "&")
        assert src == f"/api/v1/atlases/map/{code}?lang=zh"
        assert frame["sandbox"] == "allow-scripts" and name in frame["title"]
        drawn = client.get(src)  # the frame's page, with the session's cookie
        assert drawn.status_code == 200 and drawn.headers["content-type"].startswith("text/html")
        other = "34" if code == "32" else "32"
        assert client.get(f"/api/v1/atlases/map/{other}").status_code == 404
        assert f"map={other}" not in page.text  # nor offered


def test_an_admin_chooses_among_the_provinces_with_firms(console: Console) -> None:
    client = console.as_("admin")
    page = client.get("/regions")
    assert _frame(page.text)["src"].startswith("/api/v1/atlases/map/11?")  # the first: 北京
    for code in ("11", "32", "34"):
        assert f"map={code}" in page.text
    chosen = client.get("/regions", map="34")
    assert _frame(chosen.text)["src"].startswith("/api/v1/atlases/map/34?")
    unknown = client.get("/regions", map="45")  # a province without firms: the first instead
    assert _frame(unknown.text)["src"].startswith("/api/v1/atlases/map/11?")
    assert client.get("/regions", map="x").status_code == 422
