"""API tokens: created once, kept as a digest, scoped by role, revoked for good; both stores."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sample_chain import LEADER, write_dataset
from typer.testing import CliRunner

from chainmap.access import Role, authenticate, digest, expired, issue_token, revoke_token
from chainmap.cli import app
from chainmap.errors import ConfigError, NotFound
from chainmap.ingest.load import import_datasets
from chainmap.records import TokenRow
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
        ("regulator", None, None, "at least one --region"),
        ("analyst", ["99"], None, "no province"),
        ("admin", ["32"], None, "no --region"),
        ("leader", None, None, "needs --enterprise"),
        ("leader", None, "91320583000000099X", "valid USCC"),
        ("regulator", ["32"], LEADER, "no --enterprise"),
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


# -- expiry ------------------------------------------------------------------------------------


def _in(days: float) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


def test_tokens_expire_after_90_days_unless_told_otherwise(url: str) -> None:
    with open_store(url) as store:
        _, default = issue_token(store, "admin", "ops")
        _, month = issue_token(store, "admin", "ops", expires_in=30)
        day = _in(10).date()
        _, dated = issue_token(store, "admin", "ops", expires_on=day)
        kept = {t.token_id: t.expires_at for t in store.tokens()}
    assert kept[default.token_id] == default.expires_at
    assert kept[dated.token_id] == f"{day + timedelta(days=1)}T00:00:00+00:00"  # through that day
    assert default.expires_at is not None and month.expires_at is not None
    assert abs(datetime.fromisoformat(default.expires_at) - _in(90)) < timedelta(minutes=1)
    assert abs(datetime.fromisoformat(month.expires_at) - _in(30)) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("expires_in", "expires_on", "message"),
    [
        (0, None, "give 1 to 3650 days"),
        (4000, None, "give 1 to 3650 days"),
        (None, date(2020, 1, 1), "in the past"),
        (30, date(2099, 1, 1), "not both"),
    ],
)
def test_impossible_expiries_are_refused(
    url: str, expires_in: int | None, expires_on: date | None, message: str
) -> None:
    with open_store(url) as store:
        with pytest.raises(ConfigError, match=message):
            issue_token(store, "admin", "ops", expires_in=expires_in, expires_on=expires_on)
        assert store.tokens() == []


def test_an_expired_token_is_refused_on_both_stores(url: str) -> None:
    token = "cm_" + "x" * 43
    with open_store(url) as store:
        for token_id, expires_at in (("past", _in(-1)), ("future", _in(1))):
            store.add_token(
                TokenRow(
                    token_id,
                    token_id,
                    "admin",
                    (),
                    None,
                    digest(token + token_id),
                    _in(-2).isoformat(timespec="seconds"),
                    None,
                    expires_at.isoformat(timespec="seconds"),
                )
            )
        assert authenticate(store, token + "past") is None
        assert authenticate(store, token + "future") is not None
        listed = {t.token_id: t for t in store.tokens()}
        assert expired(listed["past"]) and not expired(listed["future"])


def test_tokens_made_before_expiry_existed_last_until_revoked(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    import_datasets(
        [write_dataset(tmp_path / "data")], lambda: open_store(f"sqlite:///{path}", create=True)
    )
    token = "cm_" + "y" * 43
    with sqlite3.connect(path) as db:  # the table as it was before tokens expired
        db.execute("DROP TABLE api_tokens")
        db.execute(
            "CREATE TABLE api_tokens (token_id TEXT PRIMARY KEY, name TEXT NOT NULL, "
            "role TEXT NOT NULL, regions TEXT NOT NULL DEFAULT '', enterprise TEXT, "
            "digest TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT)"
        )
        db.execute(
            "INSERT INTO api_tokens VALUES ('old', 'ops', 'admin', '', NULL, ?, "
            "'2025-01-01T00:00:00+00:00', NULL)",
            (digest(token),),
        )
    db.close()
    with open_store(f"sqlite:///{path}") as store:
        (old,) = store.tokens()
        assert old.expires_at is None
        assert authenticate(store, token) is not None
        new, row = issue_token(store, "admin", "ops")
        assert row.expires_at is not None and authenticate(store, new) is not None
    listed = runner.invoke(app, ["token", "list", "--store", f"sqlite:///{path}"])
    assert listed.exit_code == 0, listed.output
    assert "never" in listed.stdout


def test_token_commands_set_and_show_the_expiry(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'tokens.db'}"
    import_datasets([write_dataset(tmp_path / "data")], lambda: open_store(store, create=True))
    day = _in(20).date()
    for option in (["--expires-in", "7"], ["--expires-on", day.isoformat()]):
        made = runner.invoke(
            app, ["token", "create", "--role", "admin", "--name", "ops", "--store", store, *option]
        )
        assert made.exit_code == 0, made.output
        assert "expires" in made.stderr and "T" in made.stderr
    listed = runner.invoke(app, ["token", "list", "--format", "json", "--store", store])
    expiries = sorted(row["expires_at"] for row in json.loads(listed.stdout))
    assert expiries[0].startswith(_in(7).date().isoformat())
    assert expiries[1] == f"{day + timedelta(days=1)}T00:00:00+00:00"
    both = ["--expires-in", "7", "--expires-on", day.isoformat()]
    refused = runner.invoke(
        app, ["token", "create", "--role", "admin", "--name", "x", "--store", store, *both]
    )
    assert refused.exit_code == 2 and "not both" in refused.output


def test_the_api_refuses_expired_and_revoked_tokens_at_once(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from chainmap.api import create_app
    from chainmap.config import Settings

    store = f"sqlite:///{tmp_path / 'api.db'}"
    import_datasets([write_dataset(tmp_path / "data")], lambda: open_store(store, create=True))
    with open_store(store) as opened:
        token, row = issue_token(opened, "admin", "ops", expires_in=1)
        late = "cm_" + "z" * 43
        opened.add_token(
            row._replace(
                token_id="late",
                digest=digest(late),
                expires_at=_in(-1).isoformat(timespec="seconds"),
            )
        )
    with TestClient(create_app(Settings(store=store))) as client:

        def status(bearer: str) -> int:
            return client.get(
                "/api/v1/chains", headers={"Authorization": f"Bearer {bearer}"}
            ).status_code

        assert status(token) == 200
        assert status(late) == 401
        with open_store(store) as opened:
            revoke_token(opened, row.token_id)
        assert status(token) == 401
