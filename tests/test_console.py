"""The console's foundation: logging in and out, sessions, CSRF, languages, the home page and
the message catalogue, on both stores."""

from __future__ import annotations

import re
from typing import Any

from api_world import L1, NAMES, S, T
from console_world import Console
from console_world import console as console  # the fixture

from chainmap.api.console.i18n import LANGS, catalogue
from chainmap.api.console.render import POLICY


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_pages_need_a_login_and_the_login_page_leads_back(console: Console) -> None:
    anonymous = console.anonymous()
    answer = anonymous.get("/")
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=/"
    form = anonymous.get("/login")
    assert form.status_code == 200 and "密码" in form.text
    assert form.headers["content-security-policy"] == POLICY
    assert "<script>" not in form.text and " style=" not in form.text


def test_a_wrong_password_is_refused_in_words_that_reveal_nothing(console: Console) -> None:
    client = console.anonymous()
    token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text)
    assert token
    for login in ("admin", "nobody-here"):
        refused = client.http.post(
            "/login",
            data={"login": login, "password": "not the password", "login_token": token.group(1)},
        )
        assert refused.status_code == 401
        assert "账号或密码不正确" in refused.text
    assert client.get("/").status_code == 303  # still not logged in


def test_the_login_form_needs_its_own_token(console: Console) -> None:
    client = console.anonymous()
    client.get("/login")
    answer = client.http.post("/login", data={"login": "admin", "password": "x" * 12})
    assert answer.status_code == 403


def test_each_login_gets_a_new_session_and_logout_ends_it(console: Console) -> None:
    client = console.as_("reg32")
    first = client.http.cookies.get("chainmap_session")
    assert client.get("/").status_code == 200
    again = console.as_("reg32")
    assert again.http.cookies.get("chainmap_session") != first
    kept = client.http.cookies.get("chainmap_session") or ""
    assert client.post("/logout").status_code == 303
    client.http.cookies.set("chainmap_session", kept)  # the old cookie, replayed
    assert client.get("/").status_code == 303
    assert again.get("/").status_code == 200  # the other session lives on


def test_a_post_without_the_csrf_token_is_refused(console: Console) -> None:
    client = console.as_("admin")
    assert client.post("/logout", csrf=False).status_code == 403
    assert client.post("/logout", {"csrf_token": "forged"}).status_code == 403
    assert client.get("/").status_code == 200  # still logged in
    # the API takes the cookie for reads, and refuses a write made with it alone
    assert client.get("/api/v1/chains").status_code == 200
    upload = client.http.post("/api/v1/datasets", files=[("files", ("x.csv", b"a", "text/csv"))])
    assert upload.status_code == 403


def test_the_home_page_counts_only_what_the_caller_may_see(console: Console) -> None:
    admin = _text(console.as_("admin").get("/").text)
    assert "苏州新能源汽车产业链" in admin and "合肥新能源汽车产业链" in admin
    leader = console.as_("leader1").get("/")
    assert leader.status_code == 200
    shown = _text(leader.text)
    assert "苏州新能源汽车产业链" in shown and "合肥新能源汽车产业链" not in shown
    figures = console.as_("leader1").get("/api/v1/overview").json()
    assert figures["firms"] == 5  # L1's tree: L1, A1, S, T, D1
    reg34 = console.as_("reg34").get("/api/v1/overview").json()
    assert reg34["firms"] == 4  # L2, B1, T, D2: the Anhui firms of both chains
    assert NAMES[L1] not in console.as_("reg34").get("/").text
    assert S and T


def test_the_language_switch_keeps_the_choice(console: Console) -> None:
    client = console.as_("admin")
    assert "首页" in client.get("/").text
    switched = client.post("/lang", {"lang": "en", "back": "/"})
    assert switched.status_code == 303 and switched.headers["location"] == "/"
    assert "Share certified" in client.get("/").text
    assert (
        client.post("/lang", {"lang": "en", "back": "https://elsewhere.example"}).headers[
            "location"
        ]
        == "/"
    )


def test_unknown_pages_are_a_page_in_the_users_language(console: Console) -> None:
    client = console.as_("analyst32")
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "未找到" in missing.text
    assert missing.headers["content-type"].startswith("text/html")
    api = client.get("/api/v1/no/such/route")
    assert api.status_code == 404 and api.headers["content-type"] == "application/json"


def test_every_message_has_both_languages_and_every_key_used_exists() -> None:
    words = catalogue()
    assert all(set(m) == set(LANGS) and all(m.values()) for m in words.messages.values())
    from importlib.resources import files

    used: set[str] = set()
    for template in (files("chainmap.api.console") / "templates").iterdir():
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]+)["']""", template.read_text("utf-8")))
    assert used, "no message found in the templates"
    # a key ending in "." or "_" is the start of keys chosen on the page ("role." ~ role)
    fixed = {k for k in used if not k.endswith((".", "_"))}
    assert sorted(k for k in fixed if not words.has(k)) == []
    for start in used - fixed:
        assert any(key.startswith(start) for key in words.messages), start


def test_an_idle_or_too_old_session_is_refused(console: Console, monkeypatch: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from chainmap.api.console import sessions

    client = console.as_("reg32")
    assert client.get("/").status_code == 200
    later = datetime.now(UTC) + sessions.IDLE + timedelta(seconds=5)
    monkeypatch.setattr(sessions, "_now", lambda: later)
    answer = client.get("/")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert client.get("/api/v1/chains").status_code == 401  # the API refuses the cookie too
    monkeypatch.undo()
    assert client.get("/").status_code == 303  # gone for good, not only at that moment


def test_every_value_a_page_names_from_an_enum_has_its_words() -> None:
    """Keys a page builds from a value (a certificate state, a size, a role, a plan format):
    every value of the enum has its message, so that a new value cannot fail a page."""
    from chainmap.access import Role
    from chainmap.analysis.certification import CertState
    from chainmap.enums import CertStatus, PlanFormat, SizeClass
    from chainmap.exports import ExportFormat

    words = catalogue()
    wanted = [f"role.{r.value}" for r in Role] + [f"home.lead.{r.value}" for r in Role]
    wanted += [f"{p}.{s.value}" for p in ("chain_page.cert", "firm_page.state") for s in CertState]
    wanted += [f"weak_table.state.{s.value}" for s in CertState]
    wanted += [f"{p}.{s.value}" for p in ("firm_page.size", "weak_table.size") for s in SizeClass]
    wanted += [f"firm_page.cert_status.{s.value}" for s in CertStatus]
    wanted += [f"chain_page.plan.format_{f.value}" for f in PlanFormat]
    wanted += [f"chain_page.plan.export_{f.value}" for f in ExportFormat]
    assert sorted(k for k in wanted if not words.has(k)) == []
