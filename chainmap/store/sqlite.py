"""The embedded store: one SQLite file, durable commits, parameters only.

Imports run in a single transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``): a failure or a crash
leaves the file as it was before. The journal is WAL with ``synchronous=FULL``, so a committed
import survives a power cut. Every statement is a constant; values travel as parameters.

Concurrent imports into one file take turns: the write lock is held only while rows are written
(validation runs before it), and an import that finds it taken waits, says so, and gives up
after ``lock_wait`` seconds with a :class:`~chainmap.errors.StoreError`. A new store is built in
a staging file of its own (``.NAME.PID-RANDOM.new``) and published with a link that never
replaces a file: when another import created the store meanwhile, the rows go into that one.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

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

__all__ = ["SCHEMA_VERSION", "SQLiteStore"]

SCHEMA_VERSION = 2

_UPSERT: dict[Table, str] = {
    Table.BODIES: "INSERT INTO bodies (body_id, name, approval_no) VALUES (?, ?, ?) "
    "ON CONFLICT (body_id) DO UPDATE SET name = excluded.name, approval_no = excluded.approval_no",
    Table.ENTERPRISES: "INSERT INTO enterprises (uscc, name, region_code, industry_code, employees, "
    "revenue, assets, size, size_source, maturity, flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (uscc) DO UPDATE SET name = excluded.name, region_code = excluded.region_code, "
    "industry_code = excluded.industry_code, employees = excluded.employees, "
    "revenue = excluded.revenue, assets = excluded.assets, size = excluded.size, "
    "size_source = excluded.size_source, maturity = excluded.maturity, flags = excluded.flags",
    Table.CHAINS: "INSERT INTO chains (chain_id, name, region_code) VALUES (?, ?, ?) "
    "ON CONFLICT (chain_id) DO UPDATE SET name = excluded.name, region_code = excluded.region_code",
    Table.LEADERS: "INSERT OR IGNORE INTO chain_leaders (chain_id, uscc) VALUES (?, ?)",
    Table.SEGMENTS: "INSERT INTO segments (chain_id, segment_id, name, stage) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (chain_id, segment_id) DO UPDATE SET name = excluded.name, stage = excluded.stage",
    Table.FEEDS: "INSERT OR IGNORE INTO segment_feeds (chain_id, from_segment, to_segment) "
    "VALUES (?, ?, ?)",
    Table.MEMBERS: "INSERT OR IGNORE INTO members (chain_id, segment_id, uscc) VALUES (?, ?, ?)",
    Table.SUPPLY: "INSERT INTO supply (supplier, customer, product, share, annual_value) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (supplier, customer, product) DO UPDATE SET "
    "share = excluded.share, annual_value = excluded.annual_value",
    Table.CERTIFICATES: "INSERT INTO certificates (cert_no, uscc, standard, standard_version, "
    "body_id, status, issued_on, expires_on, scope, grade, last_audit_on, status_since) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (cert_no) DO UPDATE SET uscc = excluded.uscc, standard = excluded.standard, "
    "standard_version = excluded.standard_version, body_id = excluded.body_id, "
    "status = excluded.status, issued_on = excluded.issued_on, expires_on = excluded.expires_on, "
    "scope = excluded.scope, grade = excluded.grade, last_audit_on = excluded.last_audit_on, "
    "status_since = excluded.status_since",
}

# Rows whose whole set an import replaces: a chain's leaders, a segment's feeds.
_CLEAR: dict[Table, str] = {
    Table.LEADERS: "DELETE FROM chain_leaders WHERE chain_id IN (SELECT value FROM json_each(?))",
    Table.FEEDS: "DELETE FROM segment_feeds WHERE chain_id || char(9) || from_segment IN "
    "(SELECT value FROM json_each(?))",
}

# Secondary indexes by table. A bulk load into a table drops them and builds them again at the
# end of the same transaction: one sorted build is several times cheaper than keeping an index
# up to date row by row in random order.
_INDEXES: dict[Table, tuple[tuple[str, str], ...]] = {  # (create, drop)
    Table.ENTERPRISES: (
        (
            "CREATE INDEX enterprises_region ON enterprises (region_code)",
            "DROP INDEX enterprises_region",
        ),
    ),
    Table.LEADERS: (
        (
            "CREATE INDEX chain_leaders_uscc ON chain_leaders (uscc)",
            "DROP INDEX chain_leaders_uscc",
        ),
    ),
    Table.MEMBERS: (("CREATE INDEX members_uscc ON members (uscc)", "DROP INDEX members_uscc"),),
    Table.SUPPLY: (
        ("CREATE INDEX supply_customer ON supply (customer)", "DROP INDEX supply_customer"),
    ),
    Table.CERTIFICATES: (
        (
            "CREATE INDEX certificates_uscc ON certificates (uscc)",
            "DROP INDEX certificates_uscc",
        ),
    ),
}
#: a load drops a table's indexes (to rebuild them at its end) once the rows it has written reach
#: this part of the rows the table held before it, and at least _BULK_ROWS
_BULK_SHARE = 0.5
_BULK_ROWS = 20_000
_ROWS_OF = {
    Table.ENTERPRISES: "SELECT count(*) FROM enterprises",
    Table.LEADERS: "SELECT count(*) FROM chain_leaders",
    Table.MEMBERS: "SELECT count(*) FROM members",
    Table.SUPPLY: "SELECT count(*) FROM supply",
    Table.CERTIFICATES: "SELECT count(*) FROM certificates",
}

_EXISTING: dict[Table, str] = {
    Table.ENTERPRISES: "SELECT uscc FROM enterprises WHERE uscc IN (SELECT value FROM json_each(?))",
    Table.CHAINS: "SELECT chain_id FROM chains WHERE chain_id IN (SELECT value FROM json_each(?))",
    Table.SEGMENTS: "SELECT chain_id || char(9) || segment_id FROM segments "
    "WHERE chain_id || char(9) || segment_id IN (SELECT value FROM json_each(?))",
    Table.BODIES: "SELECT body_id FROM bodies WHERE body_id IN (SELECT value FROM json_each(?))",
}

_COUNTS = (
    "SELECT (SELECT count(*) FROM enterprises), (SELECT count(*) FROM supply), "
    "(SELECT count(*) FROM certificates), (SELECT count(*) FROM chains), "
    "(SELECT count(*) FROM segments), (SELECT count(*) FROM members), (SELECT count(*) FROM bodies)"
)

# Reads of a set of firms, given as one JSON array parameter.
_FIRM_ENTERPRISES = """
SELECT e.uscc, e.name, e.region_code, e.industry_code, e.employees, e.revenue, e.assets, e.size,
       e.size_source, e.maturity, e.flags
FROM json_each(:firms) AS j JOIN enterprises AS e ON e.uscc = j.value
ORDER BY e.uscc
"""
# The unary + keeps SQLite from probing the primary key once per (supplier, listed customer)
# pair, which made a 6,600-firm chain read take 10 s instead of 0.07 s: the customer list is
# checked as a filter on the rows of each supplier instead.
_FIRM_SUPPLY = """
WITH f(uscc) AS (SELECT value FROM json_each(:firms))
SELECT s.supplier, s.customer, s.product, s.share, s.annual_value
FROM f JOIN supply AS s ON s.supplier = f.uscc
WHERE +s.customer IN (SELECT uscc FROM f)
ORDER BY s.supplier, s.customer, s.product
"""
_FIRM_CERTIFICATES = """
SELECT c.cert_no, c.uscc, c.standard, c.standard_version, c.body_id, c.status, c.issued_on,
       c.expires_on, c.scope, c.grade, c.last_audit_on, c.status_since
FROM json_each(:firms) AS j JOIN certificates AS c ON c.uscc = j.value
ORDER BY c.cert_no
"""
_FIRM_MEMBERS = """
SELECT m.chain_id, m.segment_id, m.uscc
FROM json_each(:firms) AS j JOIN members AS m ON m.uscc = j.value
ORDER BY m.chain_id, m.segment_id, m.uscc
"""
# A chain's firms: its members and its leaders.
_CHAIN_FIRMS = """
SELECT uscc FROM members WHERE chain_id = :chain
UNION SELECT uscc FROM chain_leaders WHERE chain_id = :chain
"""
_CHAIN = "SELECT chain_id, name, region_code FROM chains WHERE chain_id = ?"
_CHAIN_SEGMENTS = """
SELECT chain_id, segment_id, name, stage FROM segments WHERE chain_id = ? ORDER BY segment_id
"""
_CHAIN_FEEDS = """
SELECT chain_id, from_segment, to_segment FROM segment_feeds WHERE chain_id = ?
ORDER BY from_segment, to_segment
"""
_FEEDS_OF_CHAINS = """
SELECT f.chain_id, f.from_segment, f.to_segment FROM json_each(?) AS j
JOIN segment_feeds AS f ON f.chain_id = j.value ORDER BY f.chain_id, f.from_segment, f.to_segment
"""
# API tokens: only a digest of each (chainmap token create prints the token once). Created on
# opening a store written before tokens existed, and the expiry column added to one written
# before tokens expired, so the schema version stays the same.
_TOKENS_TABLE = """
CREATE TABLE IF NOT EXISTS api_tokens (
    token_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
    regions TEXT NOT NULL DEFAULT '', enterprise TEXT, digest TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL, revoked_at TEXT, expires_at TEXT
)
"""
# People's accounts: the password only as an argon2id hash (chainmap.accounts). Created on
# opening a store written before accounts existed, like the tokens' table.
_ACCOUNTS_TABLE = """
CREATE TABLE IF NOT EXISTS accounts (
    login_key TEXT PRIMARY KEY, login TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,
    regions TEXT NOT NULL DEFAULT '', enterprise TEXT, password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL, disabled_at TEXT, failures INTEGER NOT NULL DEFAULT 0,
    last_failure_at TEXT, locked_until TEXT, must_change INTEGER NOT NULL DEFAULT 0
)
"""
_ADD_ACCOUNT = """
INSERT INTO accounts (login_key, login, name, role, regions, enterprise, password_hash, created_at,
    disabled_at, failures, last_failure_at, locked_until, must_change)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_ACCOUNTS = """
SELECT login_key, login, name, role, regions, enterprise, password_hash, created_at, disabled_at,
    failures, last_failure_at, locked_until, must_change
FROM accounts ORDER BY login_key
"""
_ACCOUNT = """
SELECT login_key, login, name, role, regions, enterprise, password_hash, created_at, disabled_at,
    failures, last_failure_at, locked_until, must_change
FROM accounts WHERE login_key = ?
"""
_SET_ACCOUNT_PASSWORD = (
    "UPDATE accounts SET password_hash = ?, must_change = ?, failures = 0, locked_until = NULL "
    "WHERE login_key = ?"
)
# stores whose accounts were made before one-time passwords existed
_ACCOUNT_COLUMNS = "SELECT name FROM pragma_table_info('accounts')"
_ADD_MUST_CHANGE = "ALTER TABLE accounts ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0"
_DISABLE_ACCOUNT = "UPDATE accounts SET disabled_at = ? WHERE login_key = ? AND disabled_at IS NULL"
_ENABLE_ACCOUNT = (
    "UPDATE accounts SET disabled_at = NULL, failures = 0, locked_until = NULL "
    "WHERE login_key = ? AND disabled_at IS NOT NULL"
)
# one statement: two failures at once both count
_ACCOUNT_FAILED = (
    "UPDATE accounts SET failures = failures + 1, last_failure_at = ? WHERE login_key = ? "
    "RETURNING failures"
)
# timestamps are ISO text in UTC to the second, which sorts as time does
_LOCK_ACCOUNT = (
    "UPDATE accounts SET locked_until = ? WHERE login_key = ? "
    "AND (locked_until IS NULL OR locked_until < ?)"
)
_ACCOUNT_SUCCEEDED = (
    "UPDATE accounts SET failures = 0, locked_until = NULL "
    "WHERE login_key = ? AND (failures > 0 OR locked_until IS NOT NULL)"
)
_TOKEN_COLUMNS = "SELECT name FROM pragma_table_info('api_tokens')"
_ADD_TOKEN_EXPIRY = "ALTER TABLE api_tokens ADD COLUMN expires_at TEXT"
# Stores written by an earlier chainmap, upgraded on opening, in one transaction.
# From version 1: the certificates' two optional dates, and the status words renamed after
# ISO/IEC 17021-1 (撤销 was stored as 'revoked' and is 'withdrawn'; 注销 was stored as 'withdrawn'
# and is 'cancelled'). One UPDATE renames both, so no value is renamed twice.
_UPGRADE_FROM_1 = (
    "ALTER TABLE certificates ADD COLUMN last_audit_on TEXT",
    "ALTER TABLE certificates ADD COLUMN status_since TEXT",
    "UPDATE certificates SET status = CASE status WHEN 'withdrawn' THEN 'cancelled' "
    "ELSE 'withdrawn' END WHERE status IN ('withdrawn', 'revoked')",
    "UPDATE meta SET value = '2' WHERE key = 'schema_version'",
)
_SCHEMA_VERSION = "SELECT value FROM meta WHERE key = 'schema_version'"
# how many imports the store has taken: caches of computed results compare it
_BUMP_GENERATION = """
INSERT INTO meta (key, value) VALUES ('generation', '1')
ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1
"""
_GENERATION = "SELECT value FROM meta WHERE key = 'generation'"
_TOKEN_BY_DIGEST = """
SELECT token_id, name, role, regions, enterprise, digest, created_at, revoked_at, expires_at
FROM api_tokens WHERE digest = ? AND revoked_at IS NULL
"""
_TOKENS = """
SELECT token_id, name, role, regions, enterprise, digest, created_at, revoked_at, expires_at
FROM api_tokens ORDER BY created_at, token_id
"""


def _to_token(row: tuple[Any, ...]) -> TokenRow:
    regions = tuple(r for r in row[3].split(",") if r)
    return TokenRow(row[0], row[1], row[2], regions, *row[4:])


def _to_account(row: tuple[Any, ...]) -> AccountRow:
    regions = tuple(r for r in row[4].split(",") if r)
    return AccountRow._make((*row[:4], regions, *row[5:-1], bool(row[-1])))


# Enterprise search: every condition is optional (a NULL parameter switches it off), the bounds
# of what the caller may see among them, so a scope is applied by the query itself. One result:
# the number of matches on every row, then one page of them (a row of NULLs when it is empty).
# A certificate is in force on :on as chainmap.rules.in_force says: issued by then, expiring on
# or after it, and valid on it (a status dated after :on had not taken effect yet).
_SEARCH = """
WITH found AS (
  SELECT e.uscc, e.name, e.region_code, e.industry_code, e.employees, e.revenue, e.assets,
         e.size, e.size_source, e.maturity, e.flags
  FROM enterprises AS e
  WHERE (:text IS NULL OR instr(e.name, :text) > 0 OR substr(e.uscc, 1, length(:text)) = :text)
    AND (:within_regions IS NULL OR EXISTS (
          SELECT 1 FROM json_each(:within_regions) AS r
          WHERE substr(e.region_code, 1, length(r.value)) = r.value))
    AND (:within IS NULL OR e.uscc IN (SELECT value FROM json_each(:within)))
    AND (:region IS NULL OR substr(e.region_code, 1, length(:region)) = :region)
    AND (:industry IS NULL OR substr(e.industry_code, 1, length(:industry)) = :industry)
    AND (:sizes IS NULL OR e.size IN (SELECT value FROM json_each(:sizes)))
    AND (:certified IS NULL OR :certified = EXISTS (
          SELECT 1 FROM certificates AS c
          WHERE c.uscc = e.uscc AND c.issued_on <= :on AND :on <= c.expires_on
            AND (c.status = 'valid' OR (c.status <> 'unknown' AND :on < c.status_since))))
),
total AS (SELECT count(*) AS n FROM found),
page AS (SELECT * FROM found ORDER BY uscc LIMIT :limit OFFSET :offset)
SELECT total.n, page.* FROM total LEFT JOIN page ON 1 ORDER BY page.uscc
"""
_REGION_FIRMS = "SELECT uscc FROM enterprises WHERE region_code >= ? AND region_code < ?"
_CHAINS_BY_ID = """
SELECT c.chain_id, c.name, c.region_code FROM json_each(?) AS j
JOIN chains AS c ON c.chain_id = j.value ORDER BY c.chain_id
"""
_SEGMENTS_OF_CHAINS = """
SELECT s.chain_id, s.segment_id, s.name, s.stage FROM json_each(?) AS j
JOIN segments AS s ON s.chain_id = j.value ORDER BY s.chain_id, s.segment_id
"""

# A firm's supplier tiers: breadth-first up the supply links, each firm at its nearest tier.
_TIERS = (
    "WITH RECURSIVE up(uscc, tier) AS (SELECT :leader, 0 UNION "
    "SELECT s.supplier, up.tier + 1 FROM up JOIN supply s ON s.customer = up.uscc "
    "WHERE up.tier < :depth) "
    "SELECT uscc, min(tier) FROM up GROUP BY uscc "
    "UNION ALL SELECT DISTINCT customer, -1 FROM supply WHERE supplier = :leader "
    "AND customer <> :leader"
)

_LEADERS_OF_CHAIN = "SELECT chain_id, uscc FROM chain_leaders WHERE chain_id = ? ORDER BY uscc"
_CHAINS_LED_BY = "SELECT chain_id, uscc FROM chain_leaders WHERE uscc = ? ORDER BY chain_id"


def _json_chunks(keys: Collection[str], size: int = 20_000) -> Iterator[str]:
    """Keys as JSON arrays of at most ``size``, one statement parameter each."""
    ordered = sorted(keys)
    for start in range(0, len(ordered), size):
        yield json.dumps(ordered[start : start + size], ensure_ascii=False)


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _to_certificate(row: tuple[Any, ...]) -> CertificateRow:
    (cert_no, uscc, standard, version, body_id, status, issued, expires, scope, grade, audit,
     since) = row  # fmt: skip
    return CertificateRow(
        cert_no,
        uscc,
        standard,
        version,
        body_id,
        status,
        date.fromisoformat(issued),
        date.fromisoformat(expires),
        scope,
        grade,
        _day(audit),
        _day(since),
    )


def _certificate_params(cert: tuple[Any, ...]) -> tuple[Any, ...]:
    """A certificate's statement parameters (fields of :class:`CertificateRow`): dates as ISO text."""
    audit, since = cert[10], cert[11]
    return (
        *cert[:6],
        cert[6].isoformat(),
        cert[7].isoformat(),
        cert[8],
        cert[9],
        None if audit is None else audit.isoformat(),
        None if since is None else since.isoformat(),
    )


def _remove_database(path: Path) -> None:
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        path.with_name(name).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _staging_path(path: Path) -> Path:
    """A staging file for a new store at ``path``, of this import alone; the staging files of
    imports whose process is gone (killed) are deleted."""
    for old in path.parent.glob(f".{path.name}.*.new"):
        owner = old.name.removeprefix(f".{path.name}.").split("-")[0]
        if owner.isdigit() and not _alive(int(owner)):
            _remove_database(old)
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.new")


def _locked(error: sqlite3.Error) -> bool:
    return "locked" in str(error) or "busy" in str(error)


class SQLiteStore:
    """The embedded store in one SQLite file. Use as a context manager, or call :meth:`close`.

    ``create`` makes the file when it does not exist. With ``staged`` as well, a new store is
    built under a hidden name beside ``path`` and moved into place by the first write that
    commits, so a failed first import leaves no file behind. A write waits up to ``lock_wait``
    seconds for another process's write to end.
    """

    atomic = True

    def __init__(
        self, path: Path, *, create: bool = False, staged: bool = False, lock_wait: float = 600.0
    ) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"
        self.lock_wait = lock_wait
        self._staging: Path | None = None
        if not create and not path.exists():
            raise StoreUnavailable(
                f"no chainmap store at {path}; import a dataset first (chainmap import DATA) "
                "or point --store / CHAINMAP_STORE at an existing one"
            )
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
            if staged and not path.exists():
                self._staging = _staging_path(path)
        self._db = self._connect(self._staging or path, create)

    def _connect(self, location: Path, create: bool) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(location, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA busy_timeout = 10000")
            # up to 256 MiB of page cache: big imports stop spilling pages mid-transaction
            db.execute("PRAGMA cache_size = -262144")
            self._db = db
            self._prepare(create)
        except sqlite3.DatabaseError as error:
            raise StoreUnavailable(f"{location} is not a usable chainmap store: {error}") from None
        return db

    def _publish(self) -> bool:
        """Put a staged store that holds a committed import in place; False (and this store
        then opened on the file found there) when another import created it meanwhile."""
        assert self._staging is not None
        self._db.close()  # the last connection: SQLite checkpoints the WAL into the file
        staging, self._staging = self._staging, None
        try:
            try:
                os.link(staging, self.path)  # unlike a rename, never replaces a file
                published = True
            except FileExistsError:
                published = False
            except OSError:  # a file system without hard links
                published = not self.path.exists()
                if published:
                    os.replace(staging, self.path)
        finally:
            _remove_database(staging)
        self._db = self._connect(self.path, create=False)
        return published

    def _prepare(self, create: bool) -> None:
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master")}
        if "meta" in tables:
            found = self._version()
            if found == "1":
                self._upgrade()
                found = self._version()
            if found is None or int(found) != SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"{self.path} has schema version {found or 'none'}; this "
                    f"chainmap uses {SCHEMA_VERSION}: import the data into a new store"
                )
            if "api_tokens" not in tables:  # stores written before tokens existed
                self._db.execute(_TOKENS_TABLE)
            elif "expires_at" not in {r[0] for r in self._db.execute(_TOKEN_COLUMNS)}:
                self._add_token_expiry()
            if "accounts" not in tables:  # stores written before accounts existed
                self._add_accounts()
            elif "must_change" not in {r[0] for r in self._db.execute(_ACCOUNT_COLUMNS)}:
                self._add_must_change()
            return
        if tables:
            raise StoreUnavailable(f"{self.path} is an SQLite file but not a chainmap store")
        if not create:
            raise StoreUnavailable(f"{self.path} is empty; import a dataset first")
        schema = resources.files("chainmap.store").joinpath("schema.sql").read_text("utf-8")
        try:
            self._db.executescript(schema)  # opens the transaction: BEGIN IMMEDIATE ...
            self._db.execute(_TOKENS_TABLE)
            self._db.execute(_ACCOUNTS_TABLE)
            for indexes in _INDEXES.values():
                for build, _ in indexes:
                    self._db.execute(build)
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    def _add_token_expiry(self) -> None:
        """Add the expiry column to a store written before tokens expired."""
        try:
            self._db.execute(_ADD_TOKEN_EXPIRY)
        except sqlite3.OperationalError as error:
            if "duplicate column" not in str(error):  # else another process added it meanwhile
                raise StoreError(
                    f"{self.path} keeps API tokens without expiry dates; adding the column failed "
                    f"({error}): open it once with write access"
                ) from None

    def _add_accounts(self) -> None:
        """Add the accounts' table to a store written before accounts existed."""
        try:
            self._db.execute(_ACCOUNTS_TABLE)
        except sqlite3.OperationalError as error:
            raise StoreError(
                f"{self.path} has no table for accounts; adding it failed ({error}): open it "
                "once with write access"
            ) from None

    def _add_must_change(self) -> None:
        """Add the one-time password mark to accounts made before it existed (none is marked)."""
        try:
            self._db.execute(_ADD_MUST_CHANGE)
        except sqlite3.OperationalError as error:
            if "duplicate column" not in str(error):  # else another process added it meanwhile
                raise StoreError(
                    f"{self.path} keeps accounts without the one-time password mark; adding the "
                    f"column failed ({error}): open it once with write access"
                ) from None

    def _version(self) -> str | None:
        found = self._db.execute(_SCHEMA_VERSION).fetchone()
        return None if found is None else str(found[0])

    def _upgrade(self) -> None:
        """Bring a version-1 store to the current schema, in one transaction."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if self._version() == "1":  # another process may have upgraded it meanwhile
                    for statement in _UPGRADE_FROM_1:
                        self._db.execute(statement)
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            raise SchemaVersionError(
                f"{self.path} has schema version 1 and must be upgraded to {SCHEMA_VERSION} "
                f"when opened, which failed ({error}); open it once with write access"
            ) from None

    # -- context management -------------------------------------------------------------------

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()
        if self._staging is not None:  # never committed: nothing to keep
            _remove_database(self._staging)
            self._staging = None

    # -- writes -----------------------------------------------------------------------------

    def write(
        self,
        rows: TableRows,
        progress: Progress | None = None,
        batch_size: int = 5000,
        *,
        on_wait: Waiting | None = None,
    ) -> dict[Table, int]:
        """Write every row in one transaction, taking them as they come (:meth:`TableRows.stream`);
        nothing is kept if any statement fails or ``rows.settle()`` refuses. ``on_wait`` hears
        when the write waits for another process's."""
        staged = self._staging is not None
        written = self._write(rows, progress, batch_size, on_wait)
        if staged and not self._publish():
            if on_wait is not None:
                on_wait(f"{self.path} was created by another import meanwhile; adding to it")
            written = self._write(rows, None, batch_size, on_wait)
        return written

    def _begin(self, on_wait: Waiting | None) -> None:
        """Take the write lock (``BEGIN IMMEDIATE``), waiting up to ``lock_wait`` seconds."""
        deadline = time.monotonic() + self.lock_wait
        self._db.execute("PRAGMA busy_timeout = 1000")  # a second a try, to say we wait
        try:
            while True:
                try:
                    self._db.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as error:
                    if not _locked(error):
                        raise StoreError(f"cannot write to {self.path}: {error}") from None
                    if time.monotonic() >= deadline:
                        raise StoreError(
                            f"{self.path} is being written by another process (another import?) "
                            f"and was still locked after {self.lock_wait:g} s; nothing was "
                            "written: import again when it has finished"
                        ) from None
                    if on_wait is not None:
                        on_wait(
                            f"waiting for another import to finish writing to {self.path} "
                            f"(at most {self.lock_wait:g} s) ..."
                        )
                        on_wait = None  # said once
        finally:
            self._db.execute("PRAGMA busy_timeout = 10000")

    def _write(
        self,
        rows: TableRows,
        progress: Progress | None,
        batch_size: int,
        on_wait: Waiting | None,
    ) -> dict[Table, int]:
        written = dict.fromkeys(Table, 0)
        held: dict[Table, int] = {}
        dropped: list[Table] = []
        cleared: set[Table] = set()
        self._begin(on_wait)
        try:
            for table, batch in rows.stream(batch_size):
                if table in _CLEAR and table not in cleared:
                    self._clear(table, rows.replaces(table))
                    cleared.add(table)
                if table in _INDEXES and table not in dropped:
                    if table not in held:
                        held[table] = self._db.execute(_ROWS_OF[table]).fetchone()[0]
                    if written[table] >= max(_BULK_ROWS, _BULK_SHARE * held[table]):
                        # a bulk load: one sorted index build at the end beats keeping the
                        # index up to date row by row in random order
                        for _, drop in _INDEXES[table]:
                            self._db.execute(drop)
                        dropped.append(table)
                params: Sequence[tuple[Any, ...]] = batch
                if table is Table.CERTIFICATES:
                    params = [_certificate_params(r) for r in batch]
                self._db.executemany(_UPSERT[table], params)
                written[table] += len(batch)
                if progress is not None:
                    progress(len(batch))
            for table in _CLEAR.keys() - cleared:  # e.g. every feed of a segment removed
                self._clear(table, rows.replaces(table))
            for table in dropped:
                for build, _ in _INDEXES[table]:
                    self._db.execute(build)
            rows.settle()
            self._db.execute(_BUMP_GENERATION)
            self._db.execute("COMMIT")
        except BaseException as error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                raise StoreError(
                    f"writing to {self.path} failed, nothing was kept: {error}"
                ) from None
            raise
        return written

    def _clear(self, table: Table, keys: list[str]) -> None:
        for chunk in _json_chunks(keys):
            self._db.execute(_CLEAR[table], (chunk,))

    # -- reads -------------------------------------------------------------------------------

    def _all(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        return self._db.execute(sql, params).fetchall()

    def existing(self, table: Table, keys: Collection[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _json_chunks(keys):
            found.update(r[0] for r in self._db.execute(_EXISTING[table], (chunk,)))
        return found

    def generation(self) -> int:
        found = self._all(_GENERATION)
        return int(found[0][0]) if found else 0

    def search_enterprises(self, query: FirmQuery) -> tuple[list[EnterpriseRow], int]:
        def listed(values: tuple[str, ...] | None) -> str | None:
            return None if values is None else json.dumps(list(values), ensure_ascii=False)

        params = {
            "text": query.text,
            "within_regions": listed(query.within_regions),
            "within": listed(query.within),
            "region": query.region,
            "industry": query.industry,
            "sizes": listed(query.sizes),
            "certified": query.certified,
            "on": (query.on or date.today()).isoformat(),
        }

        found = self._all(_SEARCH, {**params, "limit": query.limit, "offset": query.offset})
        rows = [EnterpriseRow._make(r[1:]) for r in found if r[1] is not None]
        return rows, int(found[0][0])

    # -- API tokens ---------------------------------------------------------------------------

    def add_token(self, token: TokenRow) -> None:
        row = (*token[:3], ",".join(token.regions), *token[4:])
        try:
            self._db.execute(
                "INSERT INTO api_tokens (token_id, name, role, regions, enterprise, digest, "
                "created_at, revoked_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        except sqlite3.Error as error:
            raise StoreError(f"token {token.token_id} could not be kept: {error}") from None

    def token(self, digest: str) -> TokenRow | None:
        found = self._all(_TOKEN_BY_DIGEST, (digest,))
        return _to_token(found[0]) if found else None

    def tokens(self) -> list[TokenRow]:
        return [_to_token(r) for r in self._all(_TOKENS)]

    def revoke_token(self, token_id: str, when: str) -> bool:
        try:
            done = self._db.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL",
                (when, token_id),
            )
        except sqlite3.Error as error:
            raise StoreError(f"token {token_id} could not be revoked: {error}") from None
        return done.rowcount == 1

    # -- people's accounts ------------------------------------------------------------------

    def _change(self, what: str, sql: str, params: Sequence[Any]) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, params)
        except sqlite3.Error as error:
            raise StoreError(f"{what} failed: {error}") from None

    def add_account(self, account: AccountRow) -> bool:
        row = (*account[:4], ",".join(account.regions), *account[5:])
        try:
            self._db.execute(_ADD_ACCOUNT, row)
        except sqlite3.IntegrityError:
            return False  # the login is taken
        except sqlite3.Error as error:
            raise StoreError(f"account {account.login} could not be kept: {error}") from None
        return True

    def account(self, login_key: str) -> AccountRow | None:
        found = self._all(_ACCOUNT, (login_key,))
        return _to_account(found[0]) if found else None

    def accounts(self) -> list[AccountRow]:
        return [_to_account(r) for r in self._all(_ACCOUNTS)]

    def set_account_password(
        self, login_key: str, password_hash: str, must_change: bool = False
    ) -> bool:
        done = self._change(
            "setting a password",
            _SET_ACCOUNT_PASSWORD,
            (password_hash, int(must_change), login_key),
        )
        return done.rowcount == 1

    def disable_account(self, login_key: str, when: str) -> bool:
        done = self._change("disabling an account", _DISABLE_ACCOUNT, (when, login_key))
        return done.rowcount == 1

    def enable_account(self, login_key: str) -> bool:
        done = self._change("enabling an account", _ENABLE_ACCOUNT, (login_key,))
        return done.rowcount == 1

    def account_failed(self, login_key: str, when: str) -> int:
        found = self._change("counting a failed login", _ACCOUNT_FAILED, (when, login_key))
        rows = found.fetchall()  # to the end: the statement then finishes and commits
        return int(rows[0][0]) if rows else 0

    def lock_account(self, login_key: str, until: str) -> None:
        self._change("locking an account", _LOCK_ACCOUNT, (until, login_key, until))

    def account_succeeded(self, login_key: str) -> None:
        self._change("clearing failed logins", _ACCOUNT_SUCCEEDED, (login_key,))

    def bodies(self) -> list[BodyRow]:
        return [
            BodyRow._make(r)
            for r in self._all("SELECT body_id, name, approval_no FROM bodies ORDER BY body_id")
        ]

    def stats(self) -> dict[str, int]:
        return dict(zip(STAT_KEYS, self._db.execute(_COUNTS).fetchone(), strict=True))

    def chains(self) -> list[ChainRow]:
        return [
            ChainRow._make(r)
            for r in self._all("SELECT chain_id, name, region_code FROM chains ORDER BY chain_id")
        ]

    def _snapshot(self, read: Callable[[], Subgraph]) -> Subgraph:
        """Run several reads in one transaction, so they see one state of the store."""
        self._db.execute("BEGIN")
        try:
            return read()
        finally:
            self._db.execute("COMMIT")

    def chain(self, chain_id: str) -> Subgraph:
        def read() -> Subgraph:
            chain = self._all(_CHAIN, (chain_id,))
            if not chain:
                raise NotFound(f"chain {chain_id!r} not found; `chainmap stats` lists the chains")
            sub = self._firms(r[0] for r in self._all(_CHAIN_FIRMS, {"chain": chain_id}))
            sub.chains = [ChainRow._make(r) for r in chain]
            sub.leaders = self._leaders(_LEADERS_OF_CHAIN, chain_id)
            sub.segments = [SegmentRow._make(r) for r in self._all(_CHAIN_SEGMENTS, (chain_id,))]
            sub.feeds = [FeedRow._make(r) for r in self._all(_CHAIN_FEEDS, (chain_id,))]
            return sub

        return self._snapshot(read)

    def _leaders(self, sql: str, key: str) -> list[LeaderRow]:
        return [LeaderRow._make(r) for r in self._all(sql, (key,))]

    def _firms(self, usccs: Iterable[str]) -> Subgraph:
        """Enterprises, links among them, certificates and memberships (in any chain) of firms."""
        p = {"firms": json.dumps(sorted(set(usccs)), ensure_ascii=False)}
        return Subgraph(
            enterprises=[EnterpriseRow._make(r) for r in self._all(_FIRM_ENTERPRISES, p)],
            supply=[SupplyRow._make(r) for r in self._all(_FIRM_SUPPLY, p)],
            certificates=[_to_certificate(r) for r in self._all(_FIRM_CERTIFICATES, p)],
            members=[MemberRow._make(r) for r in self._all(_FIRM_MEMBERS, p)],
        )

    def supplier_tiers(self, leader: str, depth: int) -> Subgraph:
        def read() -> Subgraph:
            exists = self._all("SELECT 1 FROM enterprises WHERE uscc = ?", (leader,))
            if not exists:
                raise NotFound(f"enterprise {leader} not found")
            tiers: dict[str, int] = {}
            rows = self._all(_TIERS, {"leader": leader, "depth": depth})
            for uscc, tier in sorted(rows, key=lambda r: r[1] < 0):
                tiers.setdefault(uscc, tier)  # a firm both supplier and customer: supplier tier
            sub = self._firms(tiers)
            sub.tiers = tiers
            sub.leaders = self._leaders(_CHAINS_LED_BY, leader)
            chain_ids = json.dumps(sorted({m.chain_id for m in sub.members}), ensure_ascii=False)
            sub.segments = [
                SegmentRow._make(r) for r in self._all(_SEGMENTS_OF_CHAINS, (chain_ids,))
            ]
            return sub

        return self._snapshot(read)

    def region(self, prefix: str) -> Subgraph:
        # a range on the indexed code instead of LIKE: prefix '3205' selects '320500' <= code < '3206'
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)

        def read() -> Subgraph:
            sub = self._firms(r[0] for r in self._all(_REGION_FIRMS, (prefix, upper)))
            chain_ids = json.dumps(sorted({m.chain_id for m in sub.members}), ensure_ascii=False)
            sub.chains = [ChainRow._make(r) for r in self._all(_CHAINS_BY_ID, (chain_ids,))]
            sub.segments = [
                SegmentRow._make(r) for r in self._all(_SEGMENTS_OF_CHAINS, (chain_ids,))
            ]
            sub.feeds = [FeedRow._make(r) for r in self._all(_FEEDS_OF_CHAINS, (chain_ids,))]
            return sub

        return self._snapshot(read)
