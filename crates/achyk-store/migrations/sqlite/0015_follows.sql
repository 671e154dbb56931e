-- Follows and alerts (see docs/civic.md, "Follow and alerts").
--
-- A follow is a user watching a process (`target` = ocid), an organisation (its key), a saved
-- search (the query string of /tenders), a region (ISO code) or a case (its id). `cursor` is
-- JSON of what was already told (data generation seen, flag codes, last case event, deadline
-- warnings). `unsubscribe` is a random token for the one-click link in every mail.
CREATE TABLE follows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('process', 'organisation', 'search', 'region', 'case')),
    target TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('immediate', 'digest')),
    cursor TEXT NOT NULL,
    unsubscribe TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, kind, target)
);

-- What the alert job found, in the follower's language, until mailed (`sent_at`); also the
-- user's Atom feed.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id),
    follow_id INTEGER REFERENCES follows (id) ON DELETE SET NULL,
    mode TEXT NOT NULL,
    title TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unsent ON notifications (sent_at, user_id);

-- The secret address of each user's Atom feed.
CREATE TABLE feed_tokens (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    token TEXT NOT NULL UNIQUE
);
