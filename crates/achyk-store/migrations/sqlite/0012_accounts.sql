-- Accounts, roles, sessions and login throttling (see docs/accounts.md).
--
-- `email_key` is the address folded to lower case, so that one address cannot register twice
-- in different cases; `email` keeps it as typed. `password_hash` is an Argon2id PHC string.
-- A deleted account keeps its row (ids stay valid in histories) with every personal field
-- cleared and `deleted_at` set. Times are Unix seconds.
CREATE TABLE cso_organisations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name_ky TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT,
    email_key TEXT UNIQUE,
    password_hash TEXT,
    display_name TEXT NOT NULL,
    language TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('citizen', 'monitor', 'moderator', 'official', 'admin')),
    cso_id INTEGER REFERENCES cso_organisations (id),
    public_body TEXT,
    totp_secret TEXT,
    totp_enabled INTEGER NOT NULL DEFAULT 0,
    -- The last TOTP time step accepted, so that a code cannot be used twice.
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    gender TEXT,
    age_group TEXT,
    created_at INTEGER NOT NULL,
    deleted_at INTEGER
);

-- Only the SHA-256 of a session token is stored: a copy of this table opens no session.
-- `second_factor` is 1 once the session passed the TOTP step (or the account has no 2FA).
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    second_factor INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins per account (never per address): the count since `window_start`, and until
-- when logins are refused.
CREATE TABLE login_throttle (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    failures INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    locked_until INTEGER NOT NULL
);
