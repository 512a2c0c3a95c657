"""People's accounts: a login and a password for the web console (machines keep API tokens).

An account has a login, a display name, a role with its bounds (the rules of tokens:
:func:`chainmap.access.bounds`), and a password that the store keeps only as an argon2id hash.
Logging in (:func:`log_in`) gives the same :class:`~chainmap.access.Principal` a token gives, so
the API's permission checks serve people and machines alike.

Logins are 1 to :data:`MAX_LOGIN` printable characters without spaces, unique whatever their
case: ``Zhang.Wei`` and ``zhang.wei`` are one login, and so are the full-width and half-width forms
an input method may type (NFKC).

Passwords are :data:`MIN_PASSWORD` to :data:`MAX_PASSWORD` characters, without control
characters, and not the login itself; they are NFKC-normalised before hashing, for the same
reason as logins. They are hashed with argon2id at argon2-cffi's defaults (RFC 9106's
low-memory profile: 64 MiB, 3 passes, 4 lanes), and rehashed at a successful login when those
defaults have grown since.

A refused login raises :class:`~chainmap.errors.LoginRefused`, one message whether the login is
unknown, the password wrong, or the account disabled or locked. Every refusal costs the same:
the password is checked against the account's hash, or against a dummy hash when there is no
such account, and the same statement counts the failure (for an unknown login it matches
nothing, so nothing is written).

Failed logins: each refusal adds one to the account's count of consecutive failures, attempts
while it is locked or disabled included. From the :data:`LOCK_AFTER`-th on, each failure locks
the account from that moment for :data:`FIRST_LOCK`, doubled for every further failure, at most
:data:`LONGEST_LOCK` (5th failure 1 min, 6th 2, 7th 4, 8th 8, 9th 16, 10th 32, from the 11th
60); while it is locked even the right password is refused. A successful login, or a new
password set by an administrator, clears the count and the lock; the time of the last failure
stays, for the administrator to see.

One-time passwords: an account made, or given a password, with ``must_change`` keeps that mark
until the person sets a password of their own (:func:`change_password`); the console sends a
person so marked to its password page before any other.

Disabling an account refuses its logins from then on (the console also ends its live sessions);
enabling it again (:func:`enable_account`) clears the failures counted meanwhile and the lock.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from chainmap.access import Principal, Role, bounds
from chainmap.errors import LoginRefused, NotFound, RuleViolation
from chainmap.models import clean_text
from chainmap.records import AccountRow
from chainmap.store import Store

__all__ = [
    "FIRST_LOCK",
    "LOCK_AFTER",
    "LONGEST_LOCK",
    "MAX_LOGIN",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "accounts",
    "change_password",
    "create_account",
    "disable_account",
    "enable_account",
    "generate_password",
    "lock_period",
    "log_in",
    "login_key",
    "set_password",
]

#: the longest login, in characters
MAX_LOGIN = 64
#: the shortest and the longest password, in characters
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
#: consecutive failed logins from which an account locks
LOCK_AFTER = 5
#: the lock after the LOCK_AFTER-th failure; each further failure doubles it, up to LONGEST_LOCK
FIRST_LOCK = timedelta(minutes=1)
LONGEST_LOCK = timedelta(hours=1)

#: text longer than this many times a limit is too long even after NFKC (which shrinks text to a
#: third at most), so it is cut there before normalising
_LONGEST_TEXT = 4

# argon2id at the library's defaults (RFC 9106, low memory), which grow with new releases
_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A hash no password matches, for checking logins that have no account: made once, with
    the parameters of every new hash, so such a check takes as long as a real one."""
    return _HASHER.hash(secrets.token_urlsafe(32))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds")


def _login(login: str) -> tuple[str, str]:
    """A login as kept (NFKC, without surrounding spaces) and its key (case-folded)."""
    shown = unicodedata.normalize("NFKC", login[: _LONGEST_TEXT * MAX_LOGIN + 1]).strip()
    if not 1 <= len(shown) <= MAX_LOGIN or any(c.isspace() or not c.isprintable() for c in shown):
        raise RuleViolation(
            "login_invalid",
            f"a login is 1 to {MAX_LOGIN} printable characters without spaces; "
            f"{login[:80]!r} is not",
            f"登录名须为 1 至 {MAX_LOGIN} 个可打印字符，不含空格；“{login[:80]}”不符合",
        )
    return shown, shown.casefold()


def login_key(login: str) -> str:
    """The key a login is unique by and looked up by: NFKC, without surrounding spaces,
    case-folded. Raises :class:`~chainmap.errors.RuleViolation` for a login that cannot be one.

    >>> login_key(" Zhang.Wei ")
    'zhang.wei'
    """
    return _login(login)[1]


def _password(password: str, key: str) -> str:
    """The password to hash (NFKC), after the rules of the module docstring."""
    secret = unicodedata.normalize("NFKC", password[: _LONGEST_TEXT * MAX_PASSWORD + 1])
    if len(secret) < MIN_PASSWORD:
        raise RuleViolation(
            "password_too_short",
            f"a password needs at least {MIN_PASSWORD} characters; this one has {len(secret)}. "
            "A few words in a row make a long password that is easy to remember",
            f"密码至少需要 {MIN_PASSWORD} 个字符，这个只有 {len(secret)} 个。"
            "几个词连在一起，既够长又好记",
        )
    if len(secret) > MAX_PASSWORD:
        raise RuleViolation(
            "password_too_long",
            f"a password has at most {MAX_PASSWORD} characters; this one is longer",
            f"密码最多 {MAX_PASSWORD} 个字符，这个超出了",
        )
    if not secret.isprintable():
        raise RuleViolation(
            "password_control_character",
            "a password may hold letters, digits, punctuation and spaces, but no control "
            "characters (line breaks, tabs)",
            "密码可以包含字母、数字、标点和空格，但不能包含换行、制表符等控制字符",
        )
    if secret.casefold() == key:
        raise RuleViolation(
            "password_is_login",
            "a password must not be the login; choose another",
            "密码不能与登录名相同，请另选一个",
        )
    return secret


def _name(name: str | None, login: str) -> str:
    label = clean_text((name or login).strip())
    if not 1 <= len(label) <= 100:
        raise RuleViolation(
            "account_name",
            "an account's name is 1 to 100 characters (the person or office it is for)",
            "账户名称须为 1 至 100 个字符（使用者或单位）",
        )
    return label


def lock_period(failures: int) -> timedelta | None:
    """How long an account locks after its ``failures``-th consecutive failed login; None
    below :data:`LOCK_AFTER`.

    >>> [lock_period(n) // timedelta(minutes=1) for n in (5, 6, 7, 11, 50)]
    [1, 2, 4, 60, 60]
    >>> lock_period(4) is None
    True
    """
    if failures < LOCK_AFTER:
        return None
    doublings: int = min(failures - LOCK_AFTER, 16)  # past the cap already; keeps it small
    period: timedelta = FIRST_LOCK * (1 << doublings)
    return min(period, LONGEST_LOCK)


def create_account(
    store: Store,
    login: str,
    role: str,
    password: str,
    *,
    name: str | None = None,
    regions: Iterable[str] = (),
    enterprise: str | None = None,
    must_change: bool = False,
) -> AccountRow:
    """Create an account for a person and return what the store keeps (the password only as
    its hash). With ``must_change`` the password is a one-time password: the console asks the
    person for a new one at the first login.

    ``name`` defaults to the login. Regulators and analysts need region prefixes, a leader the
    USCC of a firm in the store (the rules of tokens). A login taken already, whatever its case,
    is refused.
    """
    shown, key = _login(login)
    label = _name(name, shown)
    chosen, prefixes, leader = bounds(store, role, regions, enterprise, holder="account")
    taken = RuleViolation(
        "login_taken",
        f"the login {shown!r} is taken (logins are one whatever their case); choose another",
        f"登录名“{shown}”已被使用（不区分大小写），请另选一个",
    )
    if store.account(key) is not None:
        raise taken
    row = AccountRow(
        login_key=key,
        login=shown,
        name=label,
        role=chosen.value,
        regions=prefixes,
        enterprise=leader,
        password_hash=_HASHER.hash(_password(password, key)),
        created_at=_stamp(datetime.now(UTC)),
        disabled_at=None,
        must_change=must_change,
    )
    if not store.add_account(row):  # made meanwhile by someone else
        raise taken
    return row


def set_password(store: Store, login: str, password: str, *, must_change: bool = False) -> None:
    """Give an account a new password; this also clears its failed logins and lock. With
    ``must_change`` it is a one-time password, to be changed at the next login; without, the
    mark is cleared (the person chose it, or an administrator set a lasting one)."""
    _, key = _login(login)
    if not store.set_account_password(key, _HASHER.hash(_password(password, key)), must_change):
        raise NotFound(f"no account {login!r}; `chainmap user list` shows them")


def change_password(store: Store, login: str, current: str, new: str) -> None:
    """A person changes their own password: ``current`` is checked as a login checks it (a
    wrong one raises :class:`~chainmap.errors.LoginRefused` and counts as a failed login), and
    ``new`` must follow the rules and differ from it. Clears the one-time password mark."""
    log_in(store, login, current)
    _, key = _login(login)
    secret = _password(new, key)
    if secret == unicodedata.normalize("NFKC", current):
        raise RuleViolation(
            "password_unchanged",
            "the new password must differ from the current one",
            "新密码不能与当前密码相同",
        )
    if not store.set_account_password(key, _HASHER.hash(secret), False):
        raise NotFound(f"no account {login!r}; `chainmap user list` shows them")


def disable_account(store: Store, login: str) -> None:
    """Disable an account: its logins are refused from then on."""
    _, key = _login(login)
    if not store.disable_account(key, _stamp(datetime.now(UTC))):
        raise NotFound(f"no enabled account {login!r}; `chainmap user list` shows them")


def enable_account(store: Store, login: str) -> None:
    """Enable a disabled account again. Its failed logins and lock are cleared (those made
    while it was disabled would lock it at once); its password is the one it had."""
    _, key = _login(login)
    if not store.enable_account(key):
        raise NotFound(f"no disabled account {login!r}; `chainmap user list` shows them")


#: the characters of a generated password: no 0/O, 1/l/I, which are easily misread
_GENERATED = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(groups: int = 4) -> str:
    """A random password for an administrator to hand over (a one-time password, usually):
    ``groups`` groups of 4 characters joined by ``-``, about 23 bits of randomness a group.

    >>> len(generate_password()), generate_password().count("-")
    (19, 3)
    """
    return "-".join(
        "".join(secrets.choice(_GENERATED) for _ in range(4)) for _ in range(max(3, groups))
    )


def accounts(store: Store) -> list[AccountRow]:
    """Every account, disabled ones too, by login."""
    return store.accounts()


def log_in(store: Store, login: str, password: str, *, now: datetime | None = None) -> Principal:
    """The principal of the account whose login and password these are, or
    :class:`~chainmap.errors.LoginRefused` (see the module docstring for what a refusal costs
    and when an account locks). ``now`` is the time of the attempt (UTC when naive)."""
    when = now or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    dummy = _dummy_hash()
    try:
        key = login_key(login)
    except RuleViolation:
        key = ""  # no account has it
    row = store.account(key) if key else None
    # a longer password never matches: an empty one is checked instead, and a very long one is
    # not even normalised (NFKC shrinks text to a third at most)
    fits = len(password) <= _LONGEST_TEXT * MAX_PASSWORD
    secret = unicodedata.normalize("NFKC", password) if fits else ""
    fits = fits and len(secret) <= MAX_PASSWORD
    known = row is not None and fits
    stored = row.password_hash if row is not None and fits else dummy
    matched = _verify(stored, secret if fits else "") and known
    if (
        row is None
        or not matched
        or row.disabled_at is not None
        or (row.locked_until is not None and datetime.fromisoformat(row.locked_until) > when)
    ):
        period = lock_period(store.account_failed(key, _stamp(when)))
        if period is not None:
            store.lock_account(key, _stamp(when + period))
        raise LoginRefused()
    if _HASHER.check_needs_rehash(row.password_hash):
        # clears the failures too, and keeps a one-time password one
        store.set_account_password(key, _HASHER.hash(secret), row.must_change)
    else:
        store.account_succeeded(key)
    return Principal(
        token_id="",
        name=row.name,
        role=Role(row.role),
        regions=row.regions,
        enterprise=row.enterprise,
        login=row.login,
    )
