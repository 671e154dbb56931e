-- Photos a reporter adds (with the receipt) after a moderator decided on the report wait for
-- a moderator again: they arrive hidden with `awaiting_review` set, and any photo action
-- (show, hide, black out) clears it. The moderation queue lists the reports that have one.
ALTER TABLE report_photos ADD COLUMN awaiting_review INTEGER NOT NULL DEFAULT 0;
