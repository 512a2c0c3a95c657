"""API tokens: created once, kept as a digest, scoped by role, revoked for good; both stores."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sample_chain import LEADER, write_dataset
from typer.testing import CliRunner

from chainmap.access import Role, authenticate, digest, issue_token, revoke_token
from chainmap.cli import app
from chainmap.errors import ConfigError, NotFound
from chainmap.ingest.load import import_datasets
from chainmap.store import open_store

runner = CliRunner()


@pytest.fixture
def url(store_url: str, tmp_path: Path) -> str:
    import_datasets([write_dataset(tmp_path / "data")], lambda: open_store(store_url, create=True))
    return store_url


def test_a_token_authenticates_as_its_role_and_scope_until_revoked(url: str) -> None:
    with open_store(url) as store:
        token, row = issue_token(store, "regulator", "苏州市场监管局", ["320500", "3206"])
        assert row.regions == ("3205", "3206")  # prefixes normalised, sorted
        assert row.digest == digest(token) and token not in json.dumps(row._asdict())
        caller = authenticate(store, token)
        assert caller is not None
        assert (caller.role, caller.regions, caller.name) == (
            Role.REGULATOR,
            ("3205", "3206"),
            "苏州市场监管局",
        )
        assert caller.in_regions("320583") and not caller.in_regions("340100")
        other, leader = issue_token(store, "leader", "链主", enterprise=LEADER.lower())
        assert leader.enterprise == LEADER
        assert authenticate(store, other) is not None
        assert authenticate(store, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert authenticate(store, "Bearer " + token) is None
        assert authenticate(store, "") is None
        revoke_token(store, row.token_id)
        assert authenticate(store, token) is None
        assert authenticate(store, other) is not None  # the other one stays
        with pytest.raises(NotFound):
            revoke_token(store, row.token_id)  # revoked once, for good
        listed = store.tokens()
        assert {t.token_id for t in listed} == {row.token_id, leader.token_id}
        assert next(t for t in listed if t.token_id == row.token_id).revoked_at is not None


@pytest.mark.parametrize(
    ("role", "regions", "enterprise", "message"),
    [
        ("root", None, None, "unknown role"),
        ("regulator", None, None, "needs at least one --region"),
        ("analyst", ["99"], None, "no province"),
        ("admin", ["32"], None, "takes no --region"),
        ("leader", None, None, "needs --enterprise"),
        ("leader", None, "91320583000000099X", "valid USCC"),
        ("regulator", ["32"], LEADER, "takes no --enterprise"),
    ],
)
def test_bad_token_requests_are_refused_and_nothing_is_kept(
    url: str, role: str, regions: list[str] | None, enterprise: str | None, message: str
) -> None:
    with open_store(url) as store:
        with pytest.raises(ConfigError, match=message):
            issue_token(store, role, "x", regions, enterprise)
        assert store.tokens() == []


def test_a_leader_token_needs_a_firm_the_store_holds(url: str) -> None:
    from sample_chain import make_uscc

    with open_store(url) as store:
        with pytest.raises(NotFound, match="import it"):
            issue_token(store, "leader", "x", enterprise=make_uscc(99))
        assert store.tokens() == []


def test_token_commands(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'tokens.db'}"
    import_datasets([write_dataset(tmp_path / "data")], lambda: open_store(store, create=True))
    made = runner.invoke(
        app,
        [
            "token",
            "create",
            "--role",
            "analyst",
            "--region",
            "32",
            "--name",
            "分析师",
            "--store",
            store,
        ],
    )
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert token.startswith("cm_") and len(token) > 40
    listed = runner.invoke(app, ["token", "list", "--format", "json", "--store", store])
    (row,) = json.loads(listed.stdout)
    assert row["role"] == "analyst" and row["regions"] == ["32"] and row["revoked_at"] is None
    assert token not in listed.stdout
    # the file holds the digest, never the token
    raw = sqlite3.connect(tmp_path / "tokens.db").execute("SELECT * FROM api_tokens").fetchall()
    assert token not in repr(raw) and digest(token) in repr(raw)
    bad = runner.invoke(
        app, ["token", "create", "--role", "analyst", "--name", "x", "--store", store]
    )
    assert bad.exit_code == 2 and "--region" in bad.output
    gone = runner.invoke(app, ["token", "revoke", row["token_id"], "--store", store])
    assert gone.exit_code == 0, gone.output
    again = runner.invoke(app, ["token", "revoke", row["token_id"], "--store", store])
    assert again.exit_code == 4 and "no token" in again.output


def test_stores_written_before_tokens_existed_get_the_table(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    import_datasets(
        [write_dataset(tmp_path / "data")], lambda: open_store(f"sqlite:///{path}", create=True)
    )
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE api_tokens")
    with open_store(f"sqlite:///{path}") as store:
        assert store.tokens() == []
        token, _ = issue_token(store, "admin", "ops")
        assert authenticate(store, token) is not None
