"""People's accounts for the web console: user create|list|disable|enable|password."""

from __future__ import annotations

import getpass
import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from chainmap.cli.base import (
    EnterpriseOption,
    OutputFormat,
    RoleOption,
    StoreOption,
    _Commands,
    _store_url,
    app,
    console,
    err_console,
    named_regions,
)
from chainmap.errors import ConfigError
from chainmap.store import open_store

if TYPE_CHECKING:
    from chainmap.records import AccountRow

user_app = typer.Typer(
    cls=_Commands,
    help="People's accounts for the web console (machines use `chainmap token`): create, list, "
    "disable, enable, password. A password is read from standard input (--password-stdin), "
    "never from the command line; it needs at least 10 characters and is kept only as an "
    "argon2id hash. After 5 failed logins in a row an account locks for 1 minute, doubling with "
    "each further failure up to 1 hour; a new password unlocks it.",
    short_help="People's accounts for the web console: create, list, disable, enable, password.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(user_app, name="user")

LoginOption = Annotated[
    str,
    typer.Option(
        "--login",
        help="The login: 1 to 64 printable characters without spaces, one whatever its case.",
        show_default=False,
    ),
]
PasswordStdinOption = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of standard input (typed unseen at a "
        "terminal). At least 10 characters, not the login.",
    ),
]
OneTimeOption = Annotated[
    bool,
    typer.Option(
        "--one-time",
        help="A one-time password: the person must choose a new one at the first login to the "
        "console, before any other page.",
    ),
]

#: what `user list` shows of an account: never its password hash
_SHOWN = (
    "login",
    "name",
    "role",
    "regions",
    "enterprise",
    "created_at",
    "disabled_at",
    "failures",
    "last_failure_at",
    "locked_until",
    "must_change",
)


def _state(row: AccountRow) -> str:
    """Disabled, locked, or how many logins failed in a row (blank when none)."""
    if row.disabled_at is not None:
        return f"disabled {row.disabled_at}"
    if row.must_change:
        return "one-time password (to change at the next login)" + (
            f", {row.failures} failed" if row.failures else ""
        )
    if row.locked_until is not None:
        return f"{row.failures} failed, locked until {row.locked_until}"
    return f"{row.failures} failed, last {row.last_failure_at}" if row.failures else ""


def _password(password_stdin: bool) -> str:
    """The password from standard input: its first line, without the line ending."""
    if not password_stdin:
        raise ConfigError(
            "give the password on standard input with --password-stdin "
            "(never on the command line, where other users and the shell's history see it)"
        )
    if sys.stdin.isatty():
        return getpass.getpass("password: ")
    line = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    if not line:
        raise ConfigError("--password-stdin: standard input holds no password")
    return line


@user_app.command("create")
def user_create(
    login: LoginOption,
    role: RoleOption,
    password_stdin: PasswordStdinOption = False,
    region: Annotated[
        list[str] | None,
        typer.Option(
            "--region",
            help="A region-code prefix the person may see (regulator, analyst); repeat for more.",
            show_default=False,
        ),
    ] = None,
    enterprise: EnterpriseOption = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name", help="Who the account is for. Default: the login.", show_default=False
        ),
    ] = None,
    one_time: OneTimeOption = False,
    store: StoreOption = None,
) -> None:
    """Create an account for a person. Regulators and analysts need --region, a leader
    --enterprise with the USCC of a firm in the store, an admin neither (the rules of tokens).
    With --one-time the person chooses a new password at the first login.

    `printf '%s\\n' "$PASSWORD" | chainmap user create --login zhang.wei --role regulator
    --region 3205 --name 苏州市市场监管局 --password-stdin`"""
    from chainmap.accounts import create_account

    password = _password(password_stdin)
    with open_store(_store_url(store)) as opened:
        row = create_account(
            opened,
            login,
            role,
            password,
            name=name,
            regions=region or (),
            enterprise=enterprise,
            must_change=one_time,
        )
    scope = named_regions(row.regions) or row.enterprise or "everything"
    err_console.print(
        f"account {escape(row.login)} ({row.role}: {scope}) for {escape(row.name)} created",
        highlight=False,
    )


@user_app.command("list")
def user_list(
    store: StoreOption = None,
    format: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = (
        OutputFormat.table
    ),
) -> None:
    """List the accounts (never a password or its hash): login, name, role, scope, created, and
    whether it is disabled or locked or how many logins failed in a row (json: every field)."""
    from chainmap.accounts import accounts

    with open_store(_store_url(store)) as opened:
        rows = accounts(opened)
    if format is OutputFormat.json:
        listed = [
            {f: list(r.regions) if f == "regions" else getattr(r, f) for f in _SHOWN} for r in rows
        ]
        sys.stdout.write(json.dumps(listed, ensure_ascii=False) + "\n")
        return
    table = RichTable(title="Accounts", caption=f"{len(rows)} account(s)")
    for column in ("login", "name", "role", "scope", "created", "state"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            escape(r.login),
            escape(r.name),
            r.role,
            named_regions(r.regions) or r.enterprise or "",
            r.created_at,
            _state(r),
        )
    console.print(table)


@user_app.command("disable")
def user_disable(login: LoginOption, store: StoreOption = None) -> None:
    """Disable an account: its logins are refused from then on."""
    from chainmap.accounts import disable_account

    with open_store(_store_url(store)) as opened:
        disable_account(opened, login)
    err_console.print(f"disabled {escape(login)}", highlight=False)


@user_app.command("enable")
def user_enable(login: LoginOption, store: StoreOption = None) -> None:
    """Enable a disabled account again, with the password it had; its failed logins and lock
    are cleared."""
    from chainmap.accounts import enable_account

    with open_store(_store_url(store)) as opened:
        enable_account(opened, login)
    err_console.print(f"enabled {escape(login)}", highlight=False)


@user_app.command("password")
def user_password(
    login: LoginOption,
    password_stdin: PasswordStdinOption = False,
    one_time: OneTimeOption = False,
    store: StoreOption = None,
) -> None:
    """Give an account a new password (read from standard input). This also clears its failed
    logins and unlocks it. With --one-time the person must change it at the next login."""
    from chainmap.accounts import set_password

    password = _password(password_stdin)
    with open_store(_store_url(store)) as opened:
        set_password(opened, login, password, must_change=one_time)
    said = " (one-time: to change at the next login)" if one_time else ""
    err_console.print(f"new password for {escape(login)}{said}", highlight=False)
