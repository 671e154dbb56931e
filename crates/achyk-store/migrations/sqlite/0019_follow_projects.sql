-- no-transaction
-- Follows of infrastructure projects (kind `project`, target the project's id). SQLite cannot
-- change a CHECK constraint, so `follows` is rebuilt as its documentation for ALTER TABLE
-- says: with foreign keys off (so that dropping the old table clears no notification's link
-- to it), in one transaction, checked before it commits. Hence no transaction around the file.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE follows_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('process', 'organisation', 'search', 'region', 'case', 'project')),
    target TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('immediate', 'digest')),
    cursor TEXT NOT NULL,
    unsubscribe TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, kind, target)
);
INSERT INTO follows_new (id, user_id, kind, target, mode, cursor, unsubscribe, created_at)
    SELECT id, user_id, kind, target, mode, cursor, unsubscribe, created_at FROM follows;
DROP TABLE follows;
ALTER TABLE follows_new RENAME TO follows;
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
