-- PostgreSQL twin of migrations/sqlite/0003_sync.sql.
-- Where `achyk sync` stopped in each feed it pulls (`tendering` for `/api/tendering`).
--
-- `since` is the cursor as the API takes it (`YYYY-MM-DDTHH:MM:SS+06:00`): the newest release
-- date stored. `position` is how many releases dated exactly `since` were already stored, for
-- when more releases share one second than fit in a page. The row is written only after the
-- releases of the page it describes are stored, so it never runs ahead of them.
CREATE TABLE sync_cursors (
    feed TEXT PRIMARY KEY,
    since TEXT NOT NULL,
    position BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
