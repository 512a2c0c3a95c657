"""Plans and atlas pages are drawn once while the data stays the same, for each caller's reach,
and drawn anew after an import. (Both stores.)"""

from __future__ import annotations

import csv
import io

from api_world import A1, World
from api_world import world as world  # the fixture


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def test_plans_and_atlases_are_kept_until_an_import_changes_the_data(world: World) -> None:
    results = world.client.app.state.results  # type: ignore[attr-defined]

    def plan(who: str) -> str:
        answer = world.get(who, "/chains/C1/plan", format="md", lang="en")
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/markdown")
        return str(answer.text)

    first = plan("admin")
    hits = results.hits
    assert plan("admin") == first
    assert results.hits > hits  # the second came from the cache
    # another reach is another plan: a leader's covers its own tree
    assert plan("leader1") != first
    page = world.get("admin", "/atlases/region/32")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    hits = results.hits
    assert world.get("admin", "/atlases/region/32").text == page.text
    assert results.hits > hits
    # a regulator of another region is still refused, though the page is kept
    assert world.get("reg34", "/atlases/region/32").status_code == 404
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
    assert plan("admin") != first  # drawn anew over the new data
    assert world.get("admin", "/atlases/region/32").text != page.text  # A1 now certified
