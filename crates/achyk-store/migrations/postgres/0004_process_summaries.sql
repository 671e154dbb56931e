-- PostgreSQL twin of migrations/sqlite/0004_process_summaries.sql.
CREATE TABLE process_summaries (
    ocid TEXT COLLATE "C" PRIMARY KEY,
    title TEXT,
    buyer_id TEXT COLLATE "C",
    buyer_name TEXT,
    region TEXT COLLATE "C",
    method TEXT COLLATE "C",
    method_details TEXT,
    status TEXT COLLATE "C",
    category TEXT COLLATE "C",
    year BIGINT,
    date TEXT NOT NULL,
    date_seconds BIGINT NOT NULL,
    value_amount DOUBLE PRECISION,
    value_currency TEXT COLLATE "C",
    bids BIGINT NOT NULL,
    search_text TEXT NOT NULL
);

CREATE INDEX process_summaries_date ON process_summaries (date_seconds, ocid);
CREATE INDEX process_summaries_buyer ON process_summaries (buyer_id);
