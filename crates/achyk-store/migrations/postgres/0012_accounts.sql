-- PostgreSQL twin of migrations/sqlite/0012_accounts.sql.
-- Accounts, roles, sessions and login throttling (see docs/accounts.md).
--
-- `email_key` is the address folded to lower case, so that one address cannot register twice
-- in different cases; `email` keeps it as typed. `password_hash` is an Argon2id PHC string.
-- A deleted account keeps its row (ids stay valid in histories) with every personal field
-- cleared and `deleted_at` set. Times are Unix seconds.
CREATE TABLE cso_organisations (
    id BIGSERIAL PRIMARY KEY,
    name_ky TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT,
    email_key TEXT UNIQUE,
    password_hash TEXT,
    display_name TEXT NOT NULL,
    language TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('citizen', 'monitor', 'moderator', 'official', 'admin')),
    cso_id BIGINT REFERENCES cso_organisations (id),
    public_body TEXT,
    totp_secret TEXT,
    totp_enabled BIGINT NOT NULL DEFAULT 0,
    -- The last TOTP time step accepted, so that a code cannot be used twice.
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    gender TEXT,
    age_group TEXT,
    created_at BIGINT NOT NULL,
    deleted_at BIGINT
);

-- Only the SHA-256 of a session token is stored: a copy of this table opens no session.
-- `second_factor` is 1 once the session passed the TOTP step (or the account has no 2FA).
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    second_factor BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins per account (never per address): the count since `window_start`, and until
-- when logins are refused.
CREATE TABLE login_throttle (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    failures BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);
