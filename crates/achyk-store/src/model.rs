//! Insert payloads, rows and summaries.

use achyk_ocds::{Location, ReleaseHead};
use serde_json::Value;

use crate::ids::{Ocid, OrgId};
use crate::ingest::Rejection;

/// A release ready to be stored: its text exactly as received plus what the store needs to
/// know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRelease {
    /// Never empty ([`NewRelease::parse`] rejects a blank `ocid`; pages of rows start after
    /// the empty string).
    pub ocid: Ocid,
    /// The release `id` as published (an integer `id` in decimal), if any.
    pub release_id: Option<String>,
    /// SHA-256 of the canonical JSON, lowercase hex.
    pub content_hash: String,
    /// The JSON text exactly as received.
    pub json: String,
    /// The `date` exactly as published.
    pub date: String,
    /// The `date` as nanoseconds since the Unix epoch.
    pub instant: i128,
    /// The extension URLs the release's package declared, in order.
    pub extensions: Vec<String>,
    pub location: Location,
}

impl NewRelease {
    /// Reads a release's text. A text that is not a release with a usable `ocid` and `date` is
    /// rejected with the reason.
    pub fn parse(
        json: String,
        location: Location,
        extensions: Vec<String>,
    ) -> Result<NewRelease, Rejection> {
        let value: Value = match serde_json::from_str(&json) {
            Ok(value) => value,
            Err(error) => {
                return Err(Rejection {
                    location,
                    ocid: None,
                    reason: format!("not valid JSON: {error}"),
                });
            }
        };
        let head = match ReleaseHead::of(&value) {
            Ok(head) => head,
            Err(problem) => {
                let ocid = value
                    .get("ocid")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                return Err(Rejection {
                    location,
                    ocid,
                    reason: problem.to_string(),
                });
            }
        };
        let content_hash = achyk_ocds::canonical::content_hash(&value);
        Ok(NewRelease {
            ocid: Ocid(head.ocid),
            release_id: head.id,
            content_hash,
            json,
            date: head.date,
            instant: head.instant,
            extensions,
            location,
        })
    }

    /// What identifies the release within its process: its `id`, or its content hash when it
    /// has none.
    pub fn release_key(&self) -> &str {
        self.release_id.as_deref().unwrap_or(&self.content_hash)
    }
}

/// A release stored again with the same `ocid` and `id` as a stored one but other content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVersion {
    /// Position of the release in the slice given to [`crate::Store::insert_releases`].
    pub index: usize,
    pub ocid: Ocid,
    pub release_id: String,
}

/// What [`crate::Store::insert_releases`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InsertSummary {
    /// Releases stored (new versions included).
    pub inserted: usize,
    /// Releases that were already stored with the same content, and so changed nothing.
    pub unchanged: usize,
    /// The stored releases that are new versions of a release stored before.
    pub new_versions: Vec<NewVersion>,
}

impl InsertSummary {
    /// Adds another batch's summary, shifting its indexes by `offset`.
    pub fn absorb(&mut self, other: InsertSummary, offset: usize) {
        self.inserted += other.inserted;
        self.unchanged += other.unchanged;
        self.new_versions
            .extend(other.new_versions.into_iter().map(|version| NewVersion {
                index: version.index + offset,
                ..version
            }));
    }
}

/// What [`crate::Store::recompute_dirty`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecomputeSummary {
    /// Processes whose compiled release was written.
    pub processes: usize,
    /// Organisation rows written (inserted or updated) along the way.
    pub organisations: usize,
    /// Merge warnings written.
    pub warnings: usize,
}

impl RecomputeSummary {
    /// Adds another summary's counts.
    pub fn absorb(&mut self, other: RecomputeSummary) {
        self.processes += other.processes;
        self.organisations += other.organisations;
        self.warnings += other.warnings;
    }
}

/// A stored release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseRow {
    /// Import order: the surrogate key.
    pub id: i64,
    pub ocid: Ocid,
    pub release_id: Option<String>,
    pub content_hash: String,
    /// The text exactly as received.
    pub json: String,
    pub date: String,
    pub extensions: Vec<String>,
    /// The file it came from (`-` for standard input).
    pub source: String,
}

/// A stored compiled release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledReleaseRow {
    pub ocid: Ocid,
    pub json: String,
    /// How many stored releases (versions included) it merges.
    pub release_count: i64,
    /// The `date` of its latest release, as published.
    pub latest_date: String,
}

/// A stored merge warning of one process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeWarningRow {
    pub ocid: Ocid,
    pub path: String,
    pub message: String,
}

/// A stored organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRow {
    pub id: OrgId,
    pub name: Option<String>,
    pub identifier_scheme: Option<String>,
    pub identifier_id: Option<String>,
    pub legal_name: Option<String>,
    /// The Kyrgyz name (`name_ky`, else `identifier.legalName_ky`).
    pub name_ky: Option<String>,
    /// ISO 3166-2 code of its region, when the normaliser found one.
    pub region: Option<String>,
    /// The party object as it appears in the latest process naming the organisation.
    pub json: String,
    /// The process that `json` comes from.
    pub seen_in: Ocid,
}

/// One role an organisation plays in one process.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProcessPartyRow {
    pub ocid: Ocid,
    pub organisation_id: OrgId,
    pub role: String,
}

/// `text` on one line, for JSON Lines: a release received pretty-printed inside a package
/// keeps its line breaks in storage, and loses them (and only the whitespace outside strings)
/// here. Every token stays byte for byte.
pub fn json_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['\n', '\r']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut line = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for character in text.chars() {
        if in_string {
            line.push(character);
            if escaped {
                escaped = false;
            } else if character == '\\' {
                escaped = true;
            } else if character == '"' {
                in_string = false;
            }
        } else if !matches!(character, ' ' | '\t' | '\n' | '\r') {
            if character == '"' {
                in_string = true;
            }
            line.push(character);
        }
    }
    std::borrow::Cow::Owned(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_line_removes_only_whitespace_outside_strings() {
        assert!(matches!(
            json_line(r#"{"a": "b c"}"#),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            json_line("{\n  \"a\": \"b \\\" c\",\n  \"n\": 1.50\n}"),
            "{\"a\":\"b \\\" c\",\"n\":1.50}"
        );
    }
}
