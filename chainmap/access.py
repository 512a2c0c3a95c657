"""Who may see what: roles, API tokens and the principal a token stands for.

A token is 32 random bytes, URL-safe, prefixed ``cm_``; it is shown once, when created, and the
store keeps only its SHA-256 digest (a token is random enough that a plain digest cannot be
reversed by guessing). A request presents it as ``Authorization: Bearer <token>``.

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
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from chainmap.errors import ConfigError, NotFound, RuleViolation
from chainmap.records import Table, TokenRow
from chainmap.rules import is_valid_uscc
from chainmap.rules.regions import validate_region_prefix
from chainmap.store import Store

__all__ = ["Principal", "Role", "authenticate", "digest", "issue_token", "revoke_token"]

_PREFIX = "cm_"


class Role(StrEnum):
    ADMIN = "admin"
    REGULATOR = "regulator"
    LEADER = "leader"
    ANALYST = "analyst"


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller a valid token stands for."""

    token_id: str
    name: str
    role: Role
    regions: tuple[str, ...] = ()
    enterprise: str | None = None

    def in_regions(self, region_code: str) -> bool:
        """True when a firm located at ``region_code`` is within the caller's regions."""
        return any(region_code.startswith(prefix) for prefix in self.regions)


def digest(token: str) -> str:
    """The hex SHA-256 of a token: what the store keeps and looks tokens up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def issue_token(
    store: Store,
    role: str,
    name: str,
    regions: list[str] | None = None,
    enterprise: str | None = None,
) -> tuple[str, TokenRow]:
    """Create a token: returns it (shown once) and what the store keeps.

    Regulators and analysts need region prefixes (2, 4 or 6 digits) and no enterprise; a leader
    needs the USCC of a firm in the store and no regions; an admin neither.
    """
    try:
        chosen = Role(role)
    except ValueError:
        raise ConfigError(
            f"unknown role {role!r}: use one of {', '.join(r.value for r in Role)}"
        ) from None
    label = name.strip()
    if not label or len(label) > 100:
        raise ConfigError("a token needs a name of 1 to 100 characters (who or what uses it)")
    try:
        prefixes = sorted({validate_region_prefix(r) for r in regions or []})
    except RuleViolation as error:
        raise ConfigError(f"--region: {error}") from None
    if chosen in (Role.REGULATOR, Role.ANALYST) and not prefixes:
        raise ConfigError(f"a {chosen} token needs at least one --region")
    if chosen not in (Role.REGULATOR, Role.ANALYST) and prefixes:
        raise ConfigError(f"a {chosen} token takes no --region")
    if chosen is Role.LEADER:
        if enterprise is None or not is_valid_uscc(enterprise.strip()):
            raise ConfigError("a leader token needs --enterprise with the leader's valid USCC")
        enterprise = enterprise.strip().upper()
        if not store.existing(Table.ENTERPRISES, [enterprise]):
            raise NotFound(f"enterprise {enterprise} not found; import it before giving it a token")
    elif enterprise is not None:
        raise ConfigError(f"a {chosen} token takes no --enterprise")
    token = _PREFIX + secrets.token_urlsafe(32)
    row = TokenRow(
        token_id=uuid.uuid4().hex[:12],
        name=label,
        role=chosen.value,
        regions=tuple(prefixes),
        enterprise=enterprise,
        digest=digest(token),
        created_at=_now(),
        revoked_at=None,
    )
    store.add_token(row)
    return token, row


def authenticate(store: Store, token: str) -> Principal | None:
    """The principal of a token in force, or None (unknown, malformed or revoked)."""
    if not token.startswith(_PREFIX) or len(token) > 200:
        return None
    row = store.token(digest(token))
    if row is None:
        return None
    return Principal(row.token_id, row.name, Role(row.role), row.regions, row.enterprise)


def revoke_token(store: Store, token_id: str) -> None:
    """Revoke a token by its id (``chainmap token list`` shows them)."""
    if not store.revoke_token(token_id.strip(), _now()):
        raise NotFound(f"no token {token_id!r} in force; `chainmap token list` shows them")
