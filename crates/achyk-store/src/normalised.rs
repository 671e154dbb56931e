//! The hook by which a normaliser (the Kyrgyz one lives in `achyk-kg`, which depends on this
//! crate, not the other way round) turns each compiled release into the normalised one that
//! flags, pages and the API use, and the rows that keep its result.

use crate::ids::Ocid;

/// Makes the normalised compiled release of a process from its compiled release. Runs on
/// worker threads during recompute, so it must be pure and cheap to share.
pub trait Normaliser: Send + Sync {
    fn normalise(&self, compiled_json: &str) -> NormalisedProcess;
}

/// What a [`Normaliser`] made of one compiled release.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NormalisedProcess {
    /// The normalised compiled release, compact JSON.
    pub json: String,
    /// Every change made and every defect found, in order.
    pub notes: Vec<QualityNote>,
    /// ISO 3166-2 code of the process's region (its buyer's).
    pub region: Option<String>,
    /// ISO 3166-2 code of each party's region, by the party's `id` in the release.
    pub party_regions: Vec<(String, String)>,
    /// `json` already parsed, when the normaliser has it: the store reads parties and the
    /// summary from it instead of parsing `json` again.
    pub release: Option<serde_json::Value>,
}

/// One entry of the data-quality report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityNote {
    /// The normaliser's stable code for the kind of change.
    pub rule: String,
    /// JSON Pointer into the release.
    pub path: String,
    /// JSON text of the value before, if there was one.
    pub before: Option<String>,
    /// JSON text of the value after, if there is one.
    pub after: Option<String>,
}

/// A stored normalised compiled release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalisedReleaseRow {
    pub ocid: Ocid,
    pub json: String,
    pub region: Option<String>,
}

/// One stored quality note of a process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityNoteRow {
    pub ocid: Ocid,
    pub note: QualityNote,
}

/// How often one rule applied, over the whole database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityTotalRow {
    pub rule: String,
    /// Processes with at least one note of the rule.
    pub processes: i64,
    pub notes: i64,
}
