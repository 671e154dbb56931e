-- PostgreSQL twin of migrations/sqlite/0001_releases.sql: same tables, BIGINT for integers, and
-- byte-order ("C") collation on keys so that ORDER BY gives the same order as SQLite.
-- Every release exactly as received, once per (ocid, identity, content).
--
-- `release_key` is the release `id`, or the content hash when the release has none.
-- `content_hash` is the SHA-256 of the canonical JSON (members sorted, no whitespace), so
-- member order and whitespace do not make a new release. The same `id` with another hash is
-- a new version of that release and gets its own row.
CREATE TABLE releases (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ocid TEXT COLLATE "C" NOT NULL,
    release_key TEXT COLLATE "C" NOT NULL,
    release_id TEXT,
    content_hash TEXT NOT NULL,
    json TEXT NOT NULL,
    date TEXT NOT NULL,
    date_seconds BIGINT NOT NULL,
    date_nanos BIGINT NOT NULL,
    extensions TEXT NOT NULL,
    source TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    UNIQUE (ocid, release_key, content_hash)
);

-- Releases of a process in import order: recompute and `export --releases` read them so.
CREATE INDEX releases_ocid ON releases (ocid, id);

-- Processes whose releases changed and whose compiled release is not yet recomputed. A mark is
-- written in the transaction that stores the new releases and removed in the transaction that
-- writes the compiled release, so a crash never loses one. `mark` grows on every change, so
-- that a recompute removes only the mark it saw.
CREATE TABLE dirty_processes (
    ocid TEXT COLLATE "C" PRIMARY KEY,
    mark BIGINT NOT NULL
);

CREATE TABLE compiled_releases (
    ocid TEXT COLLATE "C" PRIMARY KEY,
    json TEXT NOT NULL,
    release_count BIGINT NOT NULL,
    latest_date TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE merge_warnings (
    ocid TEXT COLLATE "C" NOT NULL,
    position BIGINT NOT NULL,
    path TEXT COLLATE "C" NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (ocid, position)
);

-- Parties keyed by identifier (`{scheme}-{id}`, else the party `id`). The row holds the party
-- as it appears in the latest process naming it: latest by (date, ocid) of that process.
CREATE TABLE organisations (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT,
    identifier_scheme TEXT,
    identifier_id TEXT,
    legal_name TEXT,
    json TEXT NOT NULL,
    seen_seconds BIGINT NOT NULL,
    seen_nanos BIGINT NOT NULL,
    seen_ocid TEXT COLLATE "C" NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE process_parties (
    ocid TEXT COLLATE "C" NOT NULL,
    organisation_id TEXT COLLATE "C" NOT NULL,
    role TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (ocid, organisation_id, role)
);

CREATE INDEX process_parties_organisation ON process_parties (organisation_id, role);
