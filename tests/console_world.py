"""The console over the API tests' small world (tests/api_world.py), with an account per role.

``console`` (both stores) serves the app in-process; ``Console.as_(who)`` is a client logged in
as ``who`` (its cookie kept), whose ``post`` sends the session's CSRF token unless told not to.
Accounts: ``admin``, ``reg32``, ``reg34`` (regulators of Jiangsu, Anhui), ``leader1``,
``leader2`` (the leaders L1, L2), ``analyst32``; every password is :data:`PASSWORD`.

``served_console`` (SQLite only) runs ``chainmap serve`` on a loopback port for the browser
tests; ``log_in(browser, base, who)`` logs the shared headless Chromium in through the form.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from api_world import L1, L2, serving, write
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from chainmap import accounts
from chainmap.accounts import create_account
from chainmap.api import create_app
from chainmap.config import Settings
from chainmap.ingest.load import import_datasets
from chainmap.store import open_store

PASSWORD = "correct horse battery"

#: login: role, regions, enterprise
ACCOUNTS: dict[str, tuple[str, list[str], str | None]] = {
    "admin": ("admin", [], None),
    "reg32": ("regulator", ["32"], None),
    "reg34": ("regulator", ["34"], None),
    "leader1": ("leader", [], L1),
    "leader2": ("leader", [], L2),
    "analyst32": ("analyst", ["32"], None),
}

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_LOGIN_TOKEN = re.compile(r'name="login_token" value="([^"]+)"')


#: argon2id at its cheapest, for the console's tests: hashing at the real cost (some 90 ms a
#: hash or a check here) for every account and login of several hundred tests would take
#: minutes. The strength of real hashes is tested in tests/test_accounts.py.
QUICK = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


@contextmanager
def quick_hashes() -> Iterator[None]:
    """Hash passwords with :data:`QUICK` meanwhile (a server started elsewhere checks them at
    that cost too, the cost being part of the hash, and makes a strong one at the first login)."""
    kept = accounts._HASHER
    accounts._HASHER = QUICK
    try:
        yield
    finally:
        accounts._HASHER = kept


def make_accounts(url: str) -> None:
    with quick_hashes(), open_store(url) as store:
        for login, (role, regions, firm) in ACCOUNTS.items():
            create_account(
                store, login, role, PASSWORD, name=login, regions=regions, enterprise=firm
            )


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@dataclass
class Client:
    """One browser's worth of requests: a cookie jar, logged in as ``who`` (or no one)."""

    http: TestClient
    who: str | None
    csrf: str = ""

    def get(self, path: str, **params: Any) -> Any:
        return self.http.get(path, params=params or None, follow_redirects=False)

    def post(
        self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any
    ) -> Any:
        sent = dict(data or {})
        if csrf:
            sent.setdefault("csrf_token", self.csrf)
        return self.http.post(path, data=sent, follow_redirects=False, **kwargs)


@dataclass
class Console:
    app: Any
    url: str

    def anonymous(self) -> Client:
        return Client(TestClient(self.app), None)

    def as_(self, who: str, password: str = PASSWORD) -> Client:
        """A client logged in as ``who`` through the login form."""
        client = self.anonymous()
        form = client.get("/login")
        token = _LOGIN_TOKEN.search(form.text)
        assert token, form.text
        answer = client.http.post(
            "/login",
            data={"login": who, "password": password, "login_token": token.group(1)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        client.who = who
        client.csrf = csrf_of(client.get("/").text)
        return client


@pytest.fixture
def console(store_url: str, tmp_path: Path) -> Iterator[Console]:
    """The console over the world, in a store of each kind, with an account per role."""
    import_datasets([write(tmp_path / "world")], lambda: open_store(store_url, create=True))
    make_accounts(store_url)
    app = create_app(Settings(store=store_url))
    with quick_hashes(), TestClient(app):  # runs the app's start and end
        yield Console(app, store_url)


@pytest.fixture(scope="module")
def served_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``chainmap serve`` over the world in an embedded store, with the accounts; its base URL."""
    folder = tmp_path_factory.mktemp("console")
    url = f"sqlite:///{folder / 'console.db'}"
    import_datasets([write(folder / "world")], lambda: open_store(url, create=True))
    make_accounts(url)
    with serving(url) as base:
        yield base


def log_in(browser: Any, base: str, who: str, password: str = PASSWORD) -> Any:
    """Log the browser in as ``who`` through the login page; returns the home page."""
    from selenium.webdriver.common.by import By

    browser.open(f"{base}/login")
    driver = browser.driver
    driver.delete_all_cookies()  # a session another test left ends here
    browser.open(f"{base}/login")
    driver.find_element(By.ID, "login").send_keys(who)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    # the form's answer leads away from /login (home, or /password for a one-time password);
    # reading the address before it has would open the login page again, logged out
    deadline = time.monotonic() + 30
    while "/login" in driver.current_url:
        assert time.monotonic() < deadline, f"{who} was not logged in within 30 s"
        time.sleep(0.05)
    return browser.open(driver.current_url)


__all__ = ["ACCOUNTS", "L1", "L2", "PASSWORD", "Client", "Console", "csrf_of", "log_in"]
