-- The FTS5 trigram index of 0005 goes. Word searches over every process are answered by the
-- in-memory index of `achyk serve` (src/search_index.rs); the SQL search is left for the
-- processes of one organisation, where the participant filter picks the rows by index first
-- and a plain `search_text LIKE` over them is as fast as the trigram table (faster for common
-- words). Keeping the trigram table in step, row by row through triggers, was about a tenth
-- of SQLite's work in an import.
DROP TRIGGER IF EXISTS process_search_insert;
DROP TRIGGER IF EXISTS process_search_delete;
DROP TRIGGER IF EXISTS process_search_update;
DROP TABLE IF EXISTS process_search;
