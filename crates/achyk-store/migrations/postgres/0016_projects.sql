-- PostgreSQL twin of migrations/sqlite/0016_projects.sql.
-- Infrastructure projects (OC4IDS 0.9.5; see docs/projects.md).
--
-- Every distinct version of a project received stays in `project_versions` (its text and the
-- SHA-256 of the text); `projects.hash` names the current one, so the same project received
-- again changes nothing. `projects` holds what search, filters and the map read, taken from
-- the project when it is stored, and not the text itself, so that its rows stay small to scan;
-- measures that depend on the day (time overrun) are worked out when read. `search` is the
-- title, description and place names lowercased (by Achyk, the same on both backends).
-- `source` is `oc4ids` (published) or `cso` (put together in Achyk by a monitor).
CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL CHECK (source IN ('oc4ids', 'cso')),
    hash TEXT NOT NULL,
    title TEXT NOT NULL,
    search TEXT NOT NULL,
    status TEXT,
    sector TEXT,
    region TEXT,
    longitude DOUBLE PRECISION,
    latitude DOUBLE PRECISION,
    currency TEXT,
    budget DOUBLE PRECISION,
    value_now DOUBLE PRECISION,
    cost_overrun DOUBLE PRECISION,
    planned_end TEXT,
    completed_on TEXT,
    received_at BIGINT NOT NULL
);
CREATE INDEX projects_region ON projects (region, title);
CREATE INDEX projects_title ON projects (title, id);

CREATE TABLE project_versions (
    project_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    data TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (project_id, hash)
);

-- The contracting processes of a project, by ocid (whether or not the process is stored).
CREATE TABLE project_processes (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    ocid TEXT NOT NULL,
    PRIMARY KEY (project_id, ocid)
);
CREATE INDEX project_processes_ocid ON project_processes (ocid);
