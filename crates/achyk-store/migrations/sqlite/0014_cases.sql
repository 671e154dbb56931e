-- CSO cases to public bodies (see docs/civic.md, "Cases").
--
-- `public_bodies` is the directory of bodies that receive appeals, editable by admins; a body
-- that buys has its organisation key (`KG-INN-…`) so a case about a process is addressed to
-- its buyer. A case's clock is stored as the day it started and the due day computed then;
-- overdue and very overdue are derived when read. Days are `YYYY-MM-DD` in Bishkek.
CREATE TABLE public_bodies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation TEXT UNIQUE,
    name_ky TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    email TEXT,
    address TEXT,
    reception_url TEXT,
    oversight INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    cso_id INTEGER REFERENCES cso_organisations (id),
    opened_by INTEGER NOT NULL REFERENCES users (id),
    body_id INTEGER NOT NULL REFERENCES public_bodies (id),
    ocid TEXT,
    organisation TEXT,
    title TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    request TEXT NOT NULL,
    evidence TEXT NOT NULL,
    letter_language TEXT NOT NULL,
    state TEXT NOT NULL,
    outcome TEXT,
    opened_on TEXT NOT NULL,
    clock_started_on TEXT,
    due_on TEXT,
    -- The last year the holiday calendar knew when `due_on` ran past it, else NULL.
    due_beyond_year INTEGER,
    escalated_to INTEGER REFERENCES public_bodies (id)
);
CREATE INDEX cases_state ON cases (state);
CREATE INDEX cases_ocid ON cases (ocid);

CREATE TABLE case_reports (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    report_id INTEGER NOT NULL REFERENCES reports (id),
    PRIMARY KEY (case_id, report_id)
);
CREATE INDEX case_reports_report ON case_reports (report_id);

CREATE TABLE case_flags (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    code TEXT NOT NULL,
    PRIMARY KEY (case_id, code)
);

-- The timeline. `public` events are shown to everyone (and to reporters holding a receipt of a
-- linked report); the others only to the CSO's monitors, admins and the body's officials.
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    actor INTEGER REFERENCES users (id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    day TEXT NOT NULL,
    at INTEGER NOT NULL,
    public INTEGER NOT NULL,
    text TEXT NOT NULL,
    channel TEXT
);
CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE TABLE case_attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL REFERENCES case_events (id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes BLOB NOT NULL
);
CREATE INDEX case_attachments_event ON case_attachments (event_id);
