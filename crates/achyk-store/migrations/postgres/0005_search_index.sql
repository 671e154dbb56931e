-- PostgreSQL twin of migrations/sqlite/0005_search_index.sql: a trigram index (pg_trgm, a
-- trusted extension shipped with PostgreSQL) that answers `search_text LIKE '%stem%'`.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX process_summaries_search ON process_summaries USING gin (search_text gin_trgm_ops);
