-- PostgreSQL twin of migrations/sqlite/0013_reports.sql.
-- Citizen reports and their moderation (see docs/civic.md, "Reports").
--
-- Nothing here names a reporter: the contact is sealed to the monitoring CSO's public key (the
-- server cannot open it), the receipt is kept only as an HMAC under a server secret, and no time
-- of day is kept (`received_on` is the day in Bishkek), so a row cannot be matched with the time
-- of a visit recorded anywhere else. `body` is the text as sent (private); `public_text` is what
-- a moderator published. Photos are stored re-encoded, never as uploaded.
CREATE TABLE reports (
    id BIGSERIAL PRIMARY KEY,
    receipt_hash TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    category TEXT NOT NULL,
    body TEXT NOT NULL,
    public_text TEXT,
    ocid TEXT,
    organisation TEXT,
    region TEXT,
    place TEXT,
    contact_sealed TEXT,
    disclosure TEXT NOT NULL,
    gender TEXT,
    age_group TEXT,
    received_on TEXT NOT NULL,
    published_on TEXT,
    merged_into BIGINT REFERENCES reports (id),
    anonymised_on TEXT
);
CREATE INDEX reports_state ON reports (state, id);
CREATE INDEX reports_ocid ON reports (ocid);
CREATE INDEX reports_organisation ON reports (organisation);

-- What a reporter added later with the receipt; private like `reports.body`.
CREATE TABLE report_additions (
    id BIGSERIAL PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports (id),
    body TEXT NOT NULL,
    received_on TEXT NOT NULL
);
CREATE INDEX report_additions_report ON report_additions (report_id, id);

-- Photos as re-encoded JPEG (achyk_civic::photo::sanitise). `hidden` photos are not public.
CREATE TABLE report_photos (
    id BIGSERIAL PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports (id),
    jpeg BYTEA NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    hidden BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX report_photos_report ON report_photos (report_id, id);

-- Every moderation action, append-only: the triggers refuse updates and deletes.
-- `before` and `after` are JSON objects of the fields the action changed.
CREATE TABLE moderation_log (
    id BIGSERIAL PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports (id),
    actor BIGINT NOT NULL REFERENCES users (id),
    action TEXT NOT NULL,
    reason TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX moderation_log_report ON moderation_log (report_id, id);
CREATE FUNCTION moderation_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'moderation_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER moderation_log_no_change BEFORE UPDATE OR DELETE ON moderation_log
    FOR EACH ROW EXECUTE FUNCTION moderation_log_append_only();
