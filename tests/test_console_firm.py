"""The console's firm page (/firms/{uscc}) and a leader's page (/leader, /leaders/{uscc}), on
both stores: the same bounds as the API, neighbours within them, reasons in words, the what-if
of one firm, supplier tiers with their states and the expiry calendar.

Besides the API tests' world (tests/api_world.py), a dated world of the same firms whose
certificates are set relative to today: A1's ends in 40 days and S's in 75 (S also holds an
expired one), L1's in 400, T's expired 10 days ago, D1's stands suspended, B1's (L2's tree) ends
in 20 days. A1's name is hostile HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from api_world import A1, B1, D1, D2, L1, L2, NAMES, S, T, serving, tables
from console_world import ACCOUNTS, Client, Console, log_in, make_accounts
from console_world import console as console  # the fixture
from fastapi.testclient import TestClient
from sample_chain import write_dataset

from chainmap.access import Role
from chainmap.api import create_app
from chainmap.api.permissions import GRANTS, Permission
from chainmap.config import Settings
from chainmap.ingest.load import import_datasets
from chainmap.store import open_store

FIRMS = [L1, L2, S, A1, B1, T, D1, D2]
NOBODY = "91320583999999999X"  # well formed, no such firm
HOSTILE = "<img src=x onerror=alert(1)>座椅"
TODAY = date.today()


def _day(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


def dated_tables() -> dict[str, list[list[str]]]:
    """The API tests' world with A1 named in HTML and certificates dated from today."""
    world = tables()
    firms = world["enterprises"]
    for row in firms[1:]:
        if row[0] == A1:
            row[1] = HOSTILE
    header = [*world["certificates"][0], "last_audit_on", "status_since"]

    def cert(no: str, uscc: str, status: str, issued: int, expires: int, **more: str) -> list[str]:
        return [
            no,
            uscc,
            "GB/T 19001-2016",
            "CQC",
            status,
            _day(issued),
            _day(expires),
            "",
            "",
            more.get("audit", ""),
            more.get("since", ""),
        ]

    world["certificates"] = [
        header,
        cert("00124Q21001R0M", L1, "valid", -100, 400),
        cert("00124Q21002R0M", A1, "valid", -300, 40, audit=_day(-30)),
        cert("00124Q21003R0M", S, "valid", -200, 75),
        cert("00124Q20999R0M", S, "valid", -1100, -100),
        cert("00124Q21004R0M", T, "valid", -1000, -10),
        cert("00124Q21005R0M", D1, "suspended", -200, 500, since=_day(-5)),
        cert("00124Q21006R0M", B1, "valid", -300, 20),
    ]
    return world


@pytest.fixture
def dated(store_url: str, tmp_path: Path) -> Iterator[Console]:
    """The console over the dated world, in a store of each kind, with an account per role."""
    folder = write_dataset(tmp_path / "dated", dated_tables())
    import_datasets([folder], lambda: open_store(store_url, create=True))
    make_accounts(store_url)
    app = create_app(Settings(store=store_url))
    with TestClient(app):
        yield Console(app, store_url)


def _text(page: str) -> str:
    """The words of a page, tags dropped and entities decoded."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))).strip()


def _part(page: str, element_id: str) -> str:
    """The element of ``page`` whose id is ``element_id`` (a table, a list, a section)."""
    found = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    return found.group(0) if found else ""


def _linked(fragment: str) -> list[str]:
    """The firms a fragment links to, in order, each once."""
    return list(dict.fromkeys(re.findall(r'href="/firms/([0-9A-Z]{18})"', fragment)))


def _english(client: Client) -> None:
    assert client.post("/lang", {"lang": "en", "back": "/"}).status_code == 303


# ---- the firm page --------------------------------------------------------------------------


def test_the_firm_page_is_found_exactly_when_the_api_finds_the_firm(console: Console) -> None:
    for who in ACCOUNTS:
        client = console.as_(who)
        for uscc in [*FIRMS, NOBODY]:
            api = client.get(f"/api/v1/enterprises/{uscc}")
            shown = client.get(f"/firms/{uscc}")
            assert shown.status_code == api.status_code, (who, uscc)
            assert shown.headers["content-type"].startswith("text/html")
            if ACCOUNTS[who][0] == "analyst":
                assert shown.status_code == 403  # analysts may not read firms at all
                continue
            assert shown.status_code in (200, 404), (who, uscc)
            name = NAMES.get(uscc, "")
            if shown.status_code == 200:
                assert f'<h1 id="firm-name">{name}</h1>' in shown.text
            else:
                assert not name or name not in shown.text  # a firm out of bounds is not named
                assert "未找到" in shown.text


def test_the_firm_pages_bounds_are_the_callers(console: Console) -> None:
    """Spot checks of the matrix above, for what the bounds mean."""
    clients = {who: console.as_(who) for who in ("admin", "reg32", "reg34", "leader1", "leader2")}
    seen = {
        who: {u for u in FIRMS if client.get(f"/firms/{u}").status_code == 200}
        for who, client in clients.items()
    }
    assert seen["admin"] == set(FIRMS)
    assert seen["reg32"] == {L1, S, A1}
    assert seen["reg34"] == {L2, B1, T, D2}
    assert seen["leader1"] == {L1, A1, S, T, D1}
    assert seen["leader2"] == {L2, B1, S, T, D2}


def test_suppliers_and_customers_are_those_within_the_bounds(console: Console) -> None:
    for who in ("admin", "reg32", "reg34", "leader1", "leader2"):
        client = console.as_(who)
        for uscc in FIRMS:
            api = client.get(f"/api/v1/enterprises/{uscc}")
            if api.status_code != 200:
                continue
            shown = client.get(f"/firms/{uscc}").text
            for part in ("suppliers", "customers"):
                expected = [firm["uscc"] for firm in api.json()[part]]
                assert _linked(_part(shown, f"{part}-table")) == expected, (who, uscc, part)
    # S supplies L1 and L2, and buys from T: each caller sees only its own side
    reg32 = console.as_("reg32").get(f"/firms/{S}").text
    assert _linked(_part(reg32, "customers-table")) == [L1]
    assert _linked(_part(reg32, "suppliers-table")) == []
    assert NAMES[L2] not in reg32 and NAMES[T] not in reg32
    leader1 = console.as_("leader1").get(f"/firms/{S}").text
    assert _linked(_part(leader1, "customers-table")) == [L1]
    assert _linked(_part(leader1, "suppliers-table")) == [T]
    admin = console.as_("admin").get(f"/firms/{S}").text
    customers = _text(_part(admin, "customers-table"))
    assert NAMES[L1] in customers and NAMES[L2] in customers
    assert "零件" in customers and "50.0%" in customers  # the link's product and share


def test_identity_in_words(dated: Console) -> None:
    shown = _text(dated.as_("admin").get(f"/firms/{S}").text)
    assert "江苏省苏州市虎丘区" in shown and "320505" in shown
    assert "汽车零部件及配件制造" in shown and "C3670" in shown
    assert "小型" in shown  # 50 employees, 3,000 万元: small
    assert "3 级" in shown


def test_certificates_with_their_history_and_the_state_on_the_day(dated: Console) -> None:
    client = dated.as_("reg32")
    page = client.get(f"/firms/{S}").text
    table = _part(page, "certificates")
    assert table.index("00124Q21003R0M") < table.index("00124Q20999R0M")  # latest first
    rows = _text(table)
    assert "中国质量认证中心" in rows and "有效" in rows and "过期" in rows
    state = _text(_part(page, "firm-state"))
    assert "即将到期" in state and _day(75) in state
    assert _text(_part(page, "firm-days-left")) == "距到期还有 75 天"
    assert "认证证书即将到期" in _text(_part(page, "firm-reasons"))
    # a suspension dated in the past shows, with its day; one dated later is not yet in force
    d1 = _text(dated.as_("admin").get(f"/firms/{D1}").text)
    assert "暂停" in d1 and _day(-5) in d1
    before = _text(dated.as_("admin").get(f"/firms/{D1}", as_of=_day(-10)).text)
    assert "暂停" not in before.split("证书记录")[1]


def test_reasons_in_words_in_both_languages(dated: Console) -> None:
    client = dated.as_("admin")
    api = client.get("/api/v1/chains/C1/weak-links", min_score=0).json()
    row = next(item for item in api["items"] if item["uscc"] == S)
    chinese = client.get(f"/firms/{S}").text
    figures = _text(_part(chinese, "figures-table"))
    assert row["explanation_zh"] in figures
    assert f"{row['score']:.2f}" in figures
    assert "认证证书即将到期" in _text(_part(chinese, "firm-reasons"))
    _english(client)
    english = client.get(f"/firms/{S}").text
    assert row["explanation_en"] in _text(_part(english, "figures-table"))
    assert "its certificate expires soon" in _text(_part(english, "firm-reasons"))
    assert "Weak-link figures" in english and "If this firm stopped" in english
    assert "薄弱环节指标" not in english


def test_figures_towards_each_leader_and_a_leader_only_towards_itself(console: Console) -> None:
    admin = console.as_("admin").get(f"/firms/{S}").text
    figures = _part(admin, "figures-table")
    assert L1 in figures and L2 in figures  # S supplies both leaders
    assert "/chains/C1/weak-links" in figures and "/chains/C2/weak-links" in figures
    leader1 = console.as_("leader1")
    mine = _part(leader1.get(f"/firms/{S}").text, "figures-table")
    assert L1 in mine and L2 not in mine and "/chains/C2/" not in mine
    api = leader1.get("/api/v1/chains/C1/weak-links", min_score=0).json()
    row = next(item for item in api["items"] if item["uscc"] == S)
    assert row["leader"] == L1 and f"{row['score']:.2f}" in _text(mine)
    # a regulator sees S's figures towards L2 too, L2 named by its USCC only (out of bounds)
    reg32 = _part(console.as_("reg32").get(f"/firms/{S}").text, "figures-table")
    assert L2 in reg32 and NAMES[L2] not in reg32 and f'href="/firms/{L2}"' not in reg32


def test_figures_and_what_if_only_for_roles_that_may_read_them(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert 'id="figures"' in console.as_("reg32").get(f"/firms/{S}").text
    leader = console.as_("leader1").get(f"/firms/{S}").text
    assert 'id="figures"' in leader and 'id="what-if"' not in leader  # leaders: no what-if
    regulator = GRANTS[Role.REGULATOR]
    monkeypatch.setitem(
        GRANTS, Role.REGULATOR, regulator - {Permission.WEAK_LINKS, Permission.WHAT_IF}
    )
    shown = console.as_("reg32").get(f"/firms/{S}")
    assert shown.status_code == 200
    assert 'id="figures"' not in shown.text and 'id="what-if"' not in shown.text


def test_what_the_leaders_lose_if_the_firm_stopped(console: Console) -> None:
    admin = console.as_("admin")
    table = _part(admin.get(f"/firms/{S}").text, "what-if-table")
    for chain, leader in (("C1", L1), ("C2", L2)):
        api = admin.get(f"/api/v1/chains/{chain}/what-if", fail=S).json()
        loss = next(w for w in api if w["leader"] == leader)
        row = next(r for r in table.split("<tr>") if leader in r)
        assert f"{100 * loss['lost_share']:.1f}%" in row
        assert _linked(row.split("</th>", 1)[1]) == loss["cut_off"]
        assert T in loss["cut_off"]  # T supplies S only: cut off from both leaders
    assert NAMES[L1] in _text(table) and "50.0%" in _text(table)
    # a Jiangsu regulator is not told of T (Anhui) being cut off
    reg32 = _part(console.as_("reg32").get(f"/firms/{S}").text, "what-if-table")
    assert reg32 and T not in reg32 and NAMES[T] not in reg32
    api = console.as_("reg32").get("/api/v1/chains/C1/what-if", fail=S).json()
    assert all(T not in w["cut_off"] for w in api)


def test_hostile_names_are_shown_as_text(dated: Console) -> None:
    for path in (f"/firms/{A1}", f"/firms/{L1}", "/leader"):
        page = dated.as_("leader1").get(path).text
        assert "<img src=x" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;座椅" in page


# ---- the leader page ------------------------------------------------------------------------


def _month(days: int) -> str:
    return (TODAY + timedelta(days=days)).strftime("%Y-%m")


def _calendar(page: str) -> dict[str, tuple[int, list[str]]]:
    """Each month of the calendar: its count, and the firms listed in it."""
    found = {}
    for month, cells in re.findall(
        r'<tr data-month="(\d{4}-\d\d)">(.*?)</tr>', _part(page, "calendar-table"), re.S
    ):
        count = re.search(r'class="num count">(\d+)<', cells)
        assert count, cells
        found[month] = (int(count.group(1)), _linked(cells))
    return found


def test_the_leaders_own_page_shows_its_tiers_with_their_states(dated: Console) -> None:
    client = dated.as_("leader1")
    answer = client.get("/leader")
    assert answer.status_code == 200
    page = answer.text
    assert 'href="/leader" aria-current="page"' in page  # the bar's link
    tiers = {
        int(n): _linked(body)
        for n, body in re.findall(
            r'<table class="data tier" data-tier="(-?\d+)">(.*?)</table>', page, re.S
        )
    }
    api = client.get(f"/api/v1/leaders/{L1}/tiers", depth=5).json()
    expected: dict[int, list[str]] = {}
    for firm in api["firms"]:
        if firm["tier"] != 0:
            expected.setdefault(firm["tier"], []).append(firm["uscc"])
    assert tiers == expected == {1: [S, A1], 2: [T], -1: [D1]}
    words: dict[str, str] = {}  # each firm's row in the tiers (its first)
    for uscc, row in re.findall(r'<tr data-uscc="([0-9A-Z]{18})">(.*?)</tr>', page, re.S):
        words.setdefault(uscc, _text(row))
    assert "即将到期" in words[A1] and _day(40) in words[A1]
    assert "即将到期" in words[S] and _day(75) in words[S]
    assert "过期" in words[T] and "暂停" in words[D1]
    assert B1 not in page and L2 not in page  # L2's tree is not L1's


def test_the_tiers_filter_by_tier_and_state(dated: Console) -> None:
    client = dated.as_("leader1")

    def shown(**query: str) -> list[str]:
        page = client.get("/leader", **query).text
        tables = re.findall(r'<table class="data tier".*?</table>', page, re.S)
        return [u for table in tables for u in _linked(table)]

    assert shown() == [S, A1, T, D1]
    assert shown(tier="2") == [T]
    assert shown(tier="-1") == [D1]
    assert shown(state="expiring") == [S, A1]
    assert shown(tier="1", state="expired") == []
    assert shown(tier="", state="") == [S, A1, T, D1]  # the form's "all"
    assert client.get("/leader", tier="x").status_code == 422


def test_the_expiry_calendar_counts_the_certificates_ending(dated: Console) -> None:
    client = dated.as_("leader1")
    page = client.get("/leader").text
    calendar = _calendar(page)
    assert len(calendar) == 12 and next(iter(calendar)) == TODAY.strftime("%Y-%m")
    expected: dict[str, list[str]] = {}
    for uscc, days in ((A1, 40), (S, 75)):
        expected.setdefault(_month(days), []).append(uscc)
    for month, (count, firms) in calendar.items():
        assert count == len(firms) == len(expected.get(month, [])), month
        assert sorted(firms) == sorted(expected.get(month, []))
    assert sum(count for count, _ in calendar.values()) == 2  # S's expired one is history
    assert _text(_part(page, "calendar-later")) == "另有 1 家企业的有效证书在此之后到期。"  # L1's
    assert _linked(_part(page, "lapsed-table")) == [T, D1]
    lapsed = _text(_part(page, "lapsed-table"))
    assert "过期" in lapsed and "暂停" in lapsed and _day(-5) in lapsed
    # the same counts from the API's tiers: certificates in force, by month of expiry
    api = client.get(f"/api/v1/leaders/{L1}/tiers", depth=5).json()
    ending: dict[str, int] = {}
    for firm in api["firms"]:
        found = firm["certification"]
        if found["state"] in ("valid", "expiring") and found["certificate"]:
            month = found["certificate"]["expires_on"][:7]
            if month in calendar:
                ending[month] = ending.get(month, 0) + 1
    assert ending == {m: c for m, (c, _) in calendar.items() if c}


def test_the_leader_page_lists_weak_links_batches_and_the_plan(dated: Console) -> None:
    client = dated.as_("leader1")
    page = client.get("/leader").text
    api = client.get("/api/v1/chains/C1/weak-links").json()["items"]
    rows = re.findall(r'<tr data-uscc="([0-9A-Z]{18})">', _part(page, "weak-links-table"))
    assert rows == [item["uscc"] for item in api][:20] and rows
    assert 'href="/chains/C1/weak-links"' in _part(page, "weak-link-tables")
    batches = client.get("/api/v1/chains/C1/batches").json()
    plans = _text(_part(page, "plans-list"))
    assert f"{len(batches)} 个联合认证批次" in plans
    assert 'href="/chains/C1/plan"' in page and "/chains/C2" not in page


def test_who_may_open_which_leader_page(dated: Console) -> None:
    clients = {who: dated.as_(who) for who in ACCOUNTS}
    leader1 = clients["leader1"]
    assert leader1.get(f"/leaders/{L1}").status_code == 200
    other = leader1.get(f"/leaders/{L2}")
    assert other.status_code == 404 and NAMES[L2] not in other.text and "未找到" in other.text
    assert clients["leader2"].get(f"/leaders/{L1}").status_code == 404
    for leader in (L1, L2):
        assert clients["admin"].get(f"/leaders/{leader}").status_code == 200
    assert clients["reg32"].get(f"/leaders/{L1}").status_code == 200
    assert clients["reg32"].get(f"/leaders/{L2}").status_code == 404  # Anhui
    assert clients["reg34"].get(f"/leaders/{L1}").status_code == 404
    assert clients["analyst32"].get(f"/leaders/{L1}").status_code == 403
    assert clients["analyst32"].get("/leader").status_code == 403
    # the API agrees, route by route
    for who, client in clients.items():
        for leader in (L1, L2):
            api = client.get(f"/api/v1/leaders/{leader}/tiers").status_code
            assert client.get(f"/leaders/{leader}").status_code == api, (who, leader)
    # admins and regulators have no tree of their own: /leader asks which leader to open
    chooser = clients["admin"].get("/leader")
    assert chooser.status_code == 200 and 'for="leader-uscc"' in chooser.text
    opened = clients["reg32"].get("/leader", uscc=L1)
    assert opened.status_code == 303 and opened.headers["location"] == f"/leaders/{L1}"


def test_a_regulator_sees_the_tree_within_its_regions(dated: Console) -> None:
    page = dated.as_("reg32").get(f"/leaders/{L1}").text
    linked = set(_linked(page))
    assert {L1, S, A1} <= linked and not linked & {T, D1, L2, B1}
    calendar = _calendar(page)
    assert sum(count for count, _ in calendar.values()) == 2  # A1 and S are in Jiangsu
    assert _linked(_part(page, "lapsed-table")) == []  # T (Anhui) and D1 (Beijing) are not


def test_the_leader_page_in_english(dated: Console) -> None:
    client = dated.as_("leader1")
    _english(client)
    page = client.get("/leader").text
    shown = _text(page)
    for words in (
        "Tier 1 suppliers",
        "Direct customers",
        "Certificate expiry calendar",
        "expiring",
    ):
        assert words in shown
    assert "供应商" not in shown


# ---- in the browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served_dated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``chainmap serve`` over the dated world in an embedded store, with the accounts."""
    folder = tmp_path_factory.mktemp("firm-pages")
    url = f"sqlite:///{folder / 'console.db'}"
    data = write_dataset(folder / "dated", dated_tables())
    import_datasets([data], lambda: open_store(url, create=True))
    make_accounts(url)
    with serving(url) as base:
        yield base


def _clean(opened: Any) -> None:
    assert opened.console_errors == [], opened.console
    assert opened.alerts == []


def test_the_firm_page_in_a_browser(browser: Any, served_dated: str) -> None:
    from selenium.webdriver.common.by import By

    log_in(browser, served_dated, "admin")
    for uscc in (S, A1):
        opened = browser.open(f"{served_dated}/firms/{uscc}")
        _clean(opened)
        assert all(r.startswith(served_dated) for r in opened.requests)
    driver = browser.driver
    assert driver.find_element(By.ID, "firm-name").text == HOSTILE
    assert driver.find_elements(By.CSS_SELECTOR, "#what-if-table tbody tr")
    driver.find_element(By.CSS_SELECTOR, f'#customers-table a[href="/firms/{L1}"]').click()
    _clean(browser.open(driver.current_url))
    assert driver.find_element(By.ID, "firm-name").text == NAMES[L1]


def test_the_leader_page_in_a_browser(browser: Any, served_dated: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    log_in(browser, served_dated, "leader1")
    opened = browser.open(f"{served_dated}/leader")
    _clean(opened)
    driver = browser.driver
    assert driver.find_elements(By.CSS_SELECTOR, "#calendar-table tbody tr")
    # choosing a tier sends the form at once (console.js); the button does it without script
    Select(driver.find_element(By.ID, "filter-tier")).select_by_value("2")
    WebDriverWait(driver, 10).until(lambda d: "tier=2" in d.current_url)
    _clean(browser.open(driver.current_url))
    shown = driver.find_elements(By.CSS_SELECTOR, "table.tier tbody tr")
    assert [row.get_attribute("data-uscc") for row in shown] == [T]
    assert driver.find_element(By.ID, "filter-tier").get_attribute("value") == "2"
