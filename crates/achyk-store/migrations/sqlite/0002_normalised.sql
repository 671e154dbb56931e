-- The normalised compiled release of each process (standard OCDS made from the feed's own
-- shape; see achyk_kg::normalise) beside the compiled release as received, and every change
-- the normaliser made (the data-quality report). Both are written in the transaction that
-- writes the compiled release, so they never disagree with it.
CREATE TABLE normalised_releases (
    ocid TEXT PRIMARY KEY,
    json TEXT NOT NULL,
    -- ISO 3166-2 code of the buyer's region (KG-GB, KG-C, ...), when its address names one.
    region TEXT,
    updated_at INTEGER NOT NULL
);

CREATE INDEX normalised_releases_region ON normalised_releases (region);

-- `rule` is the normaliser's stable code; `before_json` and `after_json` are JSON texts (NULL
-- when there was no value, or for a defect only reported).
CREATE TABLE quality_notes (
    ocid TEXT NOT NULL,
    position INTEGER NOT NULL,
    rule TEXT NOT NULL,
    path TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    PRIMARY KEY (ocid, position)
);

CREATE INDEX quality_notes_rule ON quality_notes (rule, ocid);

ALTER TABLE organisations ADD COLUMN name_ky TEXT;
ALTER TABLE organisations ADD COLUMN region TEXT;
