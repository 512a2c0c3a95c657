"""The console in a real headless Chromium: each role logs in and opens every page it may, which
renders without a console error or a Content-Security-Policy violation, with every control labelled
and reachable by the keyboard; hostile names render as text, never as markup."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from api_world import L1, S, serving, tables
from console_world import log_in, make_accounts
from console_world import served_console as served_console  # the fixture
from sample_chain import write_dataset
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from chainmap.ingest.load import import_datasets
from chainmap.store import open_store

#: the pages each role opens (every one answers it 200 in this world)
PAGES: dict[str, list[str]] = {
    "admin": [
        "/",
        "/chains/C1",
        "/chains/C1/segments/parts",
        "/chains/C1/weak-links",
        "/chains/C1/atlas",
        "/chains/C1/plan",
        f"/firms/{S}",
        f"/leaders/{L1}",
        "/regions",
        "/query",
        "/upload",
        "/admin/users",
        "/admin/tokens",
        "/password",
    ],
    "reg32": [
        "/",
        "/chains/C1",
        "/chains/C1/weak-links",
        "/chains/C1/atlas",
        "/chains/C1/plan",
        f"/firms/{S}",
        "/regions",
        "/query",
        "/upload",
    ],
    "leader1": [
        "/",
        "/chains/C1",
        "/chains/C1/weak-links",
        "/chains/C1/atlas",
        "/chains/C1/plan",
        f"/firms/{S}",
        "/leader",
    ],
    "analyst32": ["/", "/chains/C1", "/chains/C1/weak-links", "/query"],
}

#: what a page's controls must have: a name a screen reader says, and a place in the Tab order
#: whether an element is drawn: not hidden, nor inside a closed <details>
_SHOWN = """
const shown = el => (el.checkVisibility ? el.checkVisibility() : el.getClientRects().length > 0);
"""
_UNLABELLED = (
    _SHOWN
    + """
const bad = [];
for (const el of document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button, a[href], iframe, summary')) {
  if (!shown(el)) continue;  // not shown (a closed <details>, say): nobody reaches it
  const labelled = (el.labels && el.labels.length && el.labels[0].textContent.trim())
    || (el.getAttribute('aria-label') || '').trim() || (el.getAttribute('title') || '').trim()
    || (el.getAttribute('aria-labelledby') && document.getElementById(
          el.getAttribute('aria-labelledby')))
    || (el.tagName !== 'INPUT' && el.textContent.trim());
  if (!labelled) bad.push(el.outerHTML.slice(0, 160));
}
return bad;
"""
)
_FOCUSABLE = (
    _SHOWN
    + """
return Array.from(document.querySelectorAll(
    'input:not([type=hidden]):not([disabled]), select:not([disabled]), ' +
    'textarea:not([disabled]), button:not([disabled]), a[href], iframe, summary'))
  .filter(el => el.tabIndex >= 0 && shown(el))
  .map(el => el.outerHTML.slice(0, 160));
"""
)
_OUT_OF_TAB_ORDER = (
    "return Array.from(document.querySelectorAll('[tabindex]'))"
    ".filter(el => el.tabIndex < 0 && el.id !== 'main').map(el => el.outerHTML.slice(0, 160))"
)
_STATUS = "return performance.getEntriesByType('navigation')[0].responseStatus"
_ACTIVE = "return document.activeElement ? document.activeElement.outerHTML.slice(0, 160) : ''"


def _keyboard_reaches_everything(browser: Any) -> list[str]:
    """The controls that pressing Tab from the top of the page never focuses (up to 300)."""
    wanted: list[str] = list(browser.run(_FOCUSABLE))[:300]
    reached: set[str] = set()
    keys = ActionChains(browser.driver)
    browser.run("document.activeElement && document.activeElement.blur()")
    first = None
    # round the page once: a frame's own controls (the map's regions) take presses of their own
    for _ in range(len(wanted) + 600):
        keys.send_keys(Keys.TAB).perform()  # to whatever has the focus, as a person's key
        active = str(browser.run(_ACTIVE))
        if active == first and len(reached) > 1:
            break
        first = first or active
        reached.add(active)
    return [w for w in wanted if w not in reached]


@pytest.mark.parametrize("who", sorted(PAGES))
def test_every_page_renders_cleanly_with_labelled_controls(
    browser: Any, served_console: str, who: str
) -> None:
    log_in(browser, served_console, who)
    for path in PAGES[who]:
        page = browser.open(served_console + path)
        where = f"{who} {path}"
        assert browser.run(_STATUS) == 200, where
        assert page.console_errors == [], where
        assert page.alerts == [], where
        assert browser.driver.find_elements(By.TAG_NAME, "h1"), f"{where}: no heading"
        assert browser.run("return document.title.length > 0"), where
        assert browser.run(_UNLABELLED) == [], where
        outside = [r for r in page.requests if not r.startswith(served_console)]
        assert outside == [], f"{where} fetched from elsewhere: {outside}"
        assert browser.run(_OUT_OF_TAB_ORDER) == [], where
    # pressing Tab walks through every control of each page
    for path in PAGES[who]:
        browser.open(served_console + path)
        assert _keyboard_reaches_everything(browser) == [], f"{who} {path}"


HOSTILE_FIRM = '<img src=x onerror="alert(1)">'
HOSTILE_CHAIN = '"><svg onload=alert(2)>'


@pytest.fixture(scope="module")
def hostile_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The world with markup for names: a firm, a chain, a segment and a body."""
    folder = tmp_path_factory.mktemp("hostile")
    data = tables()
    firms = data["enterprises"]
    for row in firms[1:]:
        if row[0] == S:
            row[1] = HOSTILE_FIRM
    data["chains"][1][1] = HOSTILE_CHAIN
    for row in data["segments"][1:]:
        if row[1] == "parts":
            row[2] = "<script>alert(3)</script>零部件"
    data["bodies"][1][1] = "<b onmouseover=alert(4)>认证中心</b>"
    url = f"sqlite:///{folder / 'hostile.db'}"
    import_datasets([write_dataset(folder / "world", data)], lambda: open_store(url, create=True))
    make_accounts(url)
    with serving(url) as base:
        yield base


def test_hostile_names_render_as_text_on_every_page(browser: Any, hostile_console: str) -> None:
    log_in(browser, hostile_console, "admin")
    injected = (
        "return document.querySelectorAll('img[src=x], img[onerror], svg[onload], "
        "b[onmouseover], main script').length"
    )
    for path in PAGES["admin"]:
        page = browser.open(hostile_console + path)
        assert page.alerts == [], path
        assert browser.run(injected) == 0, path
        assert page.console_errors == [], path
    browser.open(f"{hostile_console}/")
    home = browser.driver.find_element(By.TAG_NAME, "main").text
    assert HOSTILE_CHAIN in home  # shown, as text
    firm = browser.open(f"{hostile_console}/firms/{S}")
    assert firm.alerts == []
    assert HOSTILE_FIRM in browser.driver.find_element(By.TAG_NAME, "main").text
