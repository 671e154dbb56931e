-- PostgreSQL twin of migrations/sqlite/0002_normalised.sql.
CREATE TABLE normalised_releases (
    ocid TEXT COLLATE "C" PRIMARY KEY,
    json TEXT NOT NULL,
    region TEXT COLLATE "C",
    updated_at BIGINT NOT NULL
);

CREATE INDEX normalised_releases_region ON normalised_releases (region);

CREATE TABLE quality_notes (
    ocid TEXT COLLATE "C" NOT NULL,
    position BIGINT NOT NULL,
    rule TEXT COLLATE "C" NOT NULL,
    path TEXT COLLATE "C" NOT NULL,
    before_json TEXT,
    after_json TEXT,
    PRIMARY KEY (ocid, position)
);

CREATE INDEX quality_notes_rule ON quality_notes (rule, ocid);

ALTER TABLE organisations ADD COLUMN name_ky TEXT;
ALTER TABLE organisations ADD COLUMN region TEXT COLLATE "C";
