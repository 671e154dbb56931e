-- PostgreSQL twin of migrations/sqlite/0020_drop_search_index.sql: the pg_trgm index of 0005
-- goes. Word searches over every process are answered by the in-memory index of `achyk serve`;
-- the SQL search is left for the processes of one organisation, where the participant filter
-- picks the rows first and a plain `search_text LIKE` over them needs no text index. (The
-- pg_trgm extension itself stays installed: unused, it costs nothing.)
DROP INDEX IF EXISTS process_summaries_search;
