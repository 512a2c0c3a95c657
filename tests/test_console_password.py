"""A person's own password in the console: a one-time password leads to /password before any
other page; the current password is checked, the new one follows the rules, and changing it
ends the account's other sessions. Both stores, and one run in headless Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_world import serving, write
from console_world import PASSWORD, Client, Console, csrf_of
from console_world import console as console  # the fixture

from chainmap.accounts import create_account, log_in
from chainmap.api.console.render import POLICY
from chainmap.errors import LoginRefused
from chainmap.ingest.load import import_datasets
from chainmap.store import open_store

ONE_TIME = "given-by-the-admin-1"
MINE = "三个词 我自己的 password"
_LOGIN_TOKEN = re.compile(r'name="login_token" value="([^"]+)"')


def _one_time_account(url: str, login: str = "newcomer") -> None:
    with open_store(url) as store:
        create_account(store, login, "regulator", ONE_TIME, regions=["32"], must_change=True)


def _log_in(
    console: Console, login: str, password: str, next_path: str | None = None
) -> tuple[Client, Any]:
    """A client that logged in through the form, and the login's answer."""
    client = console.anonymous()
    token = _LOGIN_TOKEN.search(client.get("/login").text)
    assert token
    form = {"login": login, "password": password, "login_token": token.group(1)}
    if next_path:
        form["next"] = next_path
    answer = client.http.post("/login", data=form, follow_redirects=False)
    client.who = login
    return client, answer


def _on_password_page(console: Console, login: str, password: str) -> Client:
    client, answer = _log_in(console, login, password)
    assert answer.status_code == 303 and answer.headers["location"] == "/password"
    client.csrf = csrf_of(client.get("/password").text)
    return client


def _session_pages(app: Any) -> list[str]:
    """Every page of the console that needs a session (its path's parameters filled in), but
    the ones a one-time password may reach."""
    from fastapi.routing import APIRoute

    from chainmap.api.console.auth import BEFORE_NEW_PASSWORD, console_session

    try:  # FastAPI 0.16x keeps included routers whole; older ones list their routes
        from fastapi.routing import iter_route_contexts

        walked = [c.original_route for c in iter_route_contexts(app.routes)]
    except ImportError:
        walked = list(app.routes)

    def needs(dependant: Any) -> bool:
        return any(d.call is console_session or needs(d) for d in dependant.dependencies)

    return [
        re.sub(r"\{[^}]+\}", "C1", route.path)
        for route in walked
        if isinstance(route, APIRoute)
        and "GET" in (route.methods or ())
        and not route.path.startswith("/api/")
        and route.path not in BEFORE_NEW_PASSWORD
        and needs(route.dependant)
    ]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_one_time_password_leads_to_the_password_page_before_any_other(
    console: Console,
) -> None:
    _one_time_account(console.url)
    client, answer = _log_in(console, "newcomer", ONE_TIME, next_path="/regions")
    assert answer.status_code == 303 and answer.headers["location"] == "/password"
    pages = _session_pages(console.app)
    assert "/" in pages and "/password" not in pages
    for path in pages:
        sent = client.get(path)
        assert sent.status_code == 303, path
        assert sent.headers["location"] == "/password", path
    # nor does the API answer the session before the password is changed
    assert client.get("/api/v1/chains").status_code == 401
    form = client.get("/password")
    assert form.status_code == 200 and form.headers["content-security-policy"] == POLICY
    assert 'id="one-time"' in form.text and "一次性密码" in form.text
    assert "<script>" not in form.text and " style=" not in form.text
    client.csrf = csrf_of(form.text)
    # a form elsewhere is sent to the password page too, before it does anything
    refused = client.post("/upload", {"confirm": "1"})
    assert refused.status_code == 303 and refused.headers["location"] == "/password"
    # the static files, the language and logging out stay reachable
    assert client.get("/static/console.css").status_code == 200
    assert client.post("/lang", {"lang": "en", "back": "/password"}).status_code == 303
    assert "one-time password" in client.get("/password").text
    assert client.post("/logout").status_code == 303
    assert client.get("/password").headers["location"].startswith("/login")


def test_the_new_password_works_the_old_one_fails_and_other_sessions_end(
    console: Console,
) -> None:
    _one_time_account(console.url)
    elsewhere = _on_password_page(console, "newcomer", ONE_TIME)
    client = _on_password_page(console, "newcomer", ONE_TIME)
    before = client.http.cookies.get("chainmap_session")
    done = client.post("/password", {"current": ONE_TIME, "new": MINE, "again": MINE})
    assert done.status_code == 303 and done.headers["location"] == "/password?changed=true"
    assert client.http.cookies.get("chainmap_session") != before  # a new session id
    shown = client.get("/password?changed=true")
    assert shown.status_code == 200 and 'id="changed"' in shown.text
    assert "其他浏览器或设备上的登录已全部退出" in _text(shown.text)
    assert client.get("/").status_code == 200  # every page again
    assert elsewhere.get("/").headers["location"].startswith("/login")  # the other one ended
    with open_store(console.url) as store:
        (row,) = [a for a in store.accounts() if a.login == "newcomer"]
        assert not row.must_change
        with pytest.raises(LoginRefused):
            log_in(store, "newcomer", ONE_TIME)
    again, answer = _log_in(console, "newcomer", MINE)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert again.get("/").status_code == 200
    assert _log_in(console, "newcomer", ONE_TIME)[1].status_code == 401


@pytest.mark.parametrize(
    ("current", "new", "again", "said"),
    [
        ("not the password", MINE, MINE, "当前密码不正确"),
        (ONE_TIME, MINE, MINE + "!", "两次输入的新密码不一致"),
        (ONE_TIME, "short", "short", "密码至少需要 10 个字符"),
        (ONE_TIME, ONE_TIME, ONE_TIME, "新密码不能与当前密码相同"),
        (ONE_TIME, "newcomer", "newcomer", "密码至少需要"),
        (ONE_TIME, "x" * 1025, "x" * 1025, "密码最多 1024 个字符"),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(
    console: Console, current: str, new: str, again: str, said: str
) -> None:
    _one_time_account(console.url)
    client = _on_password_page(console, "newcomer", ONE_TIME)
    refused = client.post("/password", {"current": current, "new": new, "again": again})
    assert refused.status_code == 422
    assert 'id="refused"' in refused.text and said in _text(refused.text)
    assert client.get("/").headers["location"] == "/password"  # still to be changed
    with open_store(console.url) as store:
        (row,) = [a for a in store.accounts() if a.login == "newcomer"]
        assert row.must_change
    assert _log_in(console, "newcomer", ONE_TIME)[1].status_code == 303


def test_the_form_needs_the_sessions_csrf_token(console: Console) -> None:
    _one_time_account(console.url)
    client = _on_password_page(console, "newcomer", ONE_TIME)
    sent = {"current": ONE_TIME, "new": MINE, "again": MINE}
    assert client.post("/password", sent, csrf=False).status_code == 403
    assert client.post("/password", {**sent, "csrf_token": "forged"}).status_code == 403
    with open_store(console.url) as store:
        assert log_in(store, "newcomer", ONE_TIME).login == "newcomer"


def test_anyone_logged_in_may_change_their_password_from_the_bar(console: Console) -> None:
    client = console.as_("analyst32")
    home = client.get("/")
    assert 'href="/password"' in home.text and "修改密码" in home.text
    form = client.get("/password")
    assert form.status_code == 200 and 'id="one-time"' not in form.text
    assert 'aria-current="page"' in form.text
    done = client.post("/password", {"current": PASSWORD, "new": MINE, "again": MINE})
    assert done.status_code == 303
    assert _log_in(console, "analyst32", MINE)[1].headers["location"] == "/"
    assert console.anonymous().get("/password").headers["location"] == "/login?next=/password"


# -- in a browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served_one_time(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("one-time")
    url = f"sqlite:///{folder / 'console.db'}"
    import_datasets([write(folder / "world")], lambda: open_store(url, create=True))
    _one_time_account(url)
    with serving(url) as base:
        yield base


def _press(driver: Any, button: str) -> None:
    """Press the button ``button`` selects and wait until the page its form leads to is there
    (reading the address at once may still give the form's)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    pressed = driver.find_element(By.CSS_SELECTOR, button)
    pressed.click()
    wait = WebDriverWait(driver, 30)
    wait.until(expected_conditions.staleness_of(pressed))
    wait.until(lambda d: d.execute_script("return document.body.dataset.ready === '1'"))


def test_a_one_time_password_in_chromium(browser: Any, served_one_time: str) -> None:
    from selenium.webdriver.common.by import By

    base = served_one_time
    driver = browser.driver
    browser.open(f"{base}/login")
    driver.delete_all_cookies()
    browser.open(f"{base}/login")
    driver.find_element(By.ID, "login").send_keys("newcomer")
    driver.find_element(By.ID, "password").send_keys(ONE_TIME)
    _press(driver, "form[action='/login'] button[type=submit]")
    assert driver.current_url == f"{base}/password"
    page = browser.open(driver.current_url)
    assert page.console_errors == [] and page.alerts == []
    assert driver.find_element(By.ID, "one-time").is_displayed()
    for field, value in (("current", ONE_TIME), ("new", MINE), ("again", MINE)):
        driver.find_element(By.ID, field).send_keys(value)
    _press(driver, "form[action='/password'] button[type=submit]")
    assert driver.current_url == f"{base}/password?changed=true"
    done = browser.open(driver.current_url)
    assert done.console_errors == []
    assert driver.find_element(By.ID, "changed").is_displayed()
    home = browser.open(f"{base}/")
    assert driver.current_url == f"{base}/" and home.console_errors == []


def test_the_password_page_in_english(console: Console, tmp_path: Path) -> None:
    client = console.as_("reg32")
    assert client.post("/lang", {"lang": "en", "back": "/password"}).status_code == 303
    shown = _text(client.get("/password").text)
    assert "Change your password" in shown and "Current password" in shown
    refused = client.post("/password", {"current": PASSWORD, "new": "short", "again": "short"})
    assert "at least 10 characters" in _text(refused.text)
