"""People's accounts: argon2id passwords, one refusal for every reason, lockout; both stores."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher, Type, extract_parameters
from sample_chain import LEADER, make_uscc, write_dataset

from chainmap import accounts as module
from chainmap.access import Role
from chainmap.accounts import (
    FIRST_LOCK,
    LOCK_AFTER,
    LONGEST_LOCK,
    MIN_PASSWORD,
    accounts,
    create_account,
    disable_account,
    lock_period,
    log_in,
    set_password,
)
from chainmap.errors import ConfigError, LoginRefused, NotFound, RuleViolation
from chainmap.ingest.load import import_datasets
from chainmap.records import AccountRow
from chainmap.store import open_store

PASSWORD = "苏州 correct horse 电池"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def url(store_url: str, tmp_path: Path) -> str:
    import_datasets([write_dataset(tmp_path / "data")], lambda: open_store(store_url, create=True))
    return store_url


def _refusal(url: str, login: str, password: str, now: datetime = T0) -> tuple[str, str]:
    with open_store(url) as store, pytest.raises(LoginRefused) as refused:
        log_in(store, login, password, now=now)
    return str(refused.value), refused.value.text("zh")


def _account(url: str, login: str) -> AccountRow:
    with open_store(url) as store:
        (row,) = [a for a in accounts(store) if a.login == login]
    return row


def test_accounts_are_created_listed_given_new_passwords_and_disabled(url: str) -> None:
    with open_store(url) as store:
        made = create_account(
            store, "Zhang.Wei", "regulator", PASSWORD, name="苏州市场监管局", regions=["320500"]
        )
        create_account(store, "链主-李", "leader", PASSWORD, enterprise=LEADER.lower())
        create_account(store, "ops", "admin", PASSWORD)
        listed = accounts(store)
        assert [a.login for a in listed] == ["ops", "Zhang.Wei", "链主-李"]  # by login
        assert made.login_key == "zhang.wei" and made.login == "Zhang.Wei"
        assert made.regions == ("3205",) and made.role == "regulator"
        assert made.password_hash.startswith("$argon2id$")
        kept = {a.login: a for a in listed}
        assert kept["Zhang.Wei"] == made
        assert kept["链主-李"].enterprise == LEADER and kept["链主-李"].name == "链主-李"
        assert all(a.disabled_at is None and a.failures == 0 for a in listed)

        set_password(store, "ZHANG.WEI", "a new password of mine")
        with pytest.raises(LoginRefused):
            log_in(store, "zhang.wei", PASSWORD)
        assert log_in(store, "zhang.wei", "a new password of mine").login == "Zhang.Wei"

        disable_account(store, "zhang.wei")
        with pytest.raises(LoginRefused):
            log_in(store, "zhang.wei", "a new password of mine")
        (disabled,) = [a for a in accounts(store) if a.login_key == "zhang.wei"]
        assert disabled.disabled_at is not None
        with pytest.raises(NotFound, match="no enabled account"):
            disable_account(store, "Zhang.Wei")
        with pytest.raises(NotFound, match="no account"):
            set_password(store, "nobody", "a new password of mine")
        with pytest.raises(NotFound):
            disable_account(store, "nobody")


def test_logging_in_gives_the_principal_of_the_account_and_its_bounds(url: str) -> None:
    with open_store(url) as store:
        create_account(store, "Zhang.Wei", "regulator", PASSWORD, regions=["3205", "32"])
        create_account(store, "leader1", "leader", PASSWORD, enterprise=LEADER, name="链主甲")
        create_account(store, "an", "analyst", PASSWORD, regions=["3206"])
        create_account(store, "ops", "admin", PASSWORD)

        regulator = log_in(store, " ZHANG.wei ", PASSWORD)
        assert (regulator.role, regulator.regions, regulator.login) == (
            Role.REGULATOR,
            ("32", "3205"),
            "Zhang.Wei",
        )
        assert regulator.token_id == "" and regulator.name == "Zhang.Wei"
        assert regulator.in_regions("320583") and not regulator.in_regions("340100")
        leader = log_in(store, "Leader1", PASSWORD)
        assert (leader.role, leader.enterprise, leader.regions, leader.name) == (
            Role.LEADER,
            LEADER,
            (),
            "链主甲",
        )
        analyst = log_in(store, "an", PASSWORD)
        assert analyst.role is Role.ANALYST and analyst.regions == ("3206",)
        admin = log_in(store, "ops", PASSWORD)
        assert admin.role is Role.ADMIN and admin.regions == () and admin.enterprise is None
        # full-width forms typed through an input method are the same login and password
        assert log_in(store, "ＯＰＳ", PASSWORD.replace("c", "ｃ")).login == "ops"


def test_every_refusal_is_the_same_error_with_the_same_message(url: str) -> None:
    with open_store(url) as store:
        for login in ("wrong", "disabled", "locked"):
            create_account(store, login, "admin", PASSWORD)
        disable_account(store, "disabled")
        for _ in range(LOCK_AFTER):
            with pytest.raises(LoginRefused):
                log_in(store, "locked", "not the password", now=T0)
    refusals = {
        "wrong password": _refusal(url, "wrong", PASSWORD + "!"),
        "unknown login": _refusal(url, "nobody", PASSWORD),
        "disabled": _refusal(url, "disabled", PASSWORD),
        "locked": _refusal(url, "locked", PASSWORD),
        "impossible login": _refusal(url, "no such login", PASSWORD),
        "overlong password": _refusal(url, "wrong", PASSWORD * 100),
        "huge password": _refusal(url, "wrong", "x" * 1_000_000),
        "huge login": _refusal(url, "wrong" * 200_000, PASSWORD),
        "empty": _refusal(url, "", ""),
    }
    assert len(set(refusals.values())) == 1, refusals
    en, zh = refusals["unknown login"]
    assert "login or the password" in en and "登录名或密码" in zh
    with open_store(url) as store:  # the right password still works for the others
        assert log_in(store, "wrong", PASSWORD, now=T0).login == "wrong"


def test_an_unknown_login_costs_one_argon2id_check_and_records_nothing(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    verify = module._verify

    def spy(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return verify(password_hash, password)

    monkeypatch.setattr(module, "_verify", spy)
    with open_store(url) as store:
        real = create_account(store, "ops", "admin", PASSWORD)
        before = accounts(store)
        for login in ("ghost-login", "OPS2", "x" * 65):
            with pytest.raises(LoginRefused):
                log_in(store, login, PASSWORD, now=T0)
        assert accounts(store) == before
        with pytest.raises(LoginRefused):
            log_in(store, "ops", "not the password", now=T0)
    assert len(checked) == 4  # one check per attempt, known or not
    dummy, real_check = checked[0], checked[-1]
    assert real_check == real.password_hash and dummy != real.password_hash
    assert extract_parameters(dummy) == extract_parameters(real.password_hash)
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        held = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert b"ghost-login" not in held


def test_five_failures_lock_the_account_for_a_minute_then_longer(url: str) -> None:
    with open_store(url) as store:
        create_account(store, "patient", "admin", PASSWORD)
        create_account(store, "impatient", "admin", PASSWORD)
        for login in ("patient", "impatient"):
            for n in range(1, LOCK_AFTER):
                with pytest.raises(LoginRefused):
                    log_in(store, login, f"wrong {n} password", now=T0)
        counted = _account(url, "patient")
        assert (counted.failures, counted.locked_until) == (LOCK_AFTER - 1, None)
        assert counted.last_failure_at == T0.isoformat()
        for login in ("patient", "impatient"):  # the fifth failure locks
            with pytest.raises(LoginRefused):
                log_in(store, login, "wrong again!", now=T0)
        locked = _account(url, "patient")
        assert locked.failures == LOCK_AFTER
        assert locked.locked_until == (T0 + FIRST_LOCK).isoformat()

        # waiting out the lock: the right password works and clears the count and the lock
        principal = log_in(store, "patient", PASSWORD, now=T0 + FIRST_LOCK)
        assert principal.login == "patient"
        cleared = _account(url, "patient")
        assert (cleared.failures, cleared.locked_until) == (0, None)
        assert cleared.last_failure_at == T0.isoformat()  # kept for the administrator

        # trying during the lock is refused, even with the right password, and counts:
        # the sixth failure locks for two minutes from then
        during = T0 + timedelta(seconds=30)
        with pytest.raises(LoginRefused):
            log_in(store, "impatient", PASSWORD, now=during)
        longer = _account(url, "impatient")
        assert longer.failures == LOCK_AFTER + 1
        assert longer.locked_until == (during + 2 * FIRST_LOCK).isoformat()
        with pytest.raises(LoginRefused):
            log_in(store, "impatient", PASSWORD, now=during + 2 * FIRST_LOCK - timedelta(seconds=1))
        assert log_in(store, "impatient", PASSWORD, now=T0 + timedelta(hours=1)).login


def test_failures_at_once_all_count(url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with open_store(url) as store:
        create_account(store, "ops", "admin", PASSWORD)

    def guess(n: int) -> None:
        with open_store(url) as own, pytest.raises(LoginRefused):
            log_in(own, "ops", f"guess number {n}", now=T0)

    attempts = 6
    with ThreadPoolExecutor(attempts) as pool:
        list(pool.map(guess, range(attempts)))
    locked, period = _account(url, "ops"), lock_period(attempts)
    assert locked.failures == attempts and period is not None
    assert locked.locked_until == (T0 + period).isoformat()


@pytest.mark.parametrize(
    ("failures", "minutes"),
    [(1, None), (LOCK_AFTER - 1, None), (5, 1), (6, 2), (7, 4), (10, 32), (11, 60), (1000, 60)],
)
def test_lock_periods_double_from_a_minute_up_to_an_hour(
    failures: int, minutes: int | None
) -> None:
    period = lock_period(failures)
    assert period == (None if minutes is None else timedelta(minutes=minutes))
    assert period is None or FIRST_LOCK <= period <= LONGEST_LOCK


def test_a_lock_never_shortens(url: str) -> None:
    with open_store(url) as store:
        create_account(store, "ops", "admin", PASSWORD)
        later = (T0 + timedelta(hours=1)).isoformat()
        store.lock_account("ops", later)
        store.lock_account("ops", (T0 + timedelta(minutes=1)).isoformat())
        assert _account(url, "ops").locked_until == later


def test_a_new_password_unlocks(url: str) -> None:
    with open_store(url) as store:
        create_account(store, "ops", "admin", PASSWORD)
        for _ in range(LOCK_AFTER):
            with pytest.raises(LoginRefused):
                log_in(store, "ops", "wrong password", now=T0)
        set_password(store, "ops", "another long password")
        assert log_in(store, "ops", "another long password", now=T0).login == "ops"


@pytest.mark.parametrize(
    ("login", "password", "options", "error", "message"),
    [
        ("ops", "short", {}, RuleViolation, f"at least {MIN_PASSWORD} characters"),
        ("ops", "９８７６５４３２１", {}, RuleViolation, "has 9"),
        ("ops", "OPS", {}, RuleViolation, "at least"),
        ("Long.Login", "long.login", {}, RuleViolation, "must not be the login"),
        ("ops", "line\nbreak password", {}, RuleViolation, "control characters"),
        ("ops", "x" * 1025, {}, RuleViolation, "at most 1024"),
        ("ops", "x" * 100_000, {}, RuleViolation, "at most 1024"),
        ("two words", PASSWORD, {}, RuleViolation, "without spaces"),
        ("", PASSWORD, {}, RuleViolation, "1 to 64"),
        ("x" * 65, PASSWORD, {}, RuleViolation, "1 to 64"),
        ("ops", PASSWORD, {"role": "root"}, ConfigError, "unknown role"),
        ("ops", PASSWORD, {"role": "regulator"}, ConfigError, "regulator account needs"),
        ("ops", PASSWORD, {"role": "analyst", "regions": ["99"]}, ConfigError, "no province"),
        ("ops", PASSWORD, {"regions": ["32"]}, ConfigError, "admin account takes no --region"),
        ("ops", PASSWORD, {"role": "leader"}, ConfigError, "needs --enterprise"),
        ("ops", PASSWORD, {"role": "leader", "enterprise": make_uscc(99)}, NotFound, "import it"),
        ("ops", PASSWORD, {"name": "  "}, RuleViolation, "1 to 100"),
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_kept(
    url: str,
    login: str,
    password: str,
    options: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    options = dict(options)  # shared by both stores' runs
    role = options.pop("role", "admin")
    with open_store(url) as store:
        with pytest.raises(error, match=message):
            create_account(store, login, role, password, **options)
        assert accounts(store) == []


def test_password_messages_are_in_chinese_too(url: str) -> None:
    with open_store(url) as store, pytest.raises(RuleViolation) as short:
        create_account(store, "ops", "admin", "short")
    assert short.value.code == "password_too_short"
    assert f"至少需要 {MIN_PASSWORD} 个字符" in short.value.text("zh")


def test_a_login_is_one_whatever_its_case(url: str) -> None:
    with open_store(url) as store:
        create_account(store, "Zhang.Wei", "admin", PASSWORD)
        with pytest.raises(RuleViolation, match="is taken") as taken:
            create_account(store, "zhang.WEI", "admin", "another long password")
        assert "已被使用" in taken.value.text("zh")
        (kept,) = accounts(store)
        assert log_in(store, "zhang.wei", PASSWORD).login == "Zhang.Wei"
        # the store itself refuses a second account under a taken login
        assert not store.add_account(kept._replace(login="ZHANG.WEI", password_hash="$x"))
        assert accounts(store) == [kept]


def test_passwords_are_argon2id_hashes_and_kept_nowhere(url: str) -> None:
    secret = "plain-text-never-kept-密码"
    with open_store(url) as store:
        made = create_account(store, "ops", "admin", secret)
        set_password(store, "ops", secret + "2")
        with pytest.raises(LoginRefused):
            log_in(store, "ops", secret)
        log_in(store, "ops", secret + "2")
        (kept,) = accounts(store)
    parameters = extract_parameters(kept.password_hash)
    defaults = PasswordHasher()
    assert parameters.type is Type.ID
    assert parameters.memory_cost >= defaults.memory_cost
    assert parameters.time_cost >= defaults.time_cost
    assert kept.password_hash != made.password_hash
    needle = secret.encode("utf-8")
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        held = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert b"$argon2id$" in held and needle not in held
    else:
        records = _cypher(url, "MATCH (n) RETURN properties(n) AS p")
        every = repr([r["p"] for r in records]).encode("utf-8")
        assert b"$argon2id$" in every and needle not in every
        (account,) = _cypher(url, "MATCH (a:Account) RETURN properties(a) AS p")
        assert account["p"]["login_key"] == "ops" and account["p"]["password_hash"].startswith(
            "$argon2id$"
        )
        constraints = _cypher(
            url, "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type RETURN *"
        )
        assert any(
            c["labelsOrTypes"] == ["Account"]
            and c["properties"] == ["login_key"]
            and c["type"] == "UNIQUENESS"
            for c in constraints
        )


def _cypher(url: str, statement: Any) -> list[Any]:
    from neo4j import GraphDatabase

    with GraphDatabase.driver(url) as driver:
        records, _, _ = driver.execute_query(statement)
    return records


def test_an_outdated_hash_is_replaced_at_the_next_login(url: str) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    with open_store(url) as store:
        store.add_account(
            AccountRow(
                "ops", "ops", "ops", "admin", (), None, weak.hash(PASSWORD), T0.isoformat(), None
            )
        )
        assert log_in(store, "ops", PASSWORD).login == "ops"
        (kept,) = accounts(store)
        assert extract_parameters(kept.password_hash) == extract_parameters(
            PasswordHasher().hash("x")
        )
        assert log_in(store, "ops", PASSWORD).login == "ops"


def test_stores_written_before_accounts_existed_get_the_table(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    import_datasets(
        [write_dataset(tmp_path / "data")], lambda: open_store(f"sqlite:///{path}", create=True)
    )
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE accounts")
    db.close()
    with open_store(f"sqlite:///{path}") as store:
        assert accounts(store) == []
        create_account(store, "ops", "admin", PASSWORD)
        assert log_in(store, "ops", PASSWORD).role is Role.ADMIN
    with sqlite3.connect(path) as db:
        (count,) = db.execute("SELECT count(*) FROM accounts").fetchone()
    db.close()
    assert count == 1


# -- the commands ---------------------------------------------------------------------------


def _user(store: str, *args: str, password: str | None = None) -> Any:
    from typer.testing import CliRunner

    from chainmap.cli import app

    stdin = None if password is None else password + "\n"
    return CliRunner().invoke(app, ["user", *args, "--store", store], input=stdin)


def test_user_commands(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'accounts.db'}"
    import_datasets([write_dataset(tmp_path / "data")], lambda: open_store(store, create=True))
    create = ["create", "--login", "Zhang.Wei", "--role", "regulator", "--region", "3205"]
    made = _user(store, *create, "--name", "苏州市场监管局", "--password-stdin", password=PASSWORD)
    assert made.exit_code == 0, made.output
    assert "Zhang.Wei" in made.stderr and PASSWORD not in made.output
    leader = ["create", "--login", "lead", "--role", "leader", "--enterprise", LEADER]
    assert _user(store, *leader, "--password-stdin", password=PASSWORD).exit_code == 0

    listed = _user(store, "list", "--format", "json")
    assert listed.exit_code == 0, listed.output
    rows = {row["login"]: row for row in json.loads(listed.stdout)}
    assert (
        rows["Zhang.Wei"]["regions"] == ["3205"] and rows["Zhang.Wei"]["name"] == "苏州市场监管局"
    )
    assert rows["lead"]["enterprise"] == LEADER and rows["lead"]["disabled_at"] is None
    assert "argon2" not in listed.stdout and all("password_hash" not in r for r in rows.values())
    table = _user(store, "list")
    assert table.exit_code == 0 and "Zhang" in table.stdout and "argon2" not in table.stdout

    changed = _user(
        store, "password", "--login", "zhang.wei", "--password-stdin", password="another secret!"
    )
    assert changed.exit_code == 0, changed.output
    with open_store(store) as opened:
        assert log_in(opened, "Zhang.Wei", "another secret!").role is Role.REGULATOR
    gone = _user(store, "disable", "--login", "ZHANG.WEI")
    assert gone.exit_code == 0, gone.output
    with open_store(store) as opened, pytest.raises(LoginRefused):
        log_in(opened, "Zhang.Wei", "another secret!")
    again = _user(store, "disable", "--login", "zhang.wei")
    assert again.exit_code == 4 and "no enabled account" in again.output


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--login", "new", "--role", "admin", "--password-stdin"], "short", "at least 10"),
        (["--login", "new", "--role", "regulator", "--password-stdin"], PASSWORD, "--region"),
        (["--login", "OPS", "--role", "admin", "--password-stdin"], PASSWORD, "is taken"),
        (["--login", "a b", "--role", "admin", "--password-stdin"], PASSWORD, "without spaces"),
        (["--login", "x", "--role", "leader", "--password-stdin"], PASSWORD, "--enterprise"),
        (["--login", "x", "--role", "admin"], PASSWORD, "--password-stdin"),
        (["--login", "x", "--role", "admin", "--password-stdin"], "", "no password"),
    ],
)
def test_user_create_refuses_with_a_clear_error_and_status_2(
    tmp_path: Path, args: list[str], password: str, message: str
) -> None:
    store = f"sqlite:///{tmp_path / 'accounts.db'}"
    import_datasets([write_dataset(tmp_path / "data")], lambda: open_store(store, create=True))
    first = ["create", "--login", "ops", "--role", "admin", "--password-stdin"]
    assert _user(store, *first, password=PASSWORD).exit_code == 0
    refused = _user(store, "create", *args, password=password)
    assert refused.exit_code == 2, refused.output
    assert message in refused.output and refused.output.count("\n") <= 3
    with open_store(store) as opened:
        assert [a.login for a in accounts(opened)] == ["ops"]


def test_user_password_refuses_a_short_one_and_an_unknown_login(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'accounts.db'}"
    import_datasets([write_dataset(tmp_path / "data")], lambda: open_store(store, create=True))
    first = ["create", "--login", "ops", "--role", "admin", "--password-stdin"]
    assert _user(store, *first, password=PASSWORD).exit_code == 0
    short = _user(store, "password", "--login", "ops", "--password-stdin", password="tiny")
    assert short.exit_code == 2 and "at least 10" in short.output
    unknown = _user(store, "password", "--login", "nobody", "--password-stdin", password=PASSWORD)
    assert unknown.exit_code == 4 and "no account" in unknown.output
    with open_store(store) as opened:
        assert log_in(opened, "ops", PASSWORD).login == "ops"


@pytest.mark.parametrize("command", [[], ["create"], ["list"], ["disable"], ["password"]])
def test_user_commands_explain_themselves(command: list[str]) -> None:
    from typer.testing import CliRunner

    from chainmap.cli import app

    shown = CliRunner().invoke(app, ["user", *command, "--help"])
    assert shown.exit_code == 0 and "Usage:" in shown.output
    assert "password" in shown.output or "account" in shown.output


# -- one-time passwords ---------------------------------------------------------------------


def test_a_one_time_password_is_marked_until_the_person_sets_their_own(url: str) -> None:
    with open_store(url) as store:
        made = create_account(store, "ops", "admin", PASSWORD, must_change=True)
        create_account(store, "lasting", "admin", PASSWORD)
        assert made.must_change
        marked = {a.login: a.must_change for a in accounts(store)}
        assert marked == {"lasting": False, "ops": True}
        assert store.account("ops") == made
        # logging in keeps the mark, and so does a hash replaced at a login
        assert log_in(store, "ops", PASSWORD).login == "ops"
        assert _account(url, "ops").must_change

        with pytest.raises(LoginRefused):  # the current password is checked, and counted
            module.change_password(store, "ops", "not the password", "mine, and long enough")
        assert _account(url, "ops").failures == 1 and _account(url, "ops").must_change
        with pytest.raises(RuleViolation) as same:
            module.change_password(store, "ops", PASSWORD, PASSWORD)
        assert same.value.code == "password_unchanged"
        with pytest.raises(RuleViolation) as short:
            module.change_password(store, "ops", PASSWORD, "tiny")
        assert short.value.code == "password_too_short"
        assert _account(url, "ops").must_change

        module.change_password(store, "OPS", PASSWORD, "mine, and long enough")
        kept = _account(url, "ops")
        assert not kept.must_change and kept.failures == 0
        with pytest.raises(LoginRefused):
            log_in(store, "ops", PASSWORD)
        assert log_in(store, "ops", "mine, and long enough").login == "ops"

        # an administrator gives a new one-time password, or a lasting one
        set_password(store, "ops", "one more time, please", must_change=True)
        assert _account(url, "ops").must_change
        set_password(store, "ops", "one more time, please")
        assert not _account(url, "ops").must_change


def test_an_outdated_hash_replaced_at_a_login_keeps_the_one_time_mark(url: str) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    with open_store(url) as store:
        row = AccountRow(
            "ops", "ops", "ops", "admin", (), None, weak.hash(PASSWORD), T0.isoformat(), None
        )
        store.add_account(row._replace(must_change=True))
        assert log_in(store, "ops", PASSWORD).login == "ops"
        kept = _account(url, "ops")
        assert kept.password_hash != row.password_hash and kept.must_change


def test_accounts_kept_before_one_time_passwords_existed_are_unmarked(url: str) -> None:
    if url.startswith("sqlite"):
        pytest.skip("the embedded store's older table: test_sqlite_accounts_without_the_mark_*")
    with open_store(url) as store:
        create_account(store, "ops", "admin", PASSWORD, must_change=True)
    _cypher(url, "MATCH (a:Account) REMOVE a.must_change")
    with open_store(url) as store:
        assert not _account(url, "ops").must_change
        assert log_in(store, "ops", PASSWORD).login == "ops"


#: the accounts' table as chainmap kept it before one-time passwords
_OLD_ACCOUNTS = """
CREATE TABLE accounts (
    login_key TEXT PRIMARY KEY, login TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,
    regions TEXT NOT NULL DEFAULT '', enterprise TEXT, password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL, disabled_at TEXT, failures INTEGER NOT NULL DEFAULT 0,
    last_failure_at TEXT, locked_until TEXT
)
"""


def test_sqlite_accounts_without_the_mark_column_open_and_log_in(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    import_datasets([write_dataset(tmp_path / "data")], lambda: open_store(url, create=True))
    hashed = PasswordHasher().hash(PASSWORD)
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE accounts")
        db.execute(_OLD_ACCOUNTS)
        db.execute(
            "INSERT INTO accounts (login_key, login, name, role, regions, enterprise, "
            "password_hash, created_at) VALUES ('ops', 'Ops', '运维', 'admin', '', NULL, ?, ?)",
            (hashed, T0.isoformat()),
        )
    db.close()
    with open_store(url) as store:
        (row,) = accounts(store)
        assert row.login == "Ops" and row.must_change is False
        assert log_in(store, "ops", PASSWORD).role is Role.ADMIN
        create_account(store, "new", "admin", PASSWORD, must_change=True)
        assert _account(url, "new").must_change
    with sqlite3.connect(path) as db:
        marks = dict(db.execute("SELECT login_key, must_change FROM accounts").fetchall())
    db.close()
    assert marks == {"ops": 0, "new": 1}


def test_user_create_and_password_with_one_time(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'accounts.db'}"
    import_datasets([write_dataset(tmp_path / "data")], lambda: open_store(store, create=True))
    first = ["create", "--login", "ops", "--role", "admin", "--password-stdin", "--one-time"]
    assert _user(store, *first, password=PASSWORD).exit_code == 0
    rows = json.loads(_user(store, "list", "--format", "json").stdout)
    assert [(r["login"], r["must_change"]) for r in rows] == [("ops", True)]
    assert "one-time" in _user(store, "list").stdout
    lasting = _user(store, "password", "--login", "ops", "--password-stdin", password=PASSWORD)
    assert lasting.exit_code == 0
    assert json.loads(_user(store, "list", "--format", "json").stdout)[0]["must_change"] is False
    again = ["password", "--login", "ops", "--password-stdin", "--one-time"]
    assert _user(store, *again, password=PASSWORD).exit_code == 0
    assert json.loads(_user(store, "list", "--format", "json").stdout)[0]["must_change"] is True
    with open_store(store) as opened:
        assert log_in(opened, "ops", PASSWORD).login == "ops"


# -- enabling a disabled account again --------------------------------------------------------


def test_a_disabled_account_is_enabled_again_with_its_password_and_no_lock(url: str) -> None:
    from chainmap.accounts import enable_account

    with open_store(url) as store:
        create_account(store, "Zhang.Wei", "regulator", PASSWORD, regions=["3205"])
        with pytest.raises(NotFound, match="no disabled account"):
            enable_account(store, "zhang.wei")  # enabled already
        disable_account(store, "zhang.wei")
        # attempts while disabled count, and would lock it
        for _ in range(LOCK_AFTER + 1):
            with pytest.raises(LoginRefused):
                log_in(store, "zhang.wei", PASSWORD, now=T0)
    locked = _account(url, "Zhang.Wei")
    assert locked.failures == LOCK_AFTER + 1 and locked.locked_until is not None
    with open_store(url) as store:
        enable_account(store, "ZHANG.WEI")
    enabled = _account(url, "Zhang.Wei")
    assert enabled.disabled_at is None and enabled.failures == 0 and enabled.locked_until is None
    assert enabled.last_failure_at is not None  # kept for the administrator to see
    with open_store(url) as store:
        assert log_in(store, "zhang.wei", PASSWORD, now=T0).login == "Zhang.Wei"
        with pytest.raises(NotFound, match="no disabled account"):
            enable_account(store, "zhang.wei")
        with pytest.raises(NotFound):
            enable_account(store, "nobody")


def test_user_enable(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'accounts.db'}"
    import_datasets([write_dataset(tmp_path / "data")], lambda: open_store(store, create=True))
    made = ["create", "--login", "ops", "--role", "admin", "--password-stdin"]
    assert _user(store, *made, password=PASSWORD).exit_code == 0
    assert _user(store, "disable", "--login", "ops").exit_code == 0
    enabled = _user(store, "enable", "--login", "OPS")
    assert enabled.exit_code == 0 and "enabled OPS" in enabled.stderr, enabled.output
    with open_store(store) as opened:
        assert log_in(opened, "ops", PASSWORD).role is Role.ADMIN
    again = _user(store, "enable", "--login", "ops")
    assert again.exit_code == 4 and "no disabled account" in again.output
    assert _user(store, "enable", "--help").exit_code == 0


def test_generated_passwords_follow_the_rules_and_differ() -> None:
    from chainmap.accounts import generate_password

    made = {generate_password() for _ in range(50)}
    assert len(made) == 50
    assert all(len(p) >= MIN_PASSWORD and p.isprintable() and " " not in p for p in made)
