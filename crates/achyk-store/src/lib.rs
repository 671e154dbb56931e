//! Storage of OCDS publications on SQLite (embedded, the default) or PostgreSQL, with the same
//! behaviour on both.
//!
//! What is stored:
//! - `releases`: every release exactly as received, once. A release is identified by its
//!   `ocid`, its `id` (or, without one, its content hash) and its content hash (SHA-256 of the
//!   canonical JSON, see [`achyk_ocds::canonical`]), so importing the same file again changes
//!   nothing, and the same `id` with other content is kept as a new version and reported.
//! - `compiled_releases`: one per process, `achyk_ocds::compile_texts` over its stored
//!   releases in import order, with the merge rules of the extensions that the packages of
//!   those releases declared (their union, in first-seen order; `achyk compile` uses the union
//!   over its whole input, which is the same when every package declares the same list).
//!   What the merge warns about is kept in `merge_warnings`.
//! - `organisations` and `process_parties`: the parties of each compiled release keyed by
//!   identifier (`{scheme}-{id}`, else the party `id`), with the roles they play.
//! - `dirty_processes`: processes whose releases changed and whose compiled release (and
//!   parties) are not yet recomputed. Marks are written in the transaction that stores the
//!   releases and removed in the transaction that writes the compiled release, so a crash at
//!   any point loses nothing and duplicates nothing: the next import, or
//!   [`Store::recompute_dirty`], finishes the job.
//! - `flag_results`, `risk_scores`, `flag_runs`: the last red-flag run, replaced whole in one
//!   transaction (see [`Store::replace_flag_results`]).
//! - `users`, `cso_organisations`, `sessions`, `login_throttle`: accounts ([`accounts`'s
//!   types](UserRow)), session token hashes and failed-login counts per account.
//! - `reports`, `report_photos`, `report_additions`, `moderation_log`: citizen reports (receipts
//!   hashed, contacts sealed, days only) and the append-only log of what moderators did.
//! - `public_bodies`, `cases`, `case_reports`, `case_flags`, `case_events`, `case_attachments`:
//!   CSO cases to public bodies and their timelines.
//! - `follows`, `notifications`, `feed_tokens`: what users follow, what the alert job found
//!   for them, and their feeds' addresses.
//! - `sync_cursors`: where `achyk sync` stopped in each feed ([`SyncCursor`]), written only
//!   after the releases it moves past are stored.
//!
//! Records whose releases are only links (so that the reader hands out their published
//! `compiledRelease` or `versionedRelease`) are not stored: only releases are, and the compiled
//! release is always Achyk's own. [`Ingest`] rejects such items with a reason.
//!
//! The database URL's scheme picks the backend: `sqlite://path` (created if missing, WAL mode;
//! `sqlite::memory:` keeps everything in one connection's memory) or `postgres://...`.

mod accounts;
mod bulk;
mod cases;
mod error;
mod flags;
mod follows;
mod ids;
mod impact;
mod import;
mod ingest;
mod model;
mod normalised;
mod parties;
mod projects;
mod recompute;
mod reports;
mod retention;
mod search;
mod search_index;
mod store;
mod summary;
mod sync_state;

pub use accounts::{
    CsoRow, LOGIN_LOCK_SECONDS, LOGIN_MAX_FAILURES, LOGIN_WINDOW_SECONDS, NewUser, Profile, Role,
    SessionRow, UserRow, email_key,
};
pub use cases::{AttachmentRow, CaseEvent, CaseRow, CaseStep, NewAttachment, NewCase, PublicBody};
pub use error::StoreError;
pub use flags::{FLAG_GROUPS, FlagCount, FlagRun, RiskScore, StoredFlag};
pub use follows::{Follow, NewFollow, NewNotification, Notification};
pub use ids::{Ocid, OrgId};
pub use impact::Impact;
pub use import::{IMPORT_BATCH_SIZE, ImportReport, RECOMPUTE_BATCH_SIZE, ReportedVersion};
pub use ingest::{DEFAULT_MAX_PENDING_BYTES, Ingest, IngestWarning, Ingested, Rejection};
pub use model::{
    CompiledReleaseRow, InsertSummary, MergeWarningRow, NewRelease, NewVersion, OrganisationRow,
    ProcessPartyRow, RecomputeSummary, ReleaseRow, json_line,
};
pub use normalised::{
    NormalisedProcess, NormalisedReleaseRow, Normaliser, QualityNote, QualityNoteRow,
    QualityTotalRow,
};
pub use parties::{ProcessParty, organisation_key, process_parties};
pub use projects::{
    ProjectCluster, ProjectListing, ProjectPlace, ProjectQuery, ProjectRow, ProjectStored,
    RegionResolver,
};
pub use reports::{
    AdditionRow, Moderation, ModerationEntry, NewPhoto, NewReport, NewVisit, PhotoRow,
    ReportChange, ReportRow, ReportsAbout, VisitSummary,
};
pub use search::{
    BuyerStats, Facet, GroupStats, ProcessSummaryRow, SearchParams, SearchResult, Sort,
    VALUE_RANGES, stem, value_range_key,
};
pub use store::{Backend, Store};
pub use summary::ProcessSummary;
pub use sync_state::SyncCursor;
