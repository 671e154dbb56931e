-- Citizens' site visits to infrastructure projects (see docs/projects.md): each is a report
-- (same moderation, same safety rules) with the answers of the visit's checklist. Answers are
-- `yes`, `no` or `unsure`; the signboard is `complete`, `incomplete`, `missing` or `unsure`;
-- a question not asked for the project's stage is NULL. Nothing here names the visitor.
CREATE TABLE site_visits (
    report_id INTEGER PRIMARY KEY REFERENCES reports (id),
    project_id TEXT NOT NULL,
    visited_on TEXT NOT NULL,
    work TEXT,
    signboard TEXT,
    defects TEXT,
    in_use TEXT
);
CREATE INDEX site_visits_project ON site_visits (project_id, visited_on);
