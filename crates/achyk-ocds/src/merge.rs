//! Merging releases into compiled and versioned releases.
pub use serde_json::Value;
use crate::rules::MergeRules;

/// Something odd met while merging one process; the merge still produces a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeWarning {
    pub ocid: String,
    /// JSON path of the field concerned, for example `/awards` or `/tender/items`.
    pub path: String,
    pub message: String,
}

/// The result of merging the releases of one process.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub release: Value,
    pub warnings: Vec<MergeWarning>,
}

/// Merges the releases of one contracting process (all with the same `ocid` and a usable
/// `date`, see [`crate::ReleaseHead`]) into its compiled release. `releases` are in input
/// order; they are ordered by `date` as a point in time here, ties keeping input order.
pub fn compile(releases: Vec<Value>, rules: &MergeRules) -> Merged {
    let _ = (releases, rules);
    todo!()
}

/// Like [`compile`], but writes the versioned release.
pub fn versioned(releases: Vec<Value>, rules: &MergeRules) -> Merged {
    let _ = (releases, rules);
    todo!()
}
