//! An import from end to end: what [`crate::Ingest`] hands out goes into the store, and the
//! report of it all.

use achyk_ocds::Location;

use crate::error::StoreError;
use crate::ids::Ocid;
use crate::ingest::{Ingest, IngestWarning, Ingested, Rejection};
use crate::model::RecomputeSummary;
use crate::projects::ProjectStored;
use crate::store::Store;

/// Releases per insert transaction.
pub const IMPORT_BATCH_SIZE: usize = 2_000;
/// Processes per recompute transaction.
pub const RECOMPUTE_BATCH_SIZE: usize = 500;

/// A release stored with the `ocid` and `id` of a release stored before, but other content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedVersion {
    pub location: Location,
    pub ocid: Ocid,
    pub release_id: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Releases met in the input, rejected ones included.
    pub releases_read: u64,
    /// Releases stored (new versions included).
    pub inserted: usize,
    /// Releases already stored with the same content.
    pub unchanged: usize,
    pub new_versions: Vec<ReportedVersion>,
    pub rejected: Vec<Rejection>,
    pub warnings: Vec<IngestWarning>,
    /// The processes recomputed, those left by an earlier import that died included.
    pub recomputed: RecomputeSummary,
    /// OC4IDS projects stored new, stored as a new version, and received unchanged.
    pub projects_new: usize,
    pub projects_changed: usize,
    pub projects_unchanged: usize,
}

impl Store {
    /// Stores what [`Ingest`] handed out, and notes it in `report`.
    pub async fn store_ingested(
        &self,
        ingested: Ingested,
        report: &mut ImportReport,
    ) -> Result<(), StoreError> {
        match ingested {
            Ingested::Releases(releases) => {
                let summary = self.insert_releases(&releases).await?;
                report.inserted += summary.inserted;
                report.unchanged += summary.unchanged;
                report
                    .new_versions
                    .extend(
                        summary
                            .new_versions
                            .into_iter()
                            .map(|version| ReportedVersion {
                                location: releases[version.index].location.clone(),
                                ocid: version.ocid,
                                release_id: version.release_id,
                            }),
                    );
            }
            Ingested::Project { json, location } => {
                match self.store_project(&json, "oc4ids").await {
                    Ok(ProjectStored::New) => report.projects_new += 1,
                    Ok(ProjectStored::Changed) => report.projects_changed += 1,
                    Ok(ProjectStored::Unchanged) => report.projects_unchanged += 1,
                    Err(StoreError::Conflict { message, .. }) => {
                        let id = serde_json::from_str::<serde_json::Value>(&json)
                            .ok()
                            .and_then(|value| value["id"].as_str().map(str::to_owned));
                        report.rejected.push(Rejection {
                            location,
                            ocid: id,
                            reason: format!("project not stored: {message}"),
                        });
                    }
                    Err(error) => return Err(error),
                }
            }
            Ingested::Rejected(rejection) => report.rejected.push(rejection),
            Ingested::Warning(warning) => report.warnings.push(warning),
        }
        Ok(())
    }

    /// Imports publications held in memory (an API page, a test fixture): reads each, stores
    /// its releases and recomputes the processes that changed, after finishing whatever an
    /// earlier import left undone. For large inputs, read on another thread and feed
    /// [`Store::store_ingested`] as `achyk import` does.
    pub async fn import_publications(
        &self,
        publications: &[(&str, &[u8])],
    ) -> Result<ImportReport, StoreError> {
        let mut report = ImportReport {
            recomputed: self.recompute_dirty(RECOMPUTE_BATCH_SIZE, |_| {}).await?,
            ..ImportReport::default()
        };
        let mut ingest = Ingest::new(IMPORT_BATCH_SIZE);
        let mut handed_out = Vec::new();
        for (source, bytes) in publications {
            achyk_ocds::read_publication(source, *bytes, &mut |event| {
                ingest.push(event, &mut |ingested| handed_out.push(ingested))
            })
            .map_err(|error| StoreError::Conflict {
                what: "publication",
                key: source.to_string(),
                message: format!("could not be read: {error}"),
            })?;
            ingest.end_source(&mut |ingested| handed_out.push(ingested));
            for ingested in handed_out.drain(..) {
                self.store_ingested(ingested, &mut report).await?;
            }
        }
        ingest.finish(&mut |ingested| handed_out.push(ingested));
        for ingested in handed_out.drain(..) {
            self.store_ingested(ingested, &mut report).await?;
        }
        report.releases_read = ingest.releases_read;
        report
            .recomputed
            .absorb(self.recompute_dirty(RECOMPUTE_BATCH_SIZE, |_| {}).await?);
        Ok(report)
    }
}
