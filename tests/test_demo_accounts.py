"""`chainmap demo` makes an account per role with a one-time password, prints them with the one
command that starts the console, and keeps them in accounts.txt (mode 0600); `chainmap serve`
prints the console's address, explains itself and takes --https-cookies."""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from api_world import free_port, running
from typer.testing import CliRunner

from chainmap.access import Role
from chainmap.accounts import log_in
from chainmap.cli import app
from chainmap.graph import to_digraph
from chainmap.rules import region_name
from chainmap.store import open_store

runner = CliRunner()
_ACCOUNT = re.compile(r"^  (admin|regulator|leader|analyst) +(\S+)   (\w+): (.+)$", re.M)
_LOGIN_TOKEN = re.compile(r'name="login_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A small demo, and what it printed."""
    out = tmp_path_factory.mktemp("demo") / "demo-output"
    result = runner.invoke(
        app, ["demo", "--out", str(out), "--enterprises", "300", "--chains", "2"]
    )
    assert result.exit_code == 0, result.output
    return out, result.stdout


def _printed(output: str) -> dict[str, tuple[str, str, str]]:
    """login: (password, role, name), as the demo printed them."""
    return {m[0]: (m[1], m[2], m[3]) for m in _ACCOUNT.findall(output)}


def _command(output: str) -> list[str]:
    lines = output.splitlines()
    return shlex.split(lines[lines.index("Start the console:") + 1])


@dataclass
class Answer:
    status_code: int
    headers: Any
    text: str


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None  # a redirect is the answer


class Browser:
    """Requests to a running server with a cookie jar, redirects not followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _Stay()
        )

    def get(self, path: str) -> Answer:
        return self._send(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict[str, str]) -> Answer:
        body = urllib.parse.urlencode(data).encode()
        return self._send(urllib.request.Request(self.base + path, data=body, method="POST"))

    def _send(self, request: urllib.request.Request) -> Answer:
        try:
            with self.opener.open(request, timeout=30) as answer:
                return Answer(answer.status, answer.headers, answer.read().decode())
        except urllib.error.HTTPError as refused:
            return Answer(refused.code, refused.headers, refused.read().decode())


def _log_in(http: Browser, login: str, password: str) -> Answer:
    token = _LOGIN_TOKEN.search(http.get("/login").text)
    assert token
    return http.post(
        "/login", data={"login": login, "password": password, "login_token": token.group(1)}
    )


def test_the_demo_makes_an_account_per_role_with_one_time_passwords(
    demo: tuple[Path, str],
) -> None:
    out, output = demo
    printed = _printed(output)
    assert list(printed) == ["admin", "regulator", "leader", "analyst"]
    passwords = [password for password, _, _ in printed.values()]
    assert len(set(passwords)) == 4 and all(len(p) >= 12 for p in passwords)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", p) for p in passwords)
    url = f"sqlite:///{out / 'chainmap.db'}"
    with open_store(url) as store:
        chain = store.chains()[0]
        graph = to_digraph(store.chain(chain.chain_id))
        leader = graph.graph["leaders"][0]
        firm = graph.nodes[leader]
        rows = {a.login: a for a in store.accounts()}
        assert all(row.must_change for row in rows.values())
        province = (chain.region_code or firm["region_code"])[:2]
        for login, (password, role, name) in printed.items():
            me = log_in(store, login, password)
            assert me.role is Role(role) and me.name == name == rows[login].name
        assert rows["regulator"].regions == rows["analyst"].regions == (province,)
        assert rows["regulator"].name == f"{region_name(province)}市场监督管理局"
        assert rows["leader"].enterprise == leader and rows["leader"].name == firm["name"]
        assert re.search(r"[\u4e00-\u9fff]", rows["admin"].name)
    # the printout says where the passwords are kept, and that file is the owner's only
    kept = out / "accounts.txt"
    assert f"The passwords are also in {kept}" in output
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    listed = kept.read_text(encoding="utf-8")
    assert all(p in listed for p in passwords)
    assert shlex.join(_command(output)) in listed and "http://127.0.0.1:8000/" in output


def test_a_second_demo_makes_new_passwords_and_keeps_the_file_private(tmp_path: Path) -> None:
    out = tmp_path / "demo-output"
    out.mkdir()
    (out / "accounts.txt").write_text("old", encoding="utf-8")
    os.chmod(out / "accounts.txt", 0o644)
    seen = []
    for _ in range(2):
        result = runner.invoke(
            app, ["demo", "--out", str(out), "--enterprises", "100", "--chains", "1"]
        )
        assert result.exit_code == 0, result.output
        seen.append(_printed(result.stdout)["admin"][0])
        assert stat.S_IMODE((out / "accounts.txt").stat().st_mode) == 0o600
    assert seen[0] != seen[1]
    with open_store(f"sqlite:///{out / 'chainmap.db'}") as store:
        assert len(store.accounts()) == 4  # the second run's, in a fresh store


def test_the_printed_command_starts_the_console_and_the_passwords_log_in(
    demo: tuple[Path, str],
) -> None:
    _, output = demo
    command = _command(output)
    assert command[1:3] == ["serve", "--store"] and command[3].endswith("chainmap.db")
    assert Path(command[0]).name == "chainmap"
    if Path(command[0]).is_file():  # this environment's chainmap, by its path
        assert os.access(command[0], os.X_OK)
    else:  # not in a virtual environment: the chainmap on PATH
        command = [sys.executable, "-m", "chainmap", *command[1:]]
    printed = _printed(output)
    with running(command, free_port()) as (base, _):
        for login, (password, _, _) in printed.items():
            http = Browser(base)
            answer = _log_in(http, login, password)
            assert answer.status_code == 303, login
            assert answer.headers["location"] == "/password"  # a new one first
            assert http.get("/").headers["location"] == "/password"
            form = http.get("/password")
            assert form.status_code == 200 and "一次性密码" in form.text


def test_serve_prints_the_console_and_the_api_and_takes_https_cookies(
    demo: tuple[Path, str],
) -> None:
    out, _ = demo
    url = f"sqlite:///{out / 'chainmap.db'}"
    command = [sys.executable, "-m", "chainmap", "serve", "--store", url, "--https-cookies"]
    port = free_port()
    with running(command, port, stderr=True) as (base, server):
        login_page = Browser(base).get("/login")
        assert login_page.status_code == 200
        assert "secure" in login_page.headers["set-cookie"].lower()
        server.terminate()
        said = server.communicate(timeout=10)[1]
    assert f"console: http://127.0.0.1:{port}/ " in said
    assert f"API:     http://127.0.0.1:{port}/api/v1 " in said
    plain = subprocess.run(
        [sys.executable, "-m", "chainmap", "serve", "--store", url, "--port", "1", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "--https-cookies" in plain.stdout


def test_https_cookies_from_the_environment(demo: tuple[Path, str]) -> None:
    out, _ = demo
    url = f"sqlite:///{out / 'chainmap.db'}"
    command = [sys.executable, "-m", "chainmap", "serve", "--store", url]
    os.environ["CHAINMAP_HTTPS_COOKIES"] = "true"
    try:
        with running(command, free_port()) as (base, _):
            assert "secure" in Browser(base).get("/login").headers["set-cookie"].lower()
    finally:
        del os.environ["CHAINMAP_HTTPS_COOKIES"]
    with running(command, free_port()) as (base, _):
        assert "secure" not in Browser(base).get("/login").headers["set-cookie"].lower()


def test_serve_help_explains_the_console_accounts_and_tokens() -> None:
    shown = runner.invoke(app, ["serve", "--help"], terminal_width=200)
    assert shown.exit_code == 0
    text = " ".join(shown.output.split())
    for said in ("web console", "/api/v1", "chainmap user create", "chainmap token create"):
        assert said in text, said
    assert "--https-cookies" in text and "one-time password" in text


def test_the_readme_has_two_set_up_commands_and_names_the_one_the_demo_prints() -> None:
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", setup, flags=re.S)
    commands = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert commands == ["bash scripts/demo", "bash scripts/test"]
    # the command that starts the console is the one the demo prints when scripts/demo runs it
    assert "chainmap demo --out demo-output" in (root / "scripts" / "demo").read_text()
    assert ".venv/bin/chainmap serve --store sqlite:///demo-output/chainmap.db" in setup
    assert "[docs/console.md](docs/console.md)" in setup


def test_the_printed_command_names_the_chainmap_of_this_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chainmap.demo import serve_command

    venv = tmp_path / "clone" / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "chainmap").write_text("#!/bin/sh\n")
    url = "sqlite:///demo-output/chainmap.db"
    monkeypatch.setattr(sys, "prefix", str(venv))
    monkeypatch.setattr(sys, "base_prefix", "/usr")
    monkeypatch.chdir(tmp_path / "clone")  # as scripts/demo runs it: works unactivated
    assert serve_command(url) == f".venv/bin/chainmap serve --store {url}"
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert serve_command(url) == f"{venv / 'bin' / 'chainmap'} serve --store {url}"
    monkeypatch.setattr(sys, "base_prefix", str(venv))  # no virtual environment
    assert (
        serve_command("sqlite:///a b/chainmap.db")
        == "chainmap serve --store 'sqlite:///a b/chainmap.db'"
    )
