"""The Neo4j store, for a province's or the nation's data: the same contract as the embedded store.

Every statement is a reviewed file in ``cypher/`` (:func:`chainmap.store.cypher.query`); values travel as
``$parameters``. Reads and writes go through the driver's managed transactions
(``execute_query`` with routing), so the same code works against a ``neo4j://`` cluster and
retries transient failures.

An import writes in batches, each its own transaction, table by table (bodies, firms, chains,
leaders, segments, feeds, members, supply, certificates), and only after the whole import passed
validation; the big tables of a one-dataset import from several threads (see ``_HOT``).
A crash part-way leaves the batches committed so far: every firm, chain or link they
hold is complete and correct, the others are missing, and a chain whose leaders (or a segment
whose feeds) were being replaced may have lost its old list without the new one yet. Running the
same import again completes it: what is already there is found by its natural key and updated
(MERGE), only what is missing is created (see ``_New``), so nothing is doubled.

A server that cannot be reached is reported within seconds (``CONNECT_SECONDS``: a refused
connection at once, one that accepts and never answers when the wait runs out), as
:class:`~chainmap.errors.StoreUnavailable`. A statement that fails for a passing reason (a
deadlock, a leader changing, a lost connection) is retried for up to ``retry_seconds``; a
server that stays away ends an import with a message saying how much was written and that
running the same import again completes it.
"""

from __future__ import annotations

import logging
import zlib
from collections import deque
from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from operator import itemgetter
from typing import Any, LiteralString

from neo4j import Driver, GraphDatabase, NotificationMinimumSeverity, Record, RoutingControl
from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)
from neo4j.time import Date

from chainmap.enums import CertStatus
from chainmap.errors import NotFound, SchemaVersionError, StoreError, StoreUnavailable
from chainmap.records import (
    AccountRow,
    BodyRow,
    CertificateRow,
    ChainRow,
    EnterpriseRow,
    FeedRow,
    FirmQuery,
    LeaderRow,
    MemberRow,
    SegmentRow,
    Subgraph,
    SupplyRow,
    Table,
    TableRows,
    TokenRow,
)
from chainmap.store.base import STAT_KEYS, Progress, Waiting
from chainmap.store.cypher import query

__all__ = ["CONNECT_SECONDS", "RETRY_SECONDS", "SCHEMA_VERSION", "Neo4jStore"]

#: how long opening a connection may take: connecting, the Bolt handshake, signing in
CONNECT_SECONDS = 5.0
#: how long a statement that failed for a passing reason is retried (the driver's default is 30)
RETRY_SECONDS = 15.0

# The driver logs each retry as a warning, which without a logging set-up reached the user as a
# stream of lines before any message of ours: an application that wants them configures logging.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

#: the version of the form the data is stored in, kept in the database; an older database is
#: upgraded when a store opens it (see ``_upgrade``)
SCHEMA_VERSION = 2
_VERSION_KEY = "schema_version"
#: status words of version 1 and what they are now (ISO/IEC 17021-1: 撤销 withdrawn, 注销 cancelled)
_RENAMED_FROM_1 = {"withdrawn": "cancelled", "revoked": "withdrawn"}

_SCHEMA = (
    "schema_meta_key",
    "schema_enterprise_uscc",
    "schema_enterprise_region",
    "schema_chain_id",
    "schema_segment_key",
    "schema_certificate_no",
    "schema_body_id",
    "schema_region_code",
    "schema_token_id",
    "schema_token_digest",
    "schema_account_login",
)
_UPSERT = {
    Table.BODIES: "upsert_bodies",
    Table.ENTERPRISES: "upsert_enterprises",
    Table.CHAINS: "upsert_chains",
    Table.LEADERS: "upsert_leaders",
    Table.SEGMENTS: "upsert_segments",
    Table.FEEDS: "upsert_feeds",
    Table.MEMBERS: "upsert_members",
    Table.SUPPLY: "upsert_supply",
    Table.CERTIFICATES: "upsert_certificates",
}
# Rows new to the store go through CREATE statements, which skip MERGE's look-ups and locks on
# both ends of each relationship (supply links are about a third faster to write; see _New).
_CREATE = {
    Table.ENTERPRISES: "create_enterprises",
    Table.MEMBERS: "create_members",
    Table.SUPPLY: "create_supply",
    Table.CERTIFICATES: "create_certificates",
}
_EXISTING = {
    Table.ENTERPRISES: "existing_enterprises",
    Table.CHAINS: "existing_chains",
    Table.BODIES: "existing_bodies",
    Table.CERTIFICATES: "existing_certificates",
}
_KEYS_PER_QUERY = 10_000

# Writing a table from several threads: each thread owns the rows of some values of the table's
# hot column (the nodes many rows link to: a customer, a region, a segment, a body), so no two
# transactions fight over those nodes, and writes its batches with rows in firm order, so the
# locks they share are taken in one order. Neo4j can still report a deadlock on a dense node's
# relationship group; the driver retries the transaction (managed transactions).
_HOT: dict[Table, str] = {
    Table.ENTERPRISES: "region_code",
    Table.MEMBERS: "segment_id",
    Table.SUPPLY: "customer",
    Table.CERTIFICATES: "body_id",
}
_ORDER: dict[Table, str] = {
    Table.ENTERPRISES: "uscc",
    Table.MEMBERS: "uscc",
    Table.SUPPLY: "supplier",
    Table.CERTIFICATES: "uscc",
}


def _certificate(values: list[Any]) -> CertificateRow:
    # issued_on, expires_on, last_audit_on, status_since: the driver's Date -> datetime.date
    for i in (6, 7, 10, 11):
        if isinstance(values[i], Date):
            values[i] = values[i].to_native()
    return CertificateRow(*values)


def _segment_maps(keys: Iterable[str]) -> list[dict[str, str]]:
    """Segment keys ``chain_id\tsegment_id`` as the maps the statements take."""
    return [dict(zip(("chain_id", "segment_id"), k.split("\t"), strict=True)) for k in keys]


def _chunks(keys: Sequence[Any]) -> Iterable[Sequence[Any]]:
    return (keys[i : i + _KEYS_PER_QUERY] for i in range(0, len(keys), _KEYS_PER_QUERY))


class _New:
    """Splits an import's batches into rows new to the store and rows that update it.

    Only for imports in which no key repeats. A firm or certificate is new when the store does
    not hold its key just before its batch is written; a membership or supply link is new when
    one of its firms was created by this import, since no link to a firm can predate it. A
    re-run after a crash finds the firms written so far and updates them instead, and two
    imports racing to create one firm or certificate are stopped by the uniqueness constraint.
    """

    def __init__(self, store: Neo4jStore) -> None:
        self._store = store
        self._created: set[str] = set()  # firms this import created

    def __call__(self, table: Table, batch: Sequence[Any]) -> tuple[list[Any], list[Any]]:
        new: list[Any] = []
        old: list[Any] = []
        if table is Table.ENTERPRISES or table is Table.CERTIFICATES:
            held = self._store.existing(table, {row[0] for row in batch})
            for row in batch:
                (old if row[0] in held else new).append(row)
            if table is Table.ENTERPRISES:
                self._created.update(row.uscc for row in new)
        elif table is Table.MEMBERS:
            for row in batch:
                (new if row.uscc in self._created else old).append(row)
        elif table is Table.SUPPLY:
            created = self._created
            for row in batch:
                (new if row.supplier in created or row.customer in created else old).append(row)
        else:
            old = list(batch)
        return new, old


class _Writers:
    """Threads that each write one share of a table's rows, one transaction at a time.

    With one thread it still pays: the next batch is made ready while the server writes one.
    """

    def __init__(self, store: Neo4jStore, count: int, hot: str = "", order: str = "") -> None:
        self._store, self._hot, self._order = store, hot, order
        self._pools = [
            ThreadPoolExecutor(1, thread_name_prefix="neo4j-write") for _ in range(count)
        ]
        self._pending: list[deque[Future[None]]] = [deque() for _ in range(count)]
        self._shares: dict[tuple[str, int], list[dict[str, Any]]] = {}

    def send(self, share: int, statement: str, rows: list[dict[str, Any]]) -> None:
        """Queue one transaction for writer ``share``; waits while it has two queued."""
        pending = self._pending[share]
        while len(pending) >= 2:
            pending.popleft().result()
        pending.append(self._pools[share].submit(self._store._write, statement, rows=rows))

    def spread(self, statement: str, records: Iterable[dict[str, Any]], size: int) -> None:
        """Deal rows to the writers by their hot column; send each share when it is full."""
        count = len(self._pending)
        for record in records:
            key = (statement, zlib.crc32(str(record[self._hot]).encode()) % count)
            share = self._shares.setdefault(key, [])
            share.append(record)
            if len(share) >= size:
                self._flush(key)

    def _flush(self, key: tuple[str, int]) -> None:
        rows = sorted(self._shares.pop(key), key=itemgetter(self._order))
        self.send(key[1], key[0], rows)

    def __enter__(self) -> _Writers:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if exc[0] is None:  # on an error, what is queued is dropped: nothing more is written
                for key in list(self._shares):
                    self._flush(key)
                for pending in self._pending:
                    while pending:
                        pending.popleft().result()
        finally:
            for pool in self._pools:
                pool.shutdown(wait=True, cancel_futures=True)


def _to_token(record: Record) -> TokenRow:
    values = dict(record)
    values["regions"] = tuple(values["regions"] or ())
    return TokenRow(**values)


def _to_account(record: Record) -> AccountRow:
    values = dict(record)
    values["regions"] = tuple(values["regions"] or ())
    values["failures"] = int(values["failures"] or 0)
    values["must_change"] = bool(values.get("must_change"))  # absent on older accounts
    return AccountRow(**values)


class Neo4jStore:
    """A store in a Neo4j database. Use as a context manager, or call :meth:`close`."""

    atomic = False

    def __init__(
        self,
        url: str,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        writers: int = 2,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.url = url
        self._database = database or "neo4j"
        self._writers = max(1, writers)
        try:
            self._driver: Driver = GraphDatabase.driver(
                url,
                auth=(user, password or "") if user else None,
                # the server's hints ("label does not exist" on an empty database ...) would
                # otherwise reach the user as log warnings on every read
                notifications_min_severity=NotificationMinimumSeverity.OFF,
                # the driver waits 60 s by default for a server that accepts and never answers
                connection_timeout=CONNECT_SECONDS,
                connection_acquisition_timeout=CONNECT_SECONDS,
                max_transaction_retry_time=retry_seconds,
            )
        except (ConfigurationError, ValueError) as error:
            raise StoreUnavailable(f"{url} is not a usable Neo4j address: {error}") from None
        try:
            self._driver.verify_connectivity()
        except AuthError:
            self._driver.close()
            raise StoreUnavailable(
                f"Neo4j at {url} refused the credentials; set NEO4J_USER and NEO4J_PASSWORD"
            ) from None
        except (ServiceUnavailable, DriverError, Neo4jError, OSError) as error:
            self._driver.close()
            raise StoreUnavailable(
                f"cannot reach Neo4j at {url} ({error}); start it (docker compose up -d) "
                "or point --store / CHAINMAP_STORE elsewhere"
            ) from None
        try:
            self._upgrade()
        except BaseException:
            self._driver.close()
            raise

    def _upgrade(self) -> None:
        """Bring a database written by an earlier chainmap to :data:`SCHEMA_VERSION`."""
        (record,) = self._read("schema_version", key=_VERSION_KEY)
        found = record["version"]
        if found is not None and int(found) > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"the Neo4j database at {self.url} has schema version {found}; this chainmap "
                f"uses {SCHEMA_VERSION}: use the chainmap that wrote it, or a new database"
            )
        if found is None or int(found) < SCHEMA_VERSION:
            self._write("schema_meta_key")
            self._write(
                "upgrade_status_words",
                key=_VERSION_KEY,
                version=SCHEMA_VERSION,
                old=1,
                renamed=_RENAMED_FROM_1,
            )

    # -- plumbing ---------------------------------------------------------------------------

    def _run(self, name: str, routing: RoutingControl, /, **parameters: Any) -> list[Record]:
        statement: LiteralString = query(name)
        try:
            records, _, _ = self._driver.execute_query(
                statement, parameters_=parameters, database_=self._database, routing_=routing
            )
        except (ServiceUnavailable, SessionExpired) as error:
            raise StoreUnavailable(
                f"lost Neo4j at {self.url} ({error}); it stopped or cannot be reached: "
                "start it again or check the network"
            ) from None
        except (Neo4jError, DriverError) as error:
            raise StoreError(f"Neo4j at {self.url} failed on {name}: {error}") from None
        return records

    def _read(self, name: str, /, **parameters: Any) -> list[Record]:
        return self._run(name, RoutingControl.READ, **parameters)

    def _write(self, name: str, /, **parameters: Any) -> None:
        self._run(name, RoutingControl.WRITE, **parameters)

    def _collected(self, name: str, /, **parameters: Any) -> list[Any]:
        """The list a statement returns in its one record (``RETURN collect(...) AS x``)."""
        (record,) = self._read(name, **parameters)
        rows: list[Any] = record[0]
        return rows

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._driver.close()

    def erase_everything(self) -> None:
        """Delete every node and relationship of the database (tests, fresh demo stores)."""
        statement: LiteralString = query("erase_everything")
        # CALL ... IN TRANSACTIONS needs an auto-commit transaction, so no execute_query here
        with self._driver.session(database=self._database) as session:
            session.run(statement).consume()

    # -- writes -----------------------------------------------------------------------------

    def write(
        self,
        rows: TableRows,
        progress: Progress | None = None,
        batch_size: int = 5000,
        *,
        on_wait: Waiting | None = None,
    ) -> dict[Table, int]:
        """Upsert every table in batches of ``batch_size``, each batch its own transaction. The
        generation goes up before the first batch and after the last, so no cache keeps what
        a write that stopped part-way left, nor what was read while it ran."""
        try:
            return self._write_all(rows, progress, batch_size)
        except StoreUnavailable as error:
            raise StoreUnavailable(
                f"{error}. The import stopped part-way: the rows written are whole, and running "
                "the same import again once Neo4j is back completes it"
            ) from None

    def _write_all(
        self, rows: TableRows, progress: Progress | None, batch_size: int
    ) -> dict[Table, int]:
        for name in _SCHEMA:
            self._write(name)
        # an emptied database has lost its version: what is written now is of this one
        self._write("mark_schema_version", key=_VERSION_KEY, version=SCHEMA_VERSION)
        self._write("bump_generation", key="generation")
        written = dict.fromkeys(Table, 0)
        # when no key repeats in the import, rows new to the store are created without MERGE
        split = _New(self) if rows.keys_unique else None
        for table in Table:
            replaced = rows.replaces(table)
            if table is Table.LEADERS:
                for ids in _chunks(replaced):
                    self._write("clear_leaders", chain_ids=list(ids))
            elif table is Table.FEEDS:
                for keys in _chunks(replaced):
                    self._write("clear_feeds", segments=_segment_maps(keys))
            # several writers only when no key repeats in the table: then order does not matter
            parallel = self._writers > 1 and rows.keys_unique and table in _HOT
            with _Writers(
                self,
                self._writers if parallel else 1,
                _HOT.get(table, ""),
                _ORDER.get(table, ""),
            ) as writers:
                for batch in rows.batches(table, batch_size):
                    new, old = split(table, batch) if split else ([], batch)
                    for statement, part in ((_CREATE.get(table, ""), new), (_UPSERT[table], old)):
                        if not part:
                            continue
                        if parallel:
                            writers.spread(statement, (row._asdict() for row in part), batch_size)
                        else:
                            writers.send(0, statement, [row._asdict() for row in part])
                    written[table] += len(batch)
                    if progress is not None:
                        progress(len(batch))
        rows.settle()
        self._write("bump_generation", key="generation")
        return written

    def generation(self) -> int:
        (record,) = self._read("generation", key="generation")
        return int(record["generation"])

    # -- reads ------------------------------------------------------------------------------

    def existing(self, table: Table, keys: Collection[str]) -> set[str]:
        ordered = sorted(keys)
        found: set[str] = set()
        if table is Table.SEGMENTS:
            for chunk in _chunks(ordered):
                records = self._read("existing_segments", keys=_segment_maps(chunk))
                found.update(f"{r['chain_id']}\t{r['segment_id']}" for r in records)
            return found
        for chunk in _chunks(ordered):
            found.update(r["key"] for r in self._read(_EXISTING[table], keys=list(chunk)))
        return found

    def search_enterprises(self, query: FirmQuery) -> tuple[list[EnterpriseRow], int]:
        (record,) = self._read(
            "search_enterprises",
            text=query.text,
            within_regions=None if query.within_regions is None else list(query.within_regions),
            within=None if query.within is None else list(query.within),
            region=query.region,
            industry=query.industry,
            sizes=None if query.sizes is None else list(query.sizes),
            certified=query.certified,
            valid=CertStatus.VALID.value,
            unknown=CertStatus.UNKNOWN.value,
            on=query.on or date.today(),
            offset=query.offset,
            limit=query.limit,
        )
        return [EnterpriseRow(*row) for row in record["rows"]], int(record["total"])

    # -- API tokens ---------------------------------------------------------------------------

    def add_token(self, token: TokenRow) -> None:
        values = token._asdict()
        values["regions"] = list(token.regions)
        self._write("create_token", **values)

    def token(self, digest: str) -> TokenRow | None:
        found = self._read("token_by_digest", digest=digest)
        return _to_token(found[0]) if found else None

    def tokens(self) -> list[TokenRow]:
        return [_to_token(r) for r in self._read("tokens")]

    def revoke_token(self, token_id: str, when: str) -> bool:
        (record,) = self._run("revoke_token", RoutingControl.WRITE, token_id=token_id, when=when)
        return int(record["revoked"]) == 1

    # -- people's accounts ------------------------------------------------------------------

    def add_account(self, account: AccountRow) -> bool:
        # an account may come before any import, which makes the constraints
        self._write("schema_account_login")
        values = account._asdict()
        values["regions"] = list(account.regions)
        (record,) = self._run("create_account", RoutingControl.WRITE, **values)
        return bool(record["created"])

    def account(self, login_key: str) -> AccountRow | None:
        found = self._read("account_by_login", login_key=login_key)
        return _to_account(found[0]) if found else None

    def accounts(self) -> list[AccountRow]:
        return [_to_account(r) for r in self._read("accounts")]

    def set_account_password(
        self, login_key: str, password_hash: str, must_change: bool = False
    ) -> bool:
        (record,) = self._run(
            "set_account_password",
            RoutingControl.WRITE,
            login_key=login_key,
            password_hash=password_hash,
            must_change=must_change,
        )
        return int(record["changed"]) == 1

    def disable_account(self, login_key: str, when: str) -> bool:
        (record,) = self._run(
            "disable_account", RoutingControl.WRITE, login_key=login_key, when=when
        )
        return int(record["disabled"]) == 1

    def enable_account(self, login_key: str) -> bool:
        (record,) = self._run("enable_account", RoutingControl.WRITE, login_key=login_key)
        return int(record["enabled"]) == 1

    def account_failed(self, login_key: str, when: str) -> int:
        found = self._run("account_failed", RoutingControl.WRITE, login_key=login_key, when=when)
        return int(found[0]["failures"]) if found else 0

    def lock_account(self, login_key: str, until: str) -> None:
        self._write("lock_account", login_key=login_key, until=until)

    def account_succeeded(self, login_key: str) -> None:
        self._write("account_succeeded", login_key=login_key)

    def bodies(self) -> list[BodyRow]:
        return [BodyRow(*r.values()) for r in self._read("bodies")]

    def stats(self) -> dict[str, int]:
        (record,) = self._read("stats")
        return {key: int(record[key]) for key in STAT_KEYS}

    def chains(self) -> list[ChainRow]:
        return [ChainRow(*r.values()) for r in self._read("chains")]

    def _firms(self, usccs: Iterable[str]) -> Subgraph:
        """Enterprises, links among them, certificates and memberships (in any chain) of firms."""
        firms = sorted(set(usccs))
        inside = set(firms)
        # the four reads are independent: two at a time keep both the server and the client busy
        with ThreadPoolExecutor(2, thread_name_prefix="neo4j-read") as pool:
            enterprises = pool.submit(self._collected, "firm_enterprises", usccs=firms)
            supply = pool.submit(self._collected, "firm_supply", usccs=firms)
            certificates = pool.submit(self._collected, "firm_certificates", usccs=firms)
            members = pool.submit(self._collected, "firm_members", usccs=firms)
            return Subgraph(
                enterprises=[EnterpriseRow(*r) for r in enterprises.result()],
                supply=[SupplyRow(*r) for r in supply.result() if r[1] in inside],
                certificates=[_certificate(r) for r in certificates.result()],
                members=[MemberRow(*r) for r in members.result()],
            )

    def chain(self, chain_id: str) -> Subgraph:
        chain = self._read("chain", chain_id=chain_id)
        if not chain:
            raise NotFound(f"chain {chain_id!r} not found; `chainmap stats` lists the chains")
        sub = self._firms(self._collected("chain_firms", chain_id=chain_id))
        sub.chains = [ChainRow(*r.values()) for r in chain]
        sub.leaders = [
            LeaderRow(*r.values()) for r in self._read("chain_leaders", chain_id=chain_id)
        ]
        sub.segments = [
            SegmentRow(*r.values()) for r in self._read("chain_segments", chain_id=chain_id)
        ]
        sub.feeds = [FeedRow(*r.values()) for r in self._read("chain_feeds", chain_id=chain_id)]
        return sub

    def supplier_tiers(self, leader: str, depth: int) -> Subgraph:
        if not self._read("enterprise_exists", uscc=leader):
            raise NotFound(f"enterprise {leader} not found")
        # breadth first, one tier a query: each firm at its nearest tier
        tiers = {leader: 0}
        frontier = [leader]
        for tier in range(1, depth + 1):
            found = [r["uscc"] for r in self._read("suppliers_of", usccs=frontier)]
            frontier = sorted(u for u in set(found) if u not in tiers)
            if not frontier:
                break
            tiers.update(dict.fromkeys(frontier, tier))
        for record in self._read("customers_of", uscc=leader):
            tiers.setdefault(record["uscc"], -1)  # a firm both supplier and customer: supplier
        sub = self._firms(tiers)
        sub.tiers = tiers
        sub.leaders = [LeaderRow(*r.values()) for r in self._read("chains_led_by", uscc=leader)]
        chain_ids = sorted({m.chain_id for m in sub.members})
        sub.segments = [
            SegmentRow(*r.values()) for r in self._read("segments_of_chains", chain_ids=chain_ids)
        ]
        return sub

    def region(self, prefix: str) -> Subgraph:
        sub = self._firms(r["uscc"] for r in self._read("region_firms", prefix=prefix))
        chain_ids = sorted({m.chain_id for m in sub.members})
        sub.chains = [
            ChainRow(*r.values()) for r in self._read("chains_by_id", chain_ids=chain_ids)
        ]
        sub.segments = [
            SegmentRow(*r.values()) for r in self._read("segments_of_chains", chain_ids=chain_ids)
        ]
        sub.feeds = [
            FeedRow(*r.values()) for r in self._read("feeds_of_chains", chain_ids=chain_ids)
        ]
        return sub
