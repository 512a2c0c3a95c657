"""The store contract every back end (embedded SQLite, Neo4j) satisfies.

A store owns its connection. It writes validated rows in batches and reads plain records
(:class:`chainmap.records.Subgraph`); it never builds a graph and never sees a pydantic model.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Protocol, runtime_checkable

from chainmap.records import (
    AccountRow,
    BodyRow,
    ChainRow,
    EnterpriseRow,
    FirmQuery,
    Subgraph,
    Table,
    TableRows,
    TokenRow,
)

__all__ = ["STAT_KEYS", "Progress", "Store", "Waiting"]

Progress = Callable[[int], None]
#: hears why a write waits (another import holds the store, the server is away ...)
Waiting = Callable[[str], None]

#: the counts :meth:`Store.stats` returns, in this order
STAT_KEYS = (
    "enterprises",
    "supply_links",
    "certificates",
    "chains",
    "segments",
    "members",
    "bodies",
)


@runtime_checkable
class Store(Protocol):
    """Where chains, firms, supply links and certificates live."""

    url: str
    #: True when :meth:`write` keeps nothing unless all of it succeeds (one transaction), so it
    #: may start while the rows are still being validated
    atomic: bool

    def write(
        self,
        rows: TableRows,
        progress: Progress | None = None,
        batch_size: int = 5000,
        *,
        on_wait: Waiting | None = None,
    ) -> dict[Table, int]:
        """Upsert validated rows on their natural keys, ``batch_size`` rows a statement batch;
        return rows written per table. ``on_wait`` is told when the write has to wait."""
        ...

    def existing(self, table: Table, keys: Collection[str]) -> set[str]:
        """The subset of ``keys`` held in ``table`` (segments keyed ``chain_id\\tsegment_id``)."""
        ...

    def bodies(self) -> list[BodyRow]:
        """Every certification body."""
        ...

    def stats(self) -> dict[str, int]:
        """Row counts under the names of :data:`STAT_KEYS`."""
        ...

    def chains(self) -> list[ChainRow]:
        """Every chain, ordered by id."""
        ...

    def chain(self, chain_id: str) -> Subgraph:
        """A chain: its segments, leaders, member firms, supply links among them, certificates."""
        ...

    def supplier_tiers(self, leader: str, depth: int) -> Subgraph:
        """A firm's suppliers up to ``depth`` tiers and its direct customers, with ``tiers`` set,
        the chains the firm leads (``leaders``) and the segments of the chains they belong to."""
        ...

    def region(self, prefix: str) -> Subgraph:
        """Firms whose region code starts with ``prefix``, their links, memberships, and the
        chains they belong to with those chains' segments and feeds."""
        ...

    def generation(self) -> int:
        """How many imports the store has taken (0 for none): a cache of results computed from
        the data is good while this stays the same."""
        ...

    def search_enterprises(self, query: FirmQuery) -> tuple[list[EnterpriseRow], int]:
        """The firms matching ``query``, by USCC, one page of them, and how many match in all."""
        ...

    def add_token(self, token: TokenRow) -> None:
        """Keep an API token (its digest); the token id and the digest are new."""
        ...

    def token(self, digest: str) -> TokenRow | None:
        """The token with this digest that is not revoked, if any."""
        ...

    def tokens(self) -> list[TokenRow]:
        """Every token, revoked ones too, oldest first."""
        ...

    def revoke_token(self, token_id: str, when: str) -> bool:
        """Revoke a token at ``when`` (ISO timestamp); False when no such token is in force."""
        ...

    def add_account(self, account: AccountRow) -> bool:
        """Keep a new account; False (and nothing kept) when its ``login_key`` is taken."""
        ...

    def account(self, login_key: str) -> AccountRow | None:
        """The account with this normalised login, disabled or not, if any."""
        ...

    def accounts(self) -> list[AccountRow]:
        """Every account, disabled ones too, by login."""
        ...

    def set_account_password(
        self, login_key: str, password_hash: str, must_change: bool = False
    ) -> bool:
        """Replace an account's password hash, mark whether the person must change it at the
        next login (a one-time password), and clear its failed logins and lock; False when
        there is no such account."""
        ...

    def disable_account(self, login_key: str, when: str) -> bool:
        """Disable an account at ``when`` (ISO timestamp); False when no such account is enabled."""
        ...

    def enable_account(self, login_key: str) -> bool:
        """Enable a disabled account again, its failed logins and lock cleared; False when no
        such account is disabled."""
        ...

    def account_failed(self, login_key: str, when: str) -> int:
        """Count a failed login at ``when`` in one atomic step and return the account's
        consecutive failures; 0, with nothing written, when there is no such account."""
        ...

    def lock_account(self, login_key: str, until: str) -> None:
        """Refuse the account's logins until ``until`` (ISO timestamp, UTC), unless it is
        locked until later already."""
        ...

    def account_succeeded(self, login_key: str) -> None:
        """Clear an account's count of failed logins and its lock after a login."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...
