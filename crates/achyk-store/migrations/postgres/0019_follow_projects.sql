-- PostgreSQL twin of migrations/sqlite/0019_follow_projects.sql: follows of infrastructure
-- projects (kind `project`).
ALTER TABLE follows DROP CONSTRAINT follows_kind_check;
ALTER TABLE follows ADD CONSTRAINT follows_kind_check
    CHECK (kind IN ('process', 'organisation', 'search', 'region', 'case', 'project'));
