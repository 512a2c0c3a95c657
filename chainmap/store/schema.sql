-- chainmap embedded store. Natural keys are the primary keys, and imports upsert on them.
-- Tables of short rows are WITHOUT ROWID; enterprises and certificates, with long rows, are not.
-- The version recorded at the end must equal SCHEMA_VERSION in sqlite.py; the secondary
-- indexes are in sqlite.py (_INDEXES), which drops and rebuilds them around bulk loads.
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS bodies (
    body_id     TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    approval_no TEXT
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS enterprises (
    uscc          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    region_code   TEXT NOT NULL,
    industry_code TEXT NOT NULL,
    employees     INTEGER,
    revenue       REAL,
    assets        REAL,
    size          TEXT,
    size_source   TEXT,
    maturity      INTEGER,
    flags         TEXT NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS chains (
    chain_id    TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    region_code TEXT
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS chain_leaders (
    chain_id TEXT NOT NULL,
    uscc     TEXT NOT NULL,
    PRIMARY KEY (chain_id, uscc)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS segments (
    chain_id   TEXT NOT NULL,
    segment_id TEXT NOT NULL,
    name       TEXT NOT NULL,
    stage      TEXT NOT NULL,
    PRIMARY KEY (chain_id, segment_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS segment_feeds (
    chain_id     TEXT NOT NULL,
    from_segment TEXT NOT NULL,
    to_segment   TEXT NOT NULL,
    PRIMARY KEY (chain_id, from_segment, to_segment)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS members (
    chain_id   TEXT NOT NULL,
    segment_id TEXT NOT NULL,
    uscc       TEXT NOT NULL,
    PRIMARY KEY (chain_id, segment_id, uscc)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS supply (
    supplier     TEXT NOT NULL,
    customer     TEXT NOT NULL,
    product      TEXT NOT NULL DEFAULT '',
    share        REAL,
    annual_value REAL,
    PRIMARY KEY (supplier, customer, product)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS certificates (
    cert_no          TEXT PRIMARY KEY,
    uscc             TEXT NOT NULL,
    standard         TEXT NOT NULL,
    standard_version TEXT,
    body_id          TEXT NOT NULL,
    status           TEXT NOT NULL,
    issued_on        TEXT NOT NULL,
    expires_on       TEXT NOT NULL,
    scope            TEXT,
    grade            TEXT,
    last_audit_on    TEXT,
    status_since     TEXT
);

INSERT INTO meta (key, value) VALUES ('schema_version', '2');
-- the transaction is committed by sqlite.py once the indexes are built
