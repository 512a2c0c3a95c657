"""Who may open which page of the console, for which object: every role × page × object of the
world (tests/api_world.py), on both stores.

A page about an object answers as the API answers the same caller about it: 200 when the API
gives it, the same 404 page for an object outside the caller's bounds as for one that does not
exist, and the refusal page (403) when the role may not do what the page does. Pages without an
object answer by role alone."""

from __future__ import annotations

from typing import Any

import pytest
from api_world import A1, B1, D1, D2, L1, L2, NAMES, S, T
from console_world import ACCOUNTS, Client, Console
from console_world import console as console  # the fixture

NOBODY = "91110000MA0000000X"  # a well-formed USCC no firm has
FIRMS = [*sorted(NAMES), NOBODY]
CHAINS = ["C1", "C2", "NO-SUCH-CHAIN"]

#: the pages without an object, and the roles that may open them
BY_ROLE: dict[str, set[str]] = {
    "/": {"admin", "regulator", "leader", "analyst"},
    "/regions": {"admin", "regulator"},
    "/query": {"admin", "regulator", "analyst"},
    "/upload": {"admin", "regulator"},
    "/admin/users": {"admin"},
    "/admin/tokens": {"admin"},
    "/leader": {"leader", "admin", "regulator"},  # the others choose a leader there
    "/password": {"admin", "regulator", "leader", "analyst"},
}


def _api(client: Client, path: str) -> int:
    return int(client.get(f"/api/v1{path}").status_code)


def _chain_visible(client: Client, chain: str) -> bool:
    answer = client.get("/api/v1/chains")
    return answer.status_code == 200 and chain in {c["chain_id"] for c in answer.json()}


def _expected(client: Client, page: str, chain: str | None, firm: str | None) -> int:
    """What the page should answer, from what the API answers the same caller."""
    if page == "chain" or page == "atlas":
        assert chain is not None
        return 200 if _chain_visible(client, chain) else 404
    if page == "segment":
        assert chain is not None
        return 200 if _chain_visible(client, chain) else 404
    if page == "weak-links":
        return _api(client, f"/chains/{chain}/weak-links")
    if page == "plan":
        return _api(client, f"/chains/{chain}/batches")
    if page == "firm":
        return _api(client, f"/enterprises/{firm}")
    if page == "leader":
        return _api(client, f"/leaders/{firm}/tiers")
    raise AssertionError(page)


def _path(page: str, chain: str | None, firm: str | None) -> str:
    return {
        "chain": f"/chains/{chain}",
        "atlas": f"/chains/{chain}/atlas",
        "segment": f"/chains/{chain}/segments/parts",
        "weak-links": f"/chains/{chain}/weak-links",
        "plan": f"/chains/{chain}/plan",
        "firm": f"/firms/{firm}",
        "leader": f"/leaders/{firm}",
    }[page]


def test_every_role_page_and_object_answers_as_the_api_does(console: Console) -> None:
    cells: dict[tuple[str, str], tuple[int, int]] = {}
    for who in ACCOUNTS:
        client = console.as_(who)
        for page in ("chain", "atlas", "segment", "weak-links", "plan"):
            for chain in CHAINS:
                path = _path(page, chain, None)
                cells[who, path] = (
                    client.get(path).status_code,
                    _expected(client, page, chain, None),
                )
        for page in ("firm", "leader"):
            for firm in FIRMS:
                path = _path(page, None, firm)
                cells[who, path] = (
                    client.get(path).status_code,
                    _expected(client, page, None, firm),
                )
        role = ACCOUNTS[who][0]
        for path, roles in BY_ROLE.items():
            got = client.get(path).status_code
            cells[who, path] = (got, 200 if role in roles else got if got in (403, 404) else -1)
    wrong = {cell: answer for cell, answer in cells.items() if answer[0] != answer[1]}
    assert wrong == {}, "\n".join(
        f"{w} {p}: got {g}, expected {e}" for (w, p), (g, e) in wrong.items()
    )
    # and the matrix is not trivial: each role is refused something and given something
    for who in ACCOUNTS:
        answers = {got for (w, _), (got, _) in cells.items() if w == who}
        assert 200 in answers and answers & {403, 404}, who


def test_objects_outside_the_bounds_are_not_found_like_objects_that_do_not_exist(
    console: Console,
) -> None:
    """The cells the issue names: a leader typing another leader's objects, a regulator another
    region's firm, each the 404 page, word for word as for an object that does not exist."""
    leader = console.as_("leader1")
    assert leader.get("/chains/C2").status_code == 404
    assert leader.get(f"/leaders/{L2}").status_code == 404
    assert leader.get(f"/firms/{B1}").status_code == 404  # in L2's tree only
    assert leader.get(f"/firms/{D2}").status_code == 404
    regulator = console.as_("reg34")
    assert regulator.get(f"/firms/{A1}").status_code == 404  # a Jiangsu firm
    assert regulator.get(f"/firms/{T}").status_code == 200  # an Anhui firm
    for client, outside in ((leader, f"/firms/{B1}"), (regulator, f"/firms/{D1}")):
        page: Any = client.get(outside)
        nowhere: Any = client.get(f"/firms/{NOBODY}")
        assert page.status_code == nowhere.status_code == 404
        assert _words(page.text).replace(B1, "X").replace(D1, "X") == _words(nowhere.text).replace(
            NOBODY, "X"
        )
    assert S and L1


def _words(html: str) -> str:
    import re

    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r'name="csrf_token" value="[^"]+"', "", text)
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("who", ["leader1", "analyst32"])
def test_roles_are_refused_what_they_may_not_do(console: Console, who: str) -> None:
    client = console.as_(who)
    for path in ("/admin/users", "/admin/tokens", "/upload"):
        assert client.get(path).status_code in (403, 404), path
