"""The administrator's pages: people's accounts (create, disable and enable, new passwords, each
ending the account's live sessions where it should) and API tokens (shown once, listed without
the secret, revoked); everyone else is refused (the world is drawn in tests/api_world.py)."""

from __future__ import annotations

import re
from typing import Any

from api_world import L1
from console_world import PASSWORD, Console, log_in
from console_world import console as console  # the fixture
from console_world import served_console as served_console  # the fixture
from sample_chain import make_uscc

from chainmap.accounts import accounts
from chainmap.records import AccountRow
from chainmap.store import open_store

NEW_PASSWORD = "a long new password"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def problem(html: str) -> str:
    found = re.search(r'id="problem">([^<]*)<', html)
    assert found, "the page shows no problem"
    return found.group(1)


def account(url: str, login: str) -> AccountRow | None:
    with open_store(url) as store:
        return next((a for a in accounts(store) if a.login == login), None)


def logins(url: str) -> list[str]:
    with open_store(url) as store:
        return [a.login for a in accounts(store)]


def can_log_in(console: Console, login: str, password: str) -> bool:
    """True when the login form takes ``login`` and ``password``."""
    client = console.anonymous()
    token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text)
    assert token
    answer = client.http.post(
        "/login",
        data={"login": login, "password": password, "login_token": token.group(1)},
        follow_redirects=False,
    )
    return bool(answer.status_code == 303)


def new_account(**fields: str) -> dict[str, str]:
    return {
        "login": "zhang.wei",
        "name": "苏州市市场监管局",
        "role": "regulator",
        "regions": "3205 3206",
        "enterprise": "",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        **fields,
    }


def test_an_admin_creates_an_account_that_logs_in(console: Console) -> None:
    admin = console.as_("admin")
    listed = admin.get("/admin/users")
    assert listed.status_code == 200
    shown = text(listed.text)
    # role in words, scope by name, state in words
    assert "监管部门" in shown and "江苏省" in shown and "正常" in shown
    assert "苏州整车股份有限公司" in shown and L1 in shown  # leader1's firm, by name
    assert 'data-confirm="' in listed.text  # the disable buttons ask first

    made = admin.post("/admin/users", new_account(name="<img src=x onerror=alert(1)>"))
    assert made.status_code == 200, problem(made.text)
    assert "已创建账户“zhang.wei”" in made.text
    assert "<img src=x" not in made.text and "&lt;img src=x" in made.text
    row = account(console.url, "zhang.wei")
    assert row is not None and row.regions == ("3205", "3206") and not row.must_change
    assert "苏州市" in text(made.text) and "3206" in made.text
    assert NEW_PASSWORD not in made.text  # a typed password is never shown back
    assert can_log_in(console, "Zhang.Wei", NEW_PASSWORD)


def test_a_refused_form_says_why_in_the_users_language_and_writes_nothing(
    console: Console,
) -> None:
    admin = console.as_("admin")
    before = logins(console.url)
    refusals = {
        "已被使用": new_account(login="REG32"),  # taken, whatever the case
        "不是省级代码": new_account(regions="99"),
        "须填写至少一个地区代码": new_account(regions=""),
        "库中没有": new_account(role="leader", regions="", enterprise=make_uscc(999, "320505")),
        "至少需要 10 个字符": new_account(password="short", password_again="short"),
        "两次输入的密码不一致": new_account(password_again=NEW_PASSWORD + "!"),
        "只有链主企业才填写企业代码": new_account(enterprise=L1),
    }
    for words, form in refusals.items():
        refused = admin.post("/admin/users", form)
        assert refused.status_code == 422, words
        assert words in problem(refused.text), (words, problem(refused.text))
        # the form keeps what was typed, but never a password
        assert f'value="{form["login"]}"' in refused.text
        assert NEW_PASSWORD not in refused.text
    assert logins(console.url) == before

    admin.post("/lang", {"lang": "en", "back": "/admin/users"})
    taken = admin.post("/admin/users", new_account(login="reg32"))
    assert taken.status_code == 422 and "is taken" in problem(taken.text)
    short = admin.post("/admin/users", new_account(password="short", password_again="short"))
    assert "at least 10 characters" in problem(short.text)
    assert logins(console.url) == before


def test_a_generated_password_is_shown_once_and_may_be_one_time(console: Console) -> None:
    admin = console.as_("admin")
    made = admin.post(
        "/admin/users",
        new_account(password="", password_again="", generate="true", one_time="true"),
    )
    assert made.status_code == 200, text(made.text)
    found = re.search(r'id="shown-password-value"[^>]*value="([^"]+)"', made.text)
    assert found
    secret = found.group(1)
    assert len(secret) >= 10
    assert secret not in admin.get("/admin/users").text  # shown that once only
    row = account(console.url, "zhang.wei")
    assert row is not None and row.must_change
    assert can_log_in(console, "zhang.wei", secret)


def test_disabling_ends_the_accounts_sessions_and_enabling_lets_it_back(
    console: Console,
) -> None:
    admin = console.as_("admin")
    reg32 = console.as_("reg32")
    assert reg32.get("/").status_code == 200
    done = admin.post("/admin/users/reg32/disable")
    assert done.status_code == 200
    assert "已停用账户“reg32”，结束了其 1 个登录会话" in done.text
    ended = reg32.get("/")
    assert ended.status_code == 303 and ended.headers["location"].startswith("/login")
    assert not can_log_in(console, "reg32", PASSWORD)
    row = account(console.url, "reg32")
    assert row is not None and row.disabled_at is not None
    assert "已停用" in text(admin.get("/admin/users").text)
    # disabled already: said so, nothing changes
    again = admin.post("/admin/users/REG32/disable")
    assert again.status_code == 404 and "没有可停用的账户" in problem(again.text)

    enabled = admin.post("/admin/users/Reg32/enable")
    assert enabled.status_code == 200 and "已重新启用账户“reg32”" in enabled.text
    assert can_log_in(console, "reg32", PASSWORD)
    assert admin.post("/admin/users/reg32/enable").status_code == 404
    assert admin.post("/admin/users/nobody/enable").status_code == 404

    # an admin cannot lock themselves out
    me = admin.post("/admin/users/admin/disable")
    assert me.status_code == 422 and "不能停用自己" in problem(me.text)
    assert admin.get("/").status_code == 200


def test_a_login_with_a_slash_is_one_path_segment_no_more(console: Console) -> None:
    admin = console.as_("admin")
    assert admin.post("/admin/users", new_account(login="su/zhou")).status_code == 200
    assert 'action="/admin/users/su/zhou/disable"' in admin.get("/admin/users").text
    assert admin.post("/admin/users/su/zhou/disable").status_code == 200
    row = account(console.url, "su/zhou")
    assert row is not None and row.disabled_at is not None


def test_a_new_password_ends_the_sessions_and_replaces_the_old_one(console: Console) -> None:
    admin = console.as_("admin")
    reg34 = console.as_("reg34")
    mismatch = admin.post(
        "/admin/users/reg34/password",
        {"password": NEW_PASSWORD, "password_again": "something else entirely"},
    )
    assert mismatch.status_code == 422
    assert 'id="password-problem"' in mismatch.text and "不一致" in mismatch.text
    assert reg34.get("/").status_code == 200  # nothing changed: still logged in

    done = admin.post(
        "/admin/users/reg34/password", {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert done.status_code == 200 and "结束了其 1 个登录会话" in done.text
    assert reg34.get("/").status_code == 303
    assert not can_log_in(console, "reg34", PASSWORD)
    assert can_log_in(console, "reg34", NEW_PASSWORD)

    generated = admin.post("/admin/users/reg34/password", {"generate": "true", "one_time": "true"})
    found = re.search(r'id="shown-password-value"[^>]*value="([^"]+)"', generated.text)
    assert generated.status_code == 200 and found
    row = account(console.url, "reg34")
    assert row is not None and row.must_change
    assert can_log_in(console, "reg34", found.group(1))
    assert not can_log_in(console, "reg34", NEW_PASSWORD)


ROUTES: list[tuple[str, str, dict[str, str]]] = [
    ("GET", "/admin/users", {}),
    ("GET", "/admin/tokens", {}),
    ("POST", "/admin/users", new_account(login="intruder")),
    ("POST", "/admin/users/reg34/disable", {}),
    ("POST", "/admin/users/reg34/enable", {}),
    ("POST", "/admin/users/reg34/password", {"password": "x" * 12, "password_again": "x" * 12}),
    ("POST", "/admin/tokens", {"name": "x", "role": "admin", "days": "5"}),
    ("POST", "/admin/tokens/any/revoke", {}),
]


def test_everyone_but_admins_gets_the_refusal_page_and_changes_nothing(
    console: Console,
) -> None:
    with open_store(console.url) as store:
        before = (accounts(store), store.tokens())
    for who in ("reg32", "leader1", "analyst32"):
        client = console.as_(who)
        for method, path, form in ROUTES:
            answer = client.get(path) if method == "GET" else client.post(path, form)
            assert answer.status_code == 403, (who, path)
            assert answer.headers["content-type"].startswith("text/html")
            assert "无权访问" in answer.text and "无权管理账户和令牌" in answer.text, (who, path)
    with open_store(console.url) as store:
        assert (accounts(store), store.tokens()) == before
    assert console.as_("reg34").get("/").status_code == 200  # its sessions were never touched
    # and the bar shows the page to admins only
    assert 'href="/admin/users"' not in console.as_("reg32").get("/").text
    assert 'href="/admin/users"' in console.as_("admin").get("/").text


def test_forms_without_the_csrf_token_are_refused(console: Console) -> None:
    admin = console.as_("admin")
    assert admin.post("/admin/users/reg32/disable", csrf=False).status_code == 403
    assert admin.post("/admin/users", new_account(), csrf=False).status_code == 403
    assert (
        admin.post("/admin/tokens", {"name": "x", "role": "admin"}, csrf=False).status_code == 403
    )
    row = account(console.url, "reg32")
    assert row is not None and row.disabled_at is None
    assert account(console.url, "zhang.wei") is None


def test_a_token_is_shown_once_listed_without_it_and_refused_once_revoked(
    console: Console,
) -> None:
    admin = console.as_("admin")
    made = admin.post(
        "/admin/tokens", {"name": "苏州数据交换", "role": "analyst", "regions": "32", "days": "30"}
    )
    assert made.status_code == 200, text(made.text)
    found = re.search(r'id="issued-token"[^>]*value="(cm_[^"]+)"', made.text)
    assert found
    token = found.group(1)
    listed = admin.get("/admin/tokens")
    assert token not in listed.text and "苏州数据交换" in listed.text
    shown = text(listed.text)
    assert "分析人员" in shown and "江苏省" in shown and "有效" in shown
    with open_store(console.url) as store:
        (row,) = [t for t in store.tokens() if t.name == "苏州数据交换"]
    assert row.regions == ("32",) and token not in repr(row)

    api = console.anonymous().http
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/chains", headers=bearer).status_code == 200
    revoked = admin.post(f"/admin/tokens/{row.token_id}/revoke")
    assert revoked.status_code == 200 and f"已撤销令牌 {row.token_id}" in revoked.text
    assert "已撤销" in text(admin.get("/admin/tokens").text)
    assert api.get("/api/v1/chains", headers=bearer).status_code == 401
    again = admin.post(f"/admin/tokens/{row.token_id}/revoke")
    assert again.status_code == 404 and "没有可撤销的令牌" in problem(again.text)


def test_a_refused_token_form_says_why(console: Console) -> None:
    admin = console.as_("admin")
    with open_store(console.url) as store:
        before = store.tokens()
    for words, form in {
        "须填写至少一个地区代码": {"name": "x", "role": "regulator", "days": "30"},
        "须为 1 至 3650": {"name": "x", "role": "admin", "days": "0"},
        "令牌名称": {"name": " ", "role": "admin", "days": "30"},
        "链主企业账户须填写": {"name": "x", "role": "leader", "days": "30"},
    }.items():
        refused = admin.post("/admin/tokens", form)
        assert refused.status_code == 422 and words in problem(refused.text), words
    with open_store(console.url) as store:
        assert store.tokens() == before
    leader = admin.post(
        "/admin/tokens",
        {"name": "链主系统", "role": "leader", "enterprise": L1.lower(), "days": "7"},
    )
    assert leader.status_code == 200 and "苏州整车股份有限公司" in leader.text


def test_the_users_page_in_a_browser(browser: Any, served_console: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import Select, WebDriverWait

    log_in(browser, served_console, "admin")
    page = browser.open(f"{served_console}/admin/users")
    assert page.console_errors == []
    driver = browser.driver
    driver.find_element(By.ID, "new-login").send_keys("li.na")
    Select(driver.find_element(By.ID, "new-role")).select_by_value("analyst")
    driver.find_element(By.ID, "new-regions").send_keys("3205")
    driver.find_element(By.CSS_SELECTOR, "#new-account input[name=generate]").click()
    driver.find_element(By.ID, "create-account").click()
    WebDriverWait(driver, 20).until(
        shown.presence_of_element_located((By.ID, "shown-password-value"))
    )
    assert driver.find_element(By.ID, "shown-password-value").get_attribute("value")
    row = driver.find_element(By.CSS_SELECTOR, "tr[data-login='li.na']")
    row.find_element(By.CSS_SELECTOR, "button.danger").click()
    WebDriverWait(driver, 5).until(shown.alert_is_present())
    asked = driver.switch_to.alert
    assert "li.na" in asked.text
    asked.accept()
    WebDriverWait(driver, 20).until(shown.presence_of_element_located((By.ID, "notice")))
    assert "li.na" in driver.find_element(By.ID, "notice").text
    state = driver.find_element(By.CSS_SELECTOR, "tr[data-login='li.na'] td.account-state").text
    assert state and driver.find_elements(
        By.CSS_SELECTOR, "tr[data-login='li.na'] form[action$='/enable']"
    )
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
