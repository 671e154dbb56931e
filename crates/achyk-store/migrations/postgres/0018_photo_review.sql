-- PostgreSQL twin of migrations/sqlite/0018_photo_review.sql.
ALTER TABLE report_photos ADD COLUMN awaiting_review BIGINT NOT NULL DEFAULT 0;
