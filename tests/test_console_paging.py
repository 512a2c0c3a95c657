"""Long lists on the console come a page at a time: a segment's firms, a leader's tiers, the
firms of the expiry calendar; every firm is still reachable."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from console_world import PASSWORD, Console

from chainmap.accounts import create_account
from chainmap.api import create_app
from chainmap.api.console.routes.chains import SEGMENT_PAGE
from chainmap.api.console.routes.leaders import PER_PAGE, PER_TIER
from chainmap.config import Settings
from chainmap.graph import to_digraph
from chainmap.ingest.load import import_datasets
from chainmap.samples import generate_dataset
from chainmap.store import open_store


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Console, str, str, str]]:
    """A generated chain of 1,500 firms: the console, the chain, its largest segment, a leader."""
    from fastapi.testclient import TestClient

    folder = tmp_path_factory.mktemp("big")
    generate_dataset(folder / "data", enterprises=1500, chains=1, seed=3)
    url = f"sqlite:///{folder / 'big.db'}"
    import_datasets([folder / "data"], lambda: open_store(url, create=True))
    with open_store(url) as store:
        chain = store.chains()[0].chain_id
        graph = to_digraph(store.chain(chain))
        sizes: dict[str, int] = {}
        for _, attrs in graph.nodes(data=True):
            for _, segment in attrs.get("segments", ()):
                sizes[segment] = sizes.get(segment, 0) + 1
        segment = max(sizes, key=lambda s: sizes[s])
        leader = graph.graph["leaders"][0]
        create_account(store, "admin", "admin", PASSWORD)
        create_account(store, "leader", "leader", PASSWORD, enterprise=leader)
    app = create_app(Settings(store=url))
    with TestClient(app):
        yield Console(app, url), chain, segment, leader


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-uscc="([0-9A-Z]{18})"', html)


def test_a_segments_firms_come_a_page_at_a_time(big: tuple[Console, str, str, str]) -> None:
    console, chain, segment, _ = big
    client = console.as_("admin")
    first = client.get(f"/chains/{chain}/segments/{segment}")
    assert first.status_code == 200
    total = int(re.search(r"共 (\d+) 家企业", first.text).group(1))  # type: ignore[union-attr]
    assert total > SEGMENT_PAGE
    seen: list[str] = []
    pages = -(-total // SEGMENT_PAGE)
    for n in range(1, pages + 1):
        answer = client.get(f"/chains/{chain}/segments/{segment}", page=n)
        rows = _rows(answer.text)
        assert len(rows) == (SEGMENT_PAGE if n < pages else total - SEGMENT_PAGE * (pages - 1))
        assert ('rel="next"' in answer.text) == (n < pages)
        seen += rows
    assert len(seen) == len(set(seen)) == total  # every firm once
    past = client.get(f"/chains/{chain}/segments/{segment}", page=pages + 5)
    assert _rows(past.text) == _rows(
        client.get(f"/chains/{chain}/segments/{segment}", page=pages).text
    )


def test_a_leaders_tiers_are_cut_with_a_link_to_each_whole_tier(
    big: tuple[Console, str, str, str],
) -> None:
    console, _, _, leader = big
    client = console.as_("leader")
    whole = client.get("/api/v1/leaders/" + leader + "/tiers", depth=5).json()["firms"]
    by_tier: dict[int, set[str]] = {}
    for firm in whole:
        by_tier.setdefault(firm["tier"], set()).add(firm["uscc"])
    biggest = max(by_tier, key=lambda t: len(by_tier[t]))
    assert len(by_tier[biggest]) > PER_TIER, "the world needs a tier longer than a page"
    mine = client.get("/leader")
    assert mine.status_code == 200
    table = mine.text.split(f'data-tier="{biggest}"', 1)[1].split("</table>", 1)[0]
    assert len(_rows(table)) == PER_TIER
    assert f"tier={biggest}" in mine.text  # the link to the whole tier
    seen: set[str] = set()
    page = 1
    while True:
        answer = client.get("/leader", tier=str(biggest), page=page)
        rows = _rows(answer.text.split("calendar-table", 1)[0])
        assert len(rows) <= PER_PAGE
        seen |= set(rows)
        if 'rel="next"' not in answer.text.split("calendar-table", 1)[0]:
            break
        page += 1
    assert seen == by_tier[biggest]
