-- One row per process for lists, search and facets: the fields the site filters and sorts by,
-- read from the normalised compiled release (else the compiled one) in the transaction that
-- writes it. `search_text` is the lowercased text a search matches: titles, descriptions,
-- item and lot names, organisation names and the ocid.
CREATE TABLE process_summaries (
    ocid TEXT PRIMARY KEY,
    title TEXT,
    buyer_id TEXT,
    buyer_name TEXT,
    region TEXT,
    method TEXT,
    method_details TEXT,
    status TEXT,
    category TEXT,
    year INTEGER,
    date TEXT NOT NULL,
    date_seconds INTEGER NOT NULL,
    value_amount REAL,
    value_currency TEXT,
    bids INTEGER NOT NULL,
    search_text TEXT NOT NULL
);

CREATE INDEX process_summaries_date ON process_summaries (date_seconds, ocid);
CREATE INDEX process_summaries_buyer ON process_summaries (buyer_id);
