"""Who may see what: roles, API tokens and the principal a token stands for.

A token is 32 random bytes, URL-safe, prefixed ``cm_``; it is shown once, when created, and the
store keeps only its SHA-256 digest (a token is random enough that a plain digest cannot be
reversed by guessing). A request presents it as ``Authorization: Bearer <token>``. A token
expires (by default :data:`DEFAULT_DAYS` days after it is made) and can be revoked before;
either way it is refused from then on. Tokens made before tokens expired last until revoked.
People log in to accounts instead (:mod:`chainmap.accounts`): an account stands for the same
:class:`Principal`, under the same roles and :func:`bounds`.

Roles (deny by default; the HTTP API checks them, see docs/api.md):

- ``admin``: everything;
- ``regulator`` (region prefixes): firm-level data of firms located in its regions, chain-wide
  aggregates, imports of rows in its regions;
- ``leader`` (one USCC): its own supplier tiers and direct customers, weak links and plans
  computed on that tree only;
- ``analyst`` (region prefixes): read-only weak-link queries, segment views, what-if and
  aggregates within its regions.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from chainmap.errors import ConfigError, NotFound, RuleViolation
from chainmap.models import clean_text
from chainmap.records import Table, TokenRow
from chainmap.rules import is_valid_uscc
from chainmap.rules.regions import validate_region_prefix
from chainmap.store import Store

__all__ = [
    "DEFAULT_DAYS",
    "MAX_DAYS",
    "Principal",
    "Role",
    "authenticate",
    "bounds",
    "digest",
    "expired",
    "issue_token",
    "revoke_token",
]

_PREFIX = "cm_"
#: days a token lasts unless told otherwise, and at most
DEFAULT_DAYS = 90
MAX_DAYS = 3650


class Role(StrEnum):
    ADMIN = "admin"
    REGULATOR = "regulator"
    LEADER = "leader"
    ANALYST = "analyst"


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller a valid token, or a person logged in to an account, stands for.

    ``token_id`` is the token's id (empty for a person); ``login`` the account's login (None for
    a token). Permissions look at the role and the bounds only, so both are checked alike.
    """

    token_id: str
    name: str
    role: Role
    regions: tuple[str, ...] = ()
    enterprise: str | None = None
    login: str | None = None

    def in_regions(self, region_code: str) -> bool:
        """True when a firm located at ``region_code`` is within the caller's regions."""
        return any(region_code.startswith(prefix) for prefix in self.regions)


def digest(token: str) -> str:
    """The hex SHA-256 of a token: what the store keeps and looks tokens up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _expiry(expires_in: int | None, expires_on: date | None) -> str:
    """When a token made now stops working: after ``expires_in`` days, or at the end of the day
    ``expires_on`` (UTC); by default after :data:`DEFAULT_DAYS` days."""
    now = datetime.now(UTC)
    if expires_in is not None and expires_on is not None:
        raise ConfigError("give --expires-in or --expires-on, not both")
    if expires_on is not None:
        if expires_on < now.date():
            raise ConfigError(f"--expires-on {expires_on} is in the past; give a day from today")
        if expires_on > now.date() + timedelta(days=MAX_DAYS):
            raise ConfigError(f"--expires-on {expires_on}: a token lasts at most {MAX_DAYS} days")
        end = datetime.combine(expires_on + timedelta(days=1), time(), UTC)
    else:
        days = DEFAULT_DAYS if expires_in is None else expires_in
        if not 1 <= days <= MAX_DAYS:
            raise ConfigError(f"--expires-in {days}: give 1 to {MAX_DAYS} days")
        end = now.replace(microsecond=0) + timedelta(days=days)
    return end.isoformat(timespec="seconds")


def expired(row: TokenRow, now: datetime | None = None) -> bool:
    """True when the token's expiry has come (never for a token made without one)."""
    if row.expires_at is None:
        return False
    return datetime.fromisoformat(row.expires_at) <= (now or datetime.now(UTC))


def bounds(
    store: Store,
    role: str,
    regions: Iterable[str] | None = None,
    enterprise: str | None = None,
    *,
    holder: str = "token",
) -> tuple[Role, tuple[str, ...], str | None]:
    """The role, region prefixes and enterprise of a new token or account (``holder``), checked.

    Regulators and analysts need region prefixes (2, 4 or 6 digits, returned sorted without
    repeats) and no enterprise; a leader needs the USCC of a firm in the store and no regions;
    an admin neither.
    """
    try:
        chosen = Role(role)
    except ValueError:
        raise ConfigError(
            f"unknown role {role!r}: use one of {', '.join(r.value for r in Role)}"
        ) from None
    try:
        prefixes = tuple(sorted({validate_region_prefix(r) for r in regions or []}))
    except RuleViolation as error:
        raise ConfigError(f"--region: {error}") from None
    if chosen in (Role.REGULATOR, Role.ANALYST) and not prefixes:
        raise ConfigError(f"a {chosen} {holder} needs at least one --region")
    if chosen not in (Role.REGULATOR, Role.ANALYST) and prefixes:
        raise ConfigError(f"a {chosen} {holder} takes no --region")
    if chosen is Role.LEADER:
        if enterprise is None or not is_valid_uscc(enterprise.strip()):
            raise ConfigError(f"a leader {holder} needs --enterprise with the leader's valid USCC")
        enterprise = enterprise.strip().upper()
        if not store.existing(Table.ENTERPRISES, [enterprise]):
            raise NotFound(
                f"enterprise {enterprise} not found; import it before giving it a {holder}"
            )
    elif enterprise is not None:
        raise ConfigError(f"a {chosen} {holder} takes no --enterprise")
    return chosen, prefixes, enterprise


def issue_token(
    store: Store,
    role: str,
    name: str,
    regions: list[str] | None = None,
    enterprise: str | None = None,
    *,
    expires_in: int | None = None,
    expires_on: date | None = None,
) -> tuple[str, TokenRow]:
    """Create a token: returns it (shown once) and what the store keeps.

    Regulators and analysts need region prefixes (2, 4 or 6 digits) and no enterprise; a leader
    needs the USCC of a firm in the store and no regions; an admin neither. The token lasts
    ``expires_in`` days (default :data:`DEFAULT_DAYS`) or through the day ``expires_on`` (UTC).
    """
    try:
        label = clean_text(name.strip())
    except RuleViolation as error:
        raise ConfigError(f"--name {error}") from None
    if not label or len(label) > 100:
        raise ConfigError("a token needs a name of 1 to 100 characters (who or what uses it)")
    expires_at = _expiry(expires_in, expires_on)
    chosen, prefixes, enterprise = bounds(store, role, regions, enterprise)
    token = _PREFIX + secrets.token_urlsafe(32)
    row = TokenRow(
        token_id=uuid.uuid4().hex[:12],
        name=label,
        role=chosen.value,
        regions=prefixes,
        enterprise=enterprise,
        digest=digest(token),
        created_at=_now(),
        revoked_at=None,
        expires_at=expires_at,
    )
    store.add_token(row)
    return token, row


def authenticate(store: Store, token: str) -> Principal | None:
    """The principal of a token in force, or None (unknown, malformed, revoked or expired)."""
    if not token.startswith(_PREFIX) or len(token) > 200:
        return None
    row = store.token(digest(token))
    if row is None or expired(row):
        return None
    return Principal(row.token_id, row.name, Role(row.role), row.regions, row.enterprise)


def revoke_token(store: Store, token_id: str) -> None:
    """Revoke a token by its id (``chainmap token list`` shows them)."""
    if not store.revoke_token(token_id.strip(), _now()):
        raise NotFound(f"no token {token_id!r} in force; `chainmap token list` shows them")
